/**
 * Likelihood-ratio tests against powerlaw 1.5 (test/reference/alternatives/powerlaw.json).
 *
 * 1. The formulas: on powerlaw's own fitted parameters, our R, normalized R and p equal powerlaw's
 *    `distribution_compare` (R to 1e-9; normalized R and p to 1e-7, the level of powerlaw's own
 *    per-point rounding on the discrete words data), for every pair the script recorded, except pairs
 *    with a lognormal whose float64 normalizer underflowed in powerlaw or a discrete stretched
 *    exponential (see alternatives.test.ts), and the [xmin, xmax] case (powerlaw ignores xmax in its
 *    continuous densities).
 * 2. The nested rule without powerlaw's precedence bug.
 * 3. End to end with our own fits: where our alternative's parameters agree with powerlaw's, R and p
 *    agree; where they do not, our alternative fits better, so the power law's advantage R is lower.
 * 4. powerlaw's own test suite asserts (testing/test_powerlaw.py, rtol 0.1, atol 0.01) hold for our
 *    compareAll on blackouts, cities, fires, flares, terrorism and words (exponential; see below). Its lognormal values for quakes and surnames
 *    do not: there powerlaw's lognormal stopped short (surnames) or is a float64 underflow artifact
 *    (quakes, exact value in the reference file); our lognormal reaches its supremum, the power-law
 *    limit σ → ∞, so R = 0 and p = 1: the data cannot tell a lognormal from the power law.
 */
import { DistributionName, cutTail, fitDistribution, logLikelihoods } from '../src/core/alternatives';
import {
  LOG_LIKELIHOOD_FLOOR,
  compareAll,
  compareAllDetailed,
  compareDistributions,
  DetailedComparison,
  isNestedPair,
  loglikelihoodRatio,
} from '../src/core/compare';
import { erfc } from '../src/core/specialFunctions';
import { isEsdlabError } from '../src/core/errors';
import { loadCase, refCases, type RefCase } from './helpers/alternativesReference';

const load = loadCase;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const cases = refCases.filter((c) => c.xmax === null);
const underflow = (c: RefCase, name: string): boolean =>
  name.startsWith('lognormal') && (Math.log(c.xmin) - c.distributions[name].params.mu) / (Math.SQRT2 * c.distributions[name].params.sigma) > 26;
// powerlaw's discrete stretched exponential loses ~1e-8 relative in its CDF differences (see alternatives.test.ts)
const imprecise = (c: RefCase, name: string): boolean => underflow(c, name) || (c.discrete && name === 'stretched_exponential');
const rangeOf = (c: RefCase) => ({ xmin: c.xmin, xmax: c.xmax, discrete: c.discrete });
const ALTS: DistributionName[] = ['exponential', 'stretched_exponential', 'lognormal', 'lognormal_positive', 'truncated_power_law'];
const detailed = new Map<string, DetailedComparison>();
/** compareAllDetailed for a reference case, computed once per file run. */
function detailFor(c: RefCase): DetailedComparison {
  let d = detailed.get(c.name);
  if (!d) {
    d = compareAllDetailed(load(c), { alpha: c.alpha, ...rangeOf(c) }, ALTS);
    detailed.set(c.name, d);
  }
  return d;
}

