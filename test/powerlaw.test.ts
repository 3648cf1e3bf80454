import * as fs from 'fs';
import * as path from 'path';
import { fitPowerLaw, powerLawTail, type PowerLawFit, type PowerLawFitOptions } from '../src/core/powerlaw';
import { createRng } from '../src/core/rng';

// Reference values: powerlaw 1.5 (`powerlaw.Fit`) and WeightWatcher 0.7.5.5 (`WWFit`), run once by
// test/reference/powerlaw/make_reference.py (exact command in its header and in the JSON).
const ROOT = path.join(__dirname, '..');
const ref = JSON.parse(fs.readFileSync(path.join(__dirname, 'reference', 'powerlaw', 'powerlaw.json'), 'utf8'));
const load = (f: string, factor = 1): number[] =>
  fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => Number(l) * factor);

interface Ref { alpha: number; xmin: number; D: number; sigma: number; nTail: number }
/** alpha, xmin, D, sigma within `tol` relative; nTail exact. */
function agree(f: PowerLawFit, r: Ref, tol: number): void {
  const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
  expect({ xmin: f.xmin, nTail: f.nTail }).toEqual({ xmin: expect.any(Number), nTail: r.nTail });
  expect(rel(f.xmin, r.xmin)).toBeLessThanOrEqual(tol);
  expect(rel(f.alpha, r.alpha)).toBeLessThanOrEqual(tol);
  expect(rel(f.D, r.D)).toBeLessThanOrEqual(tol);
  expect(rel(f.sigma, r.sigma)).toBeLessThanOrEqual(tol);
}

const TIGHT = 1e-9;

describe.each(Object.keys(ref.synthetic))('powerlaw 1.5 / WWFit on synthetic %s', (name) => {
  const e = ref.synthetic[name];
  const x = load(e.file);
  const discrete = name.startsWith('discrete');
  it('default fit (xmin by minimum KS over unique values)', () => {
    agree(fitPowerLaw(x, { discrete }), e.default, TIGHT);
  });
  it('fixed xmin (not a data point)', () => {
    agree(fitPowerLaw(x, { discrete, xmin: e.fixed.xminGiven }), e.fixed, TIGHT);
  });
  if (e.xmax) {
    it("xmax with xmaxMode 'powerlaw-1.5' (SciPy Nelder–Mead path emulated step by step)", () => {
      agree(fitPowerLaw(x, { discrete, xmax: e.xmax.xmaxGiven, xmaxMode: 'powerlaw-1.5' }), e.xmax, TIGHT);
    });
    it('xmin search range [lo, hi]', () => {
      agree(fitPowerLaw(x, { discrete, xmin: e.range.xminRange }), e.range, TIGHT);
    });
  }
  if (e.discreteExactNM) {
    it("discrete, estimate_discrete=False ('powerlaw-1.5': Nelder–Mead on the zeta likelihood)", () => {
      agree(fitPowerLaw(x, { discrete: true, discreteMethod: 'powerlaw-1.5' }), e.discreteExactNM, TIGHT);
    });
  }
  if (e.ww) {
    it("WWFit (candidates 'ww')", () => {
      agree(fitPowerLaw(x, { candidates: 'ww' }), e.ww, TIGHT);
    });
  }
});

describe('scan arrays (keepScan) equal powerlaw fit.xmins / fit.Ds / fit.alphas', () => {
  const e = ref.synthetic.esd_mu2_200;
  const f = fitPowerLaw(load(e.file), { keepScan: true });
  it('every candidate, to 1e-9', () => {
    const s = e.default.scan;
    expect(f.scan?.xmins).toEqual(s.xmins);
    expect(f.nCandidates).toBe(s.xmins.length);
    for (let i = 0; i < s.Ds.length; i++) {
      expect(Math.abs((f.scan?.Ds[i] as number) - s.Ds[i])).toBeLessThanOrEqual(TIGHT * s.Ds[i]);
      expect(Math.abs((f.scan?.alphas[i] as number) - s.alphas[i])).toBeLessThanOrEqual(TIGHT * s.alphas[i]);
    }
  });
  it('the early-terminated search picks the same fit as the full scan', () => {
    const g = fitPowerLaw(load(e.file));
    expect(g.alpha).toBe(f.alpha);
    expect(g.D).toBe(f.D);
    const Ds = f.scan?.Ds as number[];
    expect(f.D).toBe(Math.min(...Ds));
  });
});

describe.each(Object.keys(ref.csn))('Clauset–Shalizi–Newman data: %s', (name) => {
  const e = ref.csn[name];
  const x = load(e.file, e.factor);
  const discrete: boolean = e.discrete;
  it("as powerlaw's own tests fit it (estimate_discrete=False)", () => {
    agree(fitPowerLaw(x, { discrete, discreteMethod: 'powerlaw-1.5' }), e.powerlawTests, TIGHT);
  });
  if (e.default) {
    it('discrete, default estimator (Clauset eq. 3.7)', () => {
      agree(fitPowerLaw(x, { discrete: true }), e.default, TIGHT);
    });
  }
  it('fixed xmin', () => {
    agree(fitPowerLaw(x, { discrete, xmin: e.fixed.xminGiven }), e.fixed, TIGHT);
  });
  if (e.xmax) {
    it("xmax ('powerlaw-1.5')", () => {
      agree(fitPowerLaw(x, { xmax: e.xmax.xmaxGiven, xmaxMode: 'powerlaw-1.5' }), e.xmax, TIGHT);
    });
  }
  if (e.ww) {
    it('WWFit', () => {
      agree(fitPowerLaw(x, { candidates: 'ww' }), e.ww, TIGHT);
    });
  }
});

describe('truncated power law on [xmin, xmax] (exact MLE): closed forms', () => {
  // Mean of ln(x/xmin) under p(x) ∝ x^(−α) on [xmin, xmax], by composite Simpson integration in
  // u = ln(x/xmin) (density ∝ e^(−(α−1)u) on [0, L]) — independent of the library's closed form.
  function meanLog(alpha: number, L: number): number {
    const m = 20000, h = L / m;
    let num = 0, den = 0;
    for (let i = 0; i <= m; i++) {
      const u = i * h, w = (i === 0 || i === m ? 1 : i % 2 ? 4 : 2) * Math.exp(-(alpha - 1) * u);
      num += w * u; den += w;
    }
    return num / den;
  }
  it.each([[2.5, Math.log(10)], [1.7, 3], [4, 1], [0.6, 2]])('alpha = %p, L = %p: a tail with that mean log is fitted back exactly', (alpha, L) => {
    const t = meanLog(alpha, L);
    // two interior points with mean log exactly t (symmetric around t, inside (0, L)), plus the ends
    const d = Math.min(t, L - t) / 2;
    const xs = [1, Math.exp(t - d), Math.exp(t + d), Math.exp(2 * t - 0)].slice(0, 3);
    // use an even set {1, e^(2t)} ∪ {e^(t−d), e^(t+d)} when 2t ≤ L, else its mirror
    const vals = 2 * t <= L ? [1, Math.exp(2 * t), ...xs.slice(1)] : [Math.exp(L), Math.exp(2 * t - L), ...xs.slice(1)];
    const mean = vals.reduce((s, v) => s + Math.log(v), 0) / vals.length;
    expect(Math.abs(mean - t)).toBeLessThan(1e-12);
    const f = fitPowerLaw(vals, { xmin: 1, xmax: Math.exp(L) });
    expect(Math.abs(f.alpha - alpha)).toBeLessThan(1e-8);
    expect(f.options.xmaxMode).toBe('exact');
  });
  it('mean log = L/2 gives alpha = 1 exactly (uniform in log), reported as failed (alpha ≤ 1)', () => {
    const f = fitPowerLaw([1, Math.exp(0.5), Math.exp(1.5), Math.exp(2)], { xmin: 1, xmax: Math.exp(2) });
    expect(f.alpha).toBeCloseTo(1, 12);
    expect(f.status).toBe('failed');
  });
  it('the exact truncated score is zero at the fit and the likelihood is maximal there', () => {
    const x = load(ref.synthetic.pareto_body_800.file);
    const xmax = ref.synthetic.pareto_body_800.xmax.xmaxGiven;
    const f = fitPowerLaw(x, { xmax });
    const tail = powerLawTail(x, f);
    const ll = (a: number): number => {
      let s = 0;
      for (const v of tail) s += Math.log((a - 1) / (f.xmin ** (1 - a) - xmax ** (1 - a))) - a * Math.log(v);
      return s;
    };
    const h = 1e-5;
    const score = (ll(f.alpha + h) - ll(f.alpha - h)) / (2 * h);
    expect(Math.abs(score)).toBeLessThan(1e-4);
    expect(ll(f.alpha)).toBeGreaterThan(ll(f.alpha + 1e-3));
    expect(ll(f.alpha)).toBeGreaterThan(ll(f.alpha - 1e-3));
    // powerlaw's xmax behaviour (likelihood ignoring xmax) is a different, biased estimate
    const g = fitPowerLaw(x, { xmax, xmaxMode: 'powerlaw-1.5', xmin: f.xmin });
    expect(Math.abs(g.alpha - f.alpha)).toBeGreaterThan(1e-3);
  });
});