describe('formulas on powerlaw\'s own parameters', () => {
  for (const c of cases) {
    test(c.name, () => {
      const tail = cutTail(load(c), c);
      let checked = 0;
      for (const [pair, r] of Object.entries(c.comparisons)) {
        const [a, b] = pair.split('|') as [DistributionName, DistributionName];
        if (imprecise(c, a) || imprecise(c, b)) continue;
        const la = logLikelihoods({ name: a, params: c.distributions[a].params, ...rangeOf(c) }, tail);
        const lb = logLikelihoods({ name: b, params: c.distributions[b].params, ...rangeOf(c) }, tail);
        const scale = la.reduce((s, v) => s + Math.abs(v), 0);
        const t = loglikelihoodRatio(la, lb, {}, [a, b]);
        const tn = loglikelihoodRatio(la, lb, { normalizedRatio: true }, [a, b]);
        expect(Math.abs(t.rawR - r.R)).toBeLessThan(1e-9 * Math.max(Math.abs(r.R), 1e-3 * scale));
        expect(t.R).toBe(t.rawR);
        expect(tn.R).toBe(tn.normalizedR);
        expect(Math.abs((tn.R as number) - r.normalizedR)).toBeLessThan(1e-7 * Math.max(1, Math.abs(r.normalizedR)));
        expect(Math.abs(t.p - r.p)).toBeLessThan(1e-7 * r.p + 2e-16);
        expect(t.nested).toBe(isNestedPair(a, b));
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(4);
    });
  }
});

describe('nested rule', () => {
  test('name rule as powerlaw; explicit nested: false is respected (powerlaw 1.5 ignores it)', () => {
    expect(isNestedPair('power_law', 'truncated_power_law')).toBe(true);
    expect(isNestedPair('truncated_power_law', 'power_law')).toBe(true);
    expect(isNestedPair('lognormal', 'lognormal_positive')).toBe(true);
    expect(isNestedPair('power_law', 'lognormal')).toBe(false);
    const c = cases.find((k) => k.name === 'csn:fires')!;
    const tail = cutTail(load(c), c);
    const la = logLikelihoods({ name: 'power_law', params: c.distributions.power_law.params, xmin: c.xmin }, tail);
    const lb = logLikelihoods({ name: 'truncated_power_law', params: c.distributions.truncated_power_law.params, xmin: c.xmin }, tail);
    const r = c.comparisons['power_law|truncated_power_law'];
    // powerlaw: nested=False still gives the χ² p-value (its precedence bug)
    expect(r.pNestedFalse).toBe(r.p);
    const ours = loglikelihoodRatio(la, lb, { nested: false }, ['power_law', 'truncated_power_law']);
    expect(ours.nested).toBe(false);
    expect(rel(ours.p, erfc(Math.abs(ours.rawR) / Math.sqrt(2 * ours.n * ours.variance)))).toBeLessThan(1e-15);
    expect(Math.abs(ours.p - r.p)).toBeGreaterThan(1e-3); // Vuong differs from the χ² value here
    expect(loglikelihoodRatio(la, lb, {}, ['power_law', 'truncated_power_law']).nested).toBe(true);
  });
});

describe('end to end with our fits', () => {
  for (const c of cases) {
    test(c.name, () => {
      const det = detailFor(c);
      for (const [name, t] of Object.entries(det.tests)) {
        const r = c.comparisons[`power_law|${name}`];
        const theirs = c.distributions[name];
        const ours = det.fits[name];
        const agree = Object.keys(theirs.params).every((k) => rel((ours.params as Record<string, number>)[k], theirs.params[k]) <= 1e-4);
        expect(t.normalizedRatio).toBe(true);
        if (agree) {
          expect(Math.abs((t.R as number) - r.normalizedR)).toBeLessThan(1e-3 * Math.max(1, Math.abs(r.normalizedR)));
          // powerlaw's parameters carry its Nelder–Mead error (up to 1e-4); p = erfc(|R|/√2) amplifies
          // a relative error ε of R into ≈ ε·R² relative error of p
          expect(Math.abs(t.p - r.p)).toBeLessThan(1e-3 * Math.max(1, r.normalizedR ** 2) * Math.max(r.p, 1e-12));
        } else {
          const exactR = (c.distributions.power_law.exactLogLikelihood as number) - (theirs.exactLogLikelihood as number);
          expect(t.rawR).toBeLessThan(exactR);
        }
      }
    });
  }
});

describe('powerlaw\'s own test-suite values (rtol 0.1, atol 0.01)', () => {
  const table: Record<string, { lognormal?: [number, number]; exponential: [number, number] }> = {
    'csn:terrorism': { lognormal: [-0.278, 0.78], exponential: [2.457, 0.01] },
    // words (discrete): powerlaw's lognormal (0.395, 0.69) is a Nelder–Mead stop; ours is higher in
    // likelihood (asserted in alternatives.test.ts) and gives R ≈ 0.06, p ≈ 0.96
    'csn:words': { exponential: [9.09, 0.0] },
    'csn:blackouts': { lognormal: [-0.412, 0.68], exponential: [1.43, 0.15] },
    'csn:cities': { lognormal: [-0.09, 0.93], exponential: [3.65, 0.0] },
    'csn:fires': { lognormal: [-1.78, 0.08], exponential: [4.0, 0.0] },
    'csn:flares': { lognormal: [-0.803, 0.42], exponential: [13.7, 0.0] },
  };
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 0.01 + 0.1 * Math.abs(b);
  for (const [name, want] of Object.entries(table)) {
    test(name, () => {
      const c = cases.find((k) => k.name === name)!;
      // compareAll itself on the smallest case; the memoized detailed run (same code path) elsewhere
      const got = name === 'csn:blackouts' ? compareAll(load(c), { alpha: c.alpha, ...rangeOf(c) }) : detailFor(c).table;
      if (name === 'csn:blackouts') expect(got).toEqual(detailFor(c).table);
      expect(Object.keys(got).sort()).toEqual(['exponential', 'lognormal', 'stretched_exponential', 'truncated_power_law']);
      for (const d of ['lognormal', 'exponential'] as const) {
        const w = want[d];
        if (!w) continue;
        expect(close(got[d].R as number, w[0])).toBe(true);
        expect(close(got[d].p, w[1])).toBe(true);
      }
      expect(JSON.parse(JSON.stringify(got))).toEqual(got);
    });
  }

  test('quakes and surnames: our lognormal reaches the power-law limit (R = 0, p = 1) where powerlaw stopped short', () => {
    for (const name of ['csn:quakes', 'csn:surnames']) {
      const c = cases.find((k) => k.name === name)!;
      const det = detailFor(c);
      expect(det.fits.lognormal.boundary).toMatch(/sigma → ∞/);
      expect(det.fits.lognormal.logLikelihood).toBeGreaterThan(c.distributions.lognormal.exactLogLikelihood as number);
      expect(det.fits.lognormal.logLikelihood).toBeCloseTo(det.powerLaw.logLikelihood, 6);
      expect(det.table.lognormal).toEqual({ R: 0, p: 1 });
      expect(det.tests.lognormal.reason).toMatch(/rounding/);
    }
  });
});

describe('unit cases', () => {
  test('identical inputs, floor for −Infinity, zero variance, lengths', () => {
    const a = [-1, -2, -3];
    expect(loglikelihoodRatio(a, a)).toMatchObject({ rawR: 0, normalizedR: 0, p: 1 });
    const f = loglikelihoodRatio([-Infinity, -1], [-1, -1]);
    expect(f.rawR).toBeCloseTo(LOG_LIKELIHOOD_FLOOR + 1, 10);
    expect(Math.log(1e-307)).toBe(LOG_LIKELIHOOD_FLOOR);
    const z = loglikelihoodRatio([-1, -1], [-2, -2]);
    expect(z.rawR).toBe(2);
    expect(z.normalizedR).toBeNull();
    expect(z.reason).toMatch(/variance/);
    expect(loglikelihoodRatio([], [])).toMatchObject({ R: 0, p: 1, n: 0 });
    try {
      loglikelihoodRatio([1], [1, 2]);
    } catch (e) {
      expect(isEsdlabError(e)).toBe(true);
    }
    expect.assertions(8);
  });

  test('an alternative without a maximum-likelihood fit gives {R: null, p: null} and a reason', () => {
    // two points at xmin and xmax: the stretched exponential's likelihood is unbounded on [1, 2]
    const det = compareAllDetailed([1, 2], { alpha: 2.5, xmin: 1, xmax: 2 });
    expect(det.failures.stretched_exponential).toMatch(/unbounded/);
    expect(det.table.stretched_exponential).toEqual({ R: null, p: null });
    expect(typeof det.table.exponential.p).toBe('number');
    expect(JSON.parse(JSON.stringify(det.table))).toEqual(det.table);
  });

  test('compareDistributions uses the shared range and rejects mismatched ones', () => {
    const c = cases.find((k) => k.name === 'csn:blackouts')!;
    const data = load(c);
    const e = fitDistribution('exponential', data, c);
    const pl = fitDistribution('power_law', data, { xmin: c.xmin, alpha: c.alpha });
    const r = compareDistributions(pl, e, data, { normalizedRatio: true });
    expect(r.n).toBe(59);
    expect(r.distributions).toEqual(['power_law', 'exponential']);
    expect(() => compareDistributions(pl, { ...e, xmin: 231 }, data)).toThrow(/different ranges/);
  });
});