describe('discrete exact zeta MLE', () => {
  it('solves the zeta score equation: the brute-force log-likelihood is maximal at alpha', () => {
    const x = load(ref.synthetic.discrete_2000.file);
    const f = fitPowerLaw(x, { discrete: true, discreteMethod: 'exact', xmin: 3 });
    const tail = powerLawTail(x, f);
    // log-likelihood with the normalizer summed by brute force plus an integral tail correction
    const ll = (a: number): number => {
      let Z = 0;
      const K = 200000;
      for (let k = K - 1; k >= 3; k--) Z += k ** -a;
      Z += K ** (1 - a) / (a - 1) + 0.5 * K ** -a; // Euler–Maclaurin remainder of Σ_{k≥K}
      let s = 0;
      for (const v of tail) s -= a * Math.log(v);
      return s - tail.length * Math.log(Z);
    };
    const h = 1e-4;
    expect(Math.abs((ll(f.alpha + h) - ll(f.alpha - h)) / (2 * h))).toBeLessThan(1e-3);
    const nm = fitPowerLaw(x, { discrete: true, discreteMethod: 'powerlaw-1.5', xmin: 3 });
    expect(ll(f.alpha)).toBeGreaterThanOrEqual(ll(nm.alpha));
    expect(Math.abs(nm.alpha - f.alpha)).toBeLessThan(1e-3); // Nelder–Mead's xtol is 1e-4-ish
  });
});

describe('discrete exact MLE truncated at xmax', () => {
  it('maximizes the likelihood normalized by the finite sum Σ_{k=xmin..xmax} k^(−α)', () => {
    const x = load(ref.synthetic.discrete_2000.file);
    const f = fitPowerLaw(x, { discrete: true, discreteMethod: 'exact', xmin: 2, xmax: 60 });
    const tail = powerLawTail(x, f);
    expect(tail.length).toBe(f.nTail);
    expect(f.nAboveXmax).toBe(x.filter((v) => v > 60).length);
    const ll = (a: number): number => {
      let Z = 0;
      for (let k = 60; k >= 2; k--) Z += k ** -a;
      let s = 0;
      for (const v of tail) s -= a * Math.log(v);
      return s - tail.length * Math.log(Z);
    };
    const h = 1e-4;
    expect(Math.abs((ll(f.alpha + h) - ll(f.alpha - h)) / (2 * h))).toBeLessThan(1e-4);
    // KS uses the same truncated zeta CDF: T(xmax + 1) would be 1; D is a proper distance in (0, 1)
    expect(f.D).toBeGreaterThan(0);
    expect(f.D).toBeLessThan(0.2);
  });
});

describe('branch-and-bound KS equals a brute-force O(n²) scan', () => {
  // Brute force written independently: powerlaw's definition over unique tail values (or WW's over
  // every tail point), D = max |(1 − (u/c)^(1−α)) − #{c ≤ x < u}/n|.
  function brute(x: number[], ww: boolean): { xmins: number[]; Ds: number[]; best: number } {
    const s = [...x].sort((a, b) => a - b);
    const N = s.length;
    const xmins: number[] = [], Ds: number[] = [];
    for (let i = 0; i < N - 1; i++) {
      if (!ww && i > 0 && s[i] === s[i - 1]) continue;
      if (!ww && s[i] === s[N - 1]) break;
      const c = s[i], n = N - i;
      let S = 0;
      for (let j = i; j < N; j++) S += Math.log(s[j] / c);
      const alpha = 1 + n / S;
      let D = 0;
      for (let j = i; j < N; j++) {
        if (!ww && j > i && s[j] === s[j - 1]) continue;
        D = Math.max(D, Math.abs(1 - (s[j] / c) ** (1 - alpha) - (j - i) / n));
      }
      xmins.push(c); Ds.push(D);
    }
    let best = 0;
    for (let k = 1; k < Ds.length; k++) if (Ds[k] < Ds[best]) best = k;
    return { xmins, Ds, best };
  }
  const rng = createRng(99);
  const sets: number[][] = [];
  for (let t = 0; t < 24; t++) {
    const n = 20 + rng.int(400);
    const mu = 0.5 + 2 * rng.next();
    const digits = t % 3 === 0 ? 1 : t % 3 === 1 ? 2 : -1; // ties from rounding in 2 of 3 sets
    sets.push(Array.from({ length: n }, () => {
      const v = rng.next() < 0.3 ? 0.2 + rng.next() : (1 - rng.next()) ** (-1 / mu);
      return digits < 0 ? v : Math.max(0.1, Math.round(v * 10 ** digits) / 10 ** digits);
    }));
  }
  it.each(sets.map((x, i) => [i, x.length, x] as const))('set %i (n = %i): every D, and the argmin', (_i, _n, x) => {
    for (const ww of [false, true]) {
      const b = brute(x, ww);
      const opts: PowerLawFitOptions = ww ? { candidates: 'ww' } : {};
      const f = fitPowerLaw(x, { ...opts, keepScan: true });
      expect(f.scan?.xmins).toEqual(b.xmins);
      const Ds = f.scan?.Ds as number[];
      for (let k = 0; k < Ds.length; k++) expect(Math.abs(Ds[k] - b.Ds[k])).toBeLessThan(1e-12);
      const g = fitPowerLaw(x, opts);
      expect(g.xmin).toBe(b.xmins[b.best]);
      expect(Math.abs(g.D - b.Ds[b.best])).toBeLessThan(1e-12);
    }
  });
});

describe('behaviour and errors', () => {
  const rng = createRng(5);
  const pareto = Array.from({ length: 300 }, () => (1 - rng.next()) ** (-1 / 1.5));
  it('result is plain JSON and records its options', () => {
    const f = fitPowerLaw(pareto, { keepScan: true });
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
    expect(f.options).toEqual({ xmin: null, xmax: null, xmaxMode: 'exact', candidates: 'unique', discrete: false, discreteMethod: 'estimate', floor: 0, wwSmallN: false, keepScan: true });
    expect(f.distribution).toBe('power_law');
    expect(f.sigma).toBeCloseTo((f.alpha - 1) / Math.sqrt(f.nTail), 14);
  });
  it('drops zeros (powerlaw rule) and values ≤ floor, counting them', () => {
    const f = fitPowerLaw([0, 0, ...pareto]);
    expect(f.nRemoved).toBe(2);
    expect(f.n).toBe(300);
    expect(f.alpha).toBe(fitPowerLaw(pareto).alpha);
    const g = fitPowerLaw(pareto, { floor: 1.2 });
    expect(g.nRemoved).toBe(pareto.filter((v) => v <= 1.2).length);
  });
  it('powerLawTail returns the sorted tail in [xmin, xmax]', () => {
    const f = fitPowerLaw(pareto, { xmax: 20 });
    const t = powerLawTail(pareto, f);
    expect(t.length).toBe(f.nTail);
    expect(f.n).toBe(300);
    expect(f.nAboveXmax).toBe(pareto.filter((v) => v > 20).length);
    expect(t[0]).toBe(f.xmin);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThanOrEqual(t[i - 1]);
    expect(t[t.length - 1]).toBeLessThanOrEqual(20);
  });
  const bad: Array<[string, () => unknown, string, RegExp]> = [
    ['NaN with its index', () => fitPowerLaw([1, 2, Number.NaN, 4]), 'NON_FINITE', /index 2/],
    ['Infinity', () => fitPowerLaw([1, Infinity]), 'NON_FINITE', /index 1/],
    ['a negative value', () => fitPowerLaw([1, 2, -3]), 'NEGATIVE_VALUE', /index 2.*negative/],
    ['fewer than 2 points', () => fitPowerLaw([5]), 'TOO_FEW_POINTS', /at least 2/],
    ['all values equal', () => fitPowerLaw([2, 2, 2]), 'TOO_FEW_POINTS', /distinct/],
    ['fixed xmin above all but one point', () => fitPowerLaw([1, 2, 3], { xmin: 2.5 }), 'TOO_FEW_POINTS', /fewer than 2/],
    ['xmin ≤ 0', () => fitPowerLaw(pareto, { xmin: 0 }), 'INVALID_ARGUMENT', /xmin/],
    ['xmin ≥ xmax', () => fitPowerLaw(pareto, { xmin: 5, xmax: 4 }), 'INVALID_ARGUMENT', /below xmax/],
    ['an unknown candidates rule', () => fitPowerLaw(pareto, { candidates: 'x' as never }), 'INVALID_ARGUMENT', /candidates/],
    ['discrete values < 1', () => fitPowerLaw([0.5, 2, 3], { discrete: true }), 'INVALID_ARGUMENT', /discrete/],
    ['an empty range', () => fitPowerLaw(pareto, { xmin: [1000, 2000] }), 'TOO_FEW_POINTS', /range/],
  ];
  it.each(bad)('rejects %s', (_l, fn, code, re) => {
    expect(fn).toThrow(expect.objectContaining({ code, message: expect.stringMatching(re) }));
  });
  it('never crashes or returns a non-finite number on odd inputs (seeded fuzz): a result or a typed error', () => {
    const r = createRng(11);
    const modes: PowerLawFitOptions[] = [{}, { candidates: 'ww' }, { xmax: 5 }, { xmax: 5, xmaxMode: 'powerlaw-1.5' }, { discrete: true },
      { discrete: true, discreteMethod: 'exact' }, { discrete: true, discreteMethod: 'powerlaw-1.5' }, { keepScan: true }, { xmin: [0.5, 3] }];
    let results = 0;
    for (let t = 0; t < 300; t++) {
      const kind = t % 6;
      const x = Array.from({ length: 1 + r.int(40) }, () => [
        () => Math.floor(1 + 10 * r.next()), () => 1e300 * (1 + r.next()), () => 1e-300 * (1 + r.next()),
        () => (r.next() < 0.5 ? 2 : 3), () => (1 - r.next()) ** (-1 / 0.3), () => (r.next() < 0.2 ? 0 : r.next() * 10),
      ][kind]());
      for (const m of modes) {
        let f: ReturnType<typeof fitPowerLaw>;
        try { f = fitPowerLaw(x, m); } catch (e) {
          expect(e).toMatchObject({ name: 'EsdlabError', code: expect.stringMatching(/^(INVALID_ARGUMENT|TOO_FEW_POINTS)$/) });
          continue;
        }
        for (const v of [f.alpha, f.xmin, f.D, f.sigma]) expect(Number.isFinite(v)).toBe(true);
        results++;
      }
    }
    expect(results).toBeGreaterThan(1000);
  });
  it('is deterministic and independent of input order', () => {
    const a = fitPowerLaw(pareto);
    const b = fitPowerLaw([...pareto].reverse());
    expect(b).toEqual(a);
  });
  it("opt-in wwSmallN (newer WWFit, < 20 points): bias-corrected alpha, tails of ≥ 8 points, argmin D", () => {
    const x = load(ref.synthetic.small_15.file).sort((a, b) => a - b);
    const f = fitPowerLaw(x, { candidates: 'ww', wwSmallN: true, keepScan: true });
    // brute force, independently: every candidate i with n = 15 − i ≥ 8 points
    let best = { D: Infinity, alpha: 0, xmin: 0, n: 0 };
    for (let i = 0; i + 8 <= x.length; i++) {
      const n = x.length - i;
      let S = 0;
      for (let j = i; j < x.length; j++) S += Math.log(x[j] / x[i]);
      const alpha = 1 + (n - 1) / S;
      let D = 0;
      for (let j = i; j < x.length; j++) D = Math.max(D, Math.abs(1 - (x[j] / x[i]) ** (1 - alpha) - (j - i) / n));
      if (D < best.D) best = { D, alpha, xmin: x[i], n };
    }
    expect(f.xmin).toBe(best.xmin);
    expect(f.alpha).toBeCloseTo(best.alpha, 12);
    expect(f.D).toBeCloseTo(best.D, 12);
    expect(f.nTail).toBe(best.n);
    expect(f.options.wwSmallN).toBe(true);
    // off by default: plain WWFit (= powerlaw on tie-free data)
    expect(fitPowerLaw(x, { candidates: 'ww' }).alpha).toBeCloseTo(ref.synthetic.small_15.ww.alpha, 12);
  });
  it('ww and unique candidates agree on tie-free data', () => {
    const opts: PowerLawFitOptions = { candidates: 'ww' };
    const u = fitPowerLaw(pareto), w = fitPowerLaw(pareto, opts);
    expect([w.alpha, w.xmin, w.D]).toEqual([u.alpha, u.xmin, u.D]);
  });
});
