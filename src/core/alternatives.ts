/**
 * Maximum-likelihood fits of the alternative heavy-tailed distributions that powerlaw 1.5 compares a
 * power law with — exponential, stretched exponential, lognormal, lognormal with μ > 0, truncated
 * power law — on exactly the tail a power-law fit selected (values in [xmin, xmax]).
 *
 * Densities and parameter names are powerlaw's (see /work/shared/science/powerlaw.md §3); they are
 * normalized on [xmin, ∞), or on [xmin, xmax] when `xmax` is given. Unlike powerlaw 1.5, whose
 * continuous normalizers ignore `xmax`, the densities here integrate to one on [xmin, xmax].
 *
 * The fits find the true maximum of the likelihood (not a Nelder–Mead stop at xtol 1e-4):
 * - power law: 1 + n/Σln(x/xmin) (exact MLE); with xmax a 1-D maximization.
 * - exponential: λ = 1/mean(x − xmin) (exact MLE); with xmax a 1-D maximization.
 * - stretched exponential: for fixed β the MLE of c = λ^β is closed form, so the profile
 *   likelihood in β is maximized (grid over ln β ∈ [ln 1e−12, ln 1e3], then Brent). On power-law-like
 *   data the supremum is at β → 0 (the stretched exponential becomes the power law) and λ = c^{1/β}
 *   overflows: the fit then reports `lnLambda` and `Lambda: null`, with the reason in `boundary`.
 * - truncated power law: an exponential family in (α, λ), so its log-likelihood is jointly concave;
 *   the profile in α (inner maximization over ln λ) is concave and is maximized by Brent. Each
 *   evaluation is O(1) (sufficient statistics Σln x, Σx) with a fast Γ(1 − α, λ·xmin)
 *   (specialFunctions.ts): milliseconds, where WeightWatcher/powerlaw need seconds to minutes.
 *   When the Kuhn–Tucker condition mean(x) ≥ xmin(α̂−1)/(α̂−2) holds (α̂ the power-law MLE) the
 *   maximum is on the boundary λ = 0 (the truncated power law is then the power law).
 *   α is constrained to α ≥ 1 as in powerlaw (its valid range α > 1; the supremum may sit at α → 1).
 * - lognormal: a left-truncated normal in y = ln x, an exponential family in (μ/σ², −1/(2σ²)); the
 *   likelihood is computed in a form that stays exact as σ → ∞ (via ln erfcx) and maximized as a
 *   concave profile. On pure power-law data the supremum lies at σ → ∞, μ → −∞ (the lognormal
 *   degenerates into a power law); the fit then stops at σ = 1e8·std(ln x) and says so in `boundary`.
 * - lognormal_positive: the same with μ ≥ 0; when the unconstrained μ̂ < 0 the maximum is on μ = 0.
 *
 * Discrete data (`discrete: true`) use powerlaw's discrete definitions (alternativesDiscrete.ts).
 */

import { EsdlabError } from './errors';
import { bracketMinimize, brentMinimize, gridBrentMinimize } from './optimize';
import {
  DiscreteTail,
  discreteKernel,
  discreteNormalizer,
  fitDiscrete,
  stretchedLnLambda,
  stretchedLowerBoundary,
  stretchedParams,
} from './alternativesDiscrete';
import { lnErfcRatio, lnErfcx, lnUpperGamma, log1mexp } from './specialFunctions';

/** The distributions powerlaw 1.5 fits (its attribute names). */
export type DistributionName =
  | 'power_law'
  | 'exponential'
  | 'stretched_exponential'
  | 'lognormal'
  | 'lognormal_positive'
  | 'truncated_power_law';

/** Every alternative to the power law, in powerlaw's order. */
export const ALTERNATIVE_DISTRIBUTIONS: readonly DistributionName[] = [
  'exponential',
  'stretched_exponential',
  'lognormal',
  'lognormal_positive',
  'truncated_power_law',
];

/** Parameters, named as in powerlaw 1.5 (`Lambda` is the rate λ). */
export interface DistributionParams {
  /** Power-law exponent (power_law, truncated_power_law). */
  alpha?: number;
  /**
   * Rate λ (exponential, stretched_exponential, truncated_power_law). For a stretched exponential
   * near its power-law limit (β → 0) λ = e^{lnLambda} can exceed the largest double; it is then null
   * and `lnLambda` carries the value.
   */
  Lambda?: number | null;
  /** ln λ of a stretched exponential (always set by the fits; preferred over Lambda when present). */
  lnLambda?: number;
  /** Stretching exponent β (stretched_exponential). */
  beta?: number;
  /** Mean of ln x before truncation (lognormal, lognormal_positive). */
  mu?: number;
  /** Standard deviation of ln x before truncation (lognormal, lognormal_positive). */
  sigma?: number;
}

/** The support a distribution is normalized on. */
export interface DistributionRange {
  /** Lower end of the tail (> 0). */
  xmin: number;
  /** Upper end, or null/undefined for [xmin, ∞). */
  xmax?: number | null;
  /** Integer data: powerlaw's discrete densities (analytic normalizers or its 'round' approximation). */
  discrete?: boolean;
}

/** A fully specified distribution: enough to evaluate its log-density. */
export interface DistributionSpec extends DistributionRange {
  /** Which distribution. */
  name: DistributionName;
  /** Its parameters. */
  params: DistributionParams;
}

/** Options of {@link fitDistribution}. */
export interface FitDistributionOptions extends DistributionRange {
  /** power_law only: use this exponent instead of fitting it (e.g. the alpha of fitPowerLaw). */
  alpha?: number;
}

/** A maximum-likelihood fit (plain JSON-serializable object). */
export interface DistributionFit extends DistributionSpec {
  /** The fitted (or given) parameters. */
  params: DistributionParams;
  /** Σ ln p(xᵢ) over the tail at `params`. */
  logLikelihood: number;
  /** Number of tail values used (values in [xmin, xmax]). */
  n: number;
  /** Lower end of the tail. */
  xmin: number;
  /** Upper end or null. */
  xmax: number | null;
  /** Discrete densities? */
  discrete: boolean;
  /** True when the optimizer met its tolerance (or the MLE is closed form / given). */
  converged: boolean;
  /** Null for an interior maximum; otherwise which constraint the supremum sits on, in words. */
  boundary: string | null;
  /** How the parameters were obtained. */
  method: string;
  /** Log-likelihood evaluations used. */
  evaluations: number;
  /** Parameters that were given rather than fitted (power_law with `alpha`). */
  fixed: DistributionParams | null;
}

const LN_SQRT_PI_2 = 0.5 * Math.log(Math.PI / 2);
const SQRT2 = Math.SQRT2;

/** Sufficient statistics of a continuous tail. */
interface TailStats {
  n: number;
  xmin: number;
  xmax: number | null;
  /** Σ ln(x/xmin) */
  s1: number;
  /** Σ (x − xmin) */
  s2: number;
  /** Σ ln x */
  sy: number;
  /** mean and population std of ln x */
  ybar: number;
  ysd: number;
  values: Float64Array;
  discrete: boolean;
}

function checkRange(range: DistributionRange): { xmin: number; xmax: number | null; discrete: boolean } {
  const { xmin } = range;
  const xmax = range.xmax ?? null;
  if (typeof xmin !== 'number' || !Number.isFinite(xmin) || !(xmin > 0)) {
    throw new EsdlabError('INVALID_ARGUMENT', `xmin must be a finite number > 0, got ${xmin}`);
  }
  if (xmax !== null && (!Number.isFinite(xmax) || !(xmax > xmin))) {
    throw new EsdlabError('INVALID_ARGUMENT', `xmax must be a finite number > xmin (${xmin}), got ${xmax}`);
  }
  const discrete = range.discrete === true;
  if (discrete && !(xmin > 0.5)) {
    throw new EsdlabError('INVALID_ARGUMENT', `discrete distributions need xmin > 0.5 (they use x − 0.5), got ${xmin}`);
  }
  return { xmin, xmax, discrete };
}

/**
 * The tail of `values` in [xmin, xmax] as a sorted Float64Array (values outside are ignored, as
 * powerlaw's trim_to_range does). Throws on NaN/±Infinity (with the index).
 */
export function cutTail(values: ArrayLike<number>, range: DistributionRange): Float64Array {
  const { xmin, xmax } = checkRange(range);
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new EsdlabError('NON_FINITE', `value ${String(v)} is not a finite number`, { index: i });
    }
    if (v >= xmin && (xmax === null || v <= xmax)) out.push(v);
  }
  return Float64Array.from(out).sort();
}

function tailStats(values: ArrayLike<number>, range: DistributionRange): TailStats {
  const { xmin, xmax } = checkRange(range);
  const tail = cutTail(values, range);
  const n = tail.length;
  if (n < 2) {
    throw new EsdlabError('TOO_FEW_POINTS', `need at least 2 values in [${xmin}, ${xmax ?? 'inf'}], got ${n}`);
  }
  if (tail[0] === tail[n - 1]) {
    throw new EsdlabError('INVALID_ARGUMENT', `all ${n} tail values equal ${tail[0]}: no distribution can be fitted`);
  }
  let s1 = 0;
  let s2 = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const x = tail[i];
    s1 += Math.log(x / xmin);
    s2 += x - xmin;
    sy += Math.log(x);
  }
  const ybar = sy / n;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.log(tail[i]) - ybar;
    q += d * d;
  }
  return { n, xmin, xmax, s1, s2, sy, ybar, ysd: Math.sqrt(q / n), values: tail, discrete: checkRange(range).discrete };
}

function discreteTail(st: TailStats): DiscreteTail {
  const uniq: number[] = [];
  const cnt: number[] = [];
  for (let i = 0; i < st.n; i++) {
    const v = st.values[i];
    if (uniq.length && uniq[uniq.length - 1] === v) cnt[cnt.length - 1]++;
    else {
      uniq.push(v);
      cnt.push(1);
    }
  }
  return { n: st.n, xmin: st.xmin, xmax: st.xmax, s1: st.s1, s2: st.s2, uniq: Float64Array.from(uniq), cnt: Float64Array.from(cnt), ybar: st.ybar, ysd: st.ysd };
}

/** ln((1 − e^{−k r})/k) for any real k (limit ln r at k = 0), r > 0. */
function lnOneMinusExpOverK(k: number, r: number): number {
  if (k === 0) return Math.log(r);
  const kr = k * r;
  if (kr > 0) return Math.log(-Math.expm1(-kr)) - Math.log(k);
  // k < 0: (e^{|k| r} − 1)/|k|
  return Math.abs(kr) > 700 ? Math.abs(kr) + Math.log1p(-Math.exp(kr)) - Math.log(-k) : Math.log(Math.expm1(-kr)) - Math.log(-k);
}

// ------------------------------------------------------------------------------------------------
// Log-densities (continuous).

/**
 * ln p(x) of a fully specified distribution at one point x. Returns -Infinity outside [xmin, xmax]
 * and for parameters outside the valid range (powerlaw then assigns the floor 1e-307; the comparison
 * functions apply that floor).
 */
export function logPdf(dist: DistributionSpec, x: number): number {
  const { xmin, xmax, discrete } = checkRange(dist);
  if (!(x >= xmin) || (xmax !== null && x > xmax)) return -Infinity;
  if (discrete) return discreteKernel(dist.name, dist.params, x, xmin) - discreteNormalizer(dist.name, dist.params, xmin, xmax);
  return kernel(dist.name, dist.params, x, xmin) - normalizer(dist.name, dist.params, xmin, xmax);
}

/** ln p(xᵢ) for every value of `tail` (values outside [xmin, xmax] give -Infinity). */
export function logLikelihoods(dist: DistributionSpec, tail: ArrayLike<number>): Float64Array {
  const { xmin, xmax, discrete } = checkRange(dist);
  const out = new Float64Array(tail.length);
  const norm = discrete ? discreteNormalizer(dist.name, dist.params, xmin, xmax) : normalizer(dist.name, dist.params, xmin, xmax);
  const k = discrete ? discreteKernel : kernel;
  for (let i = 0; i < tail.length; i++) {
    const x = tail[i];
    out[i] = !(x >= xmin) || (xmax !== null && x > xmax) ? -Infinity : k(dist.name, dist.params, x, xmin) - norm;
  }
  return out;
}

function num(v: number | null | undefined, name: string, dist: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new EsdlabError('INVALID_ARGUMENT', `${dist}: parameter ${name} is missing or NaN`);
  }
  return v;
}

/** The part of ln p(x) that depends on x (so that ln p = kernel − normalizer). */
function kernel(name: DistributionName, p: DistributionParams, x: number, xmin: number): number {
  switch (name) {
    case 'power_law':
      return -num(p.alpha, 'alpha', name) * Math.log(x / xmin);
    case 'exponential':
      return -num(p.Lambda, 'Lambda', name) * (x - xmin);
    case 'stretched_exponential': {
      const b = num(p.beta, 'beta', name);
      const lnL = stretchedLnLambda(p);
      // (β−1) ln x − c (x^β − xmin^β), c = λ^β; written via expm1 for small β
      return (b - 1) * Math.log(x) - Math.exp(b * (lnL + Math.log(xmin))) * Math.expm1(b * Math.log(x / xmin));
    }
    case 'truncated_power_law':
      return -num(p.alpha, 'alpha', name) * Math.log(x / xmin) - num(p.Lambda, 'Lambda', name) * (x - xmin);
    case 'lognormal':
    case 'lognormal_positive': {
      const mu = num(p.mu, 'mu', name);
      const s = num(p.sigma, 'sigma', name);
      const y = Math.log(x);
      const y0 = Math.log(xmin);
      // −y − ½(z² − z0²) with z − z0 = (y − y0)/σ
      const z = (y - mu) / s;
      const z0 = (y0 - mu) / s;
      return -y - 0.5 * ((y - y0) / s) * (z + z0);
    }
    default:
      throw new EsdlabError('INVALID_ARGUMENT', `unknown distribution '${String(name)}'`);
  }
}

/** ln of the normalizing constant (so that ln p = kernel − normalizer); +Infinity when invalid. */
function normalizer(name: DistributionName, p: DistributionParams, xmin: number, xmax: number | null): number {
  switch (name) {
    case 'power_law': {
      const a = num(p.alpha, 'alpha', name);
      if (xmax === null) {
        if (!(a > 1)) return Infinity;
        return Math.log(xmin) - Math.log(a - 1);
      }
      return Math.log(xmin) + lnOneMinusExpOverK(a - 1, Math.log(xmax / xmin));
    }
    case 'exponential': {
      const L = num(p.Lambda, 'Lambda', name);
      if (!(L > 0)) return Infinity;
      const base = -Math.log(L);
      return xmax === null ? base : base + log1mexp(-L * (xmax - xmin));
    }
    case 'stretched_exponential': {
      const b = num(p.beta, 'beta', name);
      const lnL = stretchedLnLambda(p);
      if (!(b > 0) || !Number.isFinite(lnL)) return Infinity;
      // p = β λ^β x^{β−1} exp(−c(x^β − xmin^β)) → −ln(β) − β ln λ
      const base = -Math.log(b) - b * lnL;
      if (xmax === null) return base;
      const d = Math.exp(b * (lnL + Math.log(xmin))) * Math.expm1(b * Math.log(xmax / xmin));
      return base + log1mexp(-d);
    }
    case 'truncated_power_law': {
      const a = num(p.alpha, 'alpha', name);
      const L = num(p.Lambda, 'Lambda', name);
      if (!(a >= 1) || !(L >= 0)) return Infinity;
      return tplLogNorm(a, L, xmin, xmax);
    }
    case 'lognormal':
    case 'lognormal_positive': {
      const mu = num(p.mu, 'mu', name);
      const s = num(p.sigma, 'sigma', name);
      if (!(s > 0)) return Infinity;
      if (name === 'lognormal_positive' && !(mu >= 0)) return Infinity;
      const y0 = Math.log(xmin);
      const w0 = (y0 - mu) / (SQRT2 * s);
      // ∫ = σ√(π/2)·erfc(w0)·e^{…}: with the kernel's −½(z² − z0²) convention the constant is
      // ln(σ√(π/2)) + ln erfcx(w0)
      let lz = Math.log(s) + LN_SQRT_PI_2 + lnErfcx(w0);
      if (xmax !== null) {
        // erfc(w0) − erfc(w1) = erfc(w0)(1 − erfc(w1)/erfc(w0)), the ratio without forming ±w²
        lz += log1mexp(lnErfcRatio(w0, Math.log(xmax / xmin) / (SQRT2 * s)));
      }
      return lz;
    }
    default:
      throw new EsdlabError('INVALID_ARGUMENT', `unknown distribution '${String(name)}'`);
  }
}

/**
 * ln Z for the truncated power law with the kernel −α ln(x/xmin) − λ(x − xmin):
 * Z = ∫ (x/xmin)^{−α} e^{−λ(x−xmin)} dx = xmin·G(1−α, u), u = λ·xmin, G(s,u) = Γ(s,u)/(u^s e^{−u}).
 */
function tplLogNorm(a: number, L: number, xmin: number, xmax: number | null): number {
  const s = 1 - a;
  if (L === 0) {
    // power law limit
    if (xmax === null) return a > 1 ? Math.log(xmin) - Math.log(a - 1) : Infinity;
    return Math.log(xmin) + lnOneMinusExpOverK(a - 1, Math.log(xmax / xmin));
  }
  const u = L * xmin;
  const lnG0 = lnUpperGamma(s, u) - s * Math.log(u) + u;
  let lz = Math.log(xmin) + lnG0;
  if (xmax !== null) {
    const u1 = L * xmax;
    lz += log1mexp(lnUpperGamma(s, u1) - lnUpperGamma(s, u));
  }
  return lz;
}

// ------------------------------------------------------------------------------------------------
// Fits.

function result(
  name: DistributionName,
  params: DistributionParams,
  st: TailStats,
  extra: { converged: boolean; boundary: string | null; method: string; evaluations: number; fixed?: DistributionParams | null },
): DistributionFit {
  let ll = 0;
  const norm = st.discrete ? discreteNormalizer(name, params, st.xmin, st.xmax) : normalizer(name, params, st.xmin, st.xmax);
  const k = st.discrete ? discreteKernel : kernel;
  for (let i = 0; i < st.n; i++) ll += k(name, params, st.values[i], st.xmin);
  ll -= st.n * norm;
  if (!Number.isFinite(ll)) {
    // e.g. two points at xmin and xmax: densities concentrating on them make the likelihood unbounded
    throw new EsdlabError(
      'NOT_CONVERGED',
      `${name}: no maximum-likelihood fit on this tail (n = ${st.n}): the likelihood is unbounded or the optimum degenerate (log-likelihood ${ll})`,
    );
  }
  return {
    name,
    params,
    logLikelihood: ll,
    n: st.n,
    xmin: st.xmin,
    xmax: st.xmax,
    discrete: st.discrete,
    converged: extra.converged,
    boundary: extra.boundary,
    method: extra.method,
    evaluations: extra.evaluations,
    fixed: extra.fixed ?? null,
  };
}

function fitPower(st: TailStats, alpha: number | undefined): DistributionFit {
  if (alpha !== undefined) {
    if (!Number.isFinite(alpha)) throw new EsdlabError('INVALID_ARGUMENT', `power_law: alpha must be finite, got ${alpha}`);
    if (st.xmax === null && !(alpha > 1)) throw new EsdlabError('INVALID_ARGUMENT', `power_law on [xmin, ∞) needs alpha > 1, got ${alpha}`);
    return result('power_law', { alpha }, st, { converged: true, boundary: null, method: 'given', evaluations: 0, fixed: { alpha } });
  }
  if (st.xmax === null) {
    return result('power_law', { alpha: 1 + st.n / st.s1 }, st, { converged: true, boundary: null, method: 'closed form 1 + n/Σln(x/xmin)', evaluations: 0 });
  }
  const r = Math.log(st.xmax / st.xmin);
  const nll = (a: number): number => a * st.s1 + st.n * (Math.log(st.xmin) + lnOneMinusExpOverK(a - 1, r));
  const a0 = 1 + st.n / st.s1;
  const m = bracketMinimize(nll, a0, 0.1 * Math.max(1, Math.abs(a0)));
  return result('power_law', { alpha: m.x }, st, { converged: m.converged, boundary: null, method: 'Brent on the exact [xmin, xmax] likelihood', evaluations: m.evaluations });
}

function fitExponential(st: TailStats): DistributionFit {
  if (st.xmax === null) {
    return result('exponential', { Lambda: st.n / st.s2 }, st, { converged: true, boundary: null, method: 'closed form 1/mean(x − xmin)', evaluations: 0 });
  }
  const R = st.xmax - st.xmin;
  // −LL(λ) = λ s2 + n(−ln λ + ln(1 − e^{−λR})); in t = ln λ
  const nll = (t: number): number => {
    const L = Math.exp(t);
    return L * st.s2 + st.n * (-t + log1mexp(-L * R));
  };
  const m = bracketMinimize(nll, Math.log(st.n / st.s2), 0.5);
  return result('exponential', { Lambda: Math.exp(m.x) }, st, { converged: m.converged, boundary: null, method: 'Brent on ln λ (exact [xmin, xmax] likelihood)', evaluations: m.evaluations });
}

/** Σ (x^β − xmin^β) computed as xmin^β Σ expm1(β ln(x/xmin)); also returns Σ ln x. */
function stretchedSums(st: TailStats, b: number, lnRatio: Float64Array): number {
  let s = 0;
  for (let i = 0; i < st.n; i++) s += Math.expm1(b * lnRatio[i]);
  return s * Math.exp(b * Math.log(st.xmin));
}

/** Search range of the stretched exponential's β (β → 0 is its power-law limit). */
const BETA_MIN = 1e-12;
const BETA_MAX = 1e3;

function fitStretched(st: TailStats): DistributionFit {
  const lnRatio = new Float64Array(st.n);
  for (let i = 0; i < st.n; i++) lnRatio[i] = Math.log(st.values[i] / st.xmin);
  const lnXmaxRatio = st.xmax === null ? 0 : Math.log(st.xmax / st.xmin);
  let evals = 0;
  // Given β, returns [−LL, ln c] at the best c.
  const inner = (b: number): [number, number] => {
    const D = stretchedSums(st, b, lnRatio); // Σ (x^β − xmin^β)
    const base = st.n * Math.log(b) + (b - 1) * st.sy;
    if (!(D > 0)) return [Infinity, 0];
    if (st.xmax === null) {
      const lc = Math.log(st.n / D);
      return [-(base + st.n * lc - st.n), lc];
    }
    const dmax = Math.exp(b * Math.log(st.xmin)) * Math.expm1(b * lnXmaxRatio);
    // LL(c) = base + n ln c − c D − n ln(1 − e^{−c dmax})
    const f = (lc: number): number => {
      const c = Math.exp(lc);
      return -(base + st.n * lc - c * D - st.n * log1mexp(-c * dmax));
    };
    const m = bracketMinimize(f, Math.log(st.n / D), 0.5);
    evals += m.evaluations;
    return [m.fx, m.x];
  };
  const objective = (lb: number): number => {
    evals++;
    return inner(Math.exp(lb))[0];
  };
  const m = gridBrentMinimize(objective, Math.log(BETA_MIN), Math.log(BETA_MAX), 61);
  const b = Math.exp(m.x);
  const [, lc] = inner(b);
  const params = stretchedParams(lc / b, b);
  let boundary: string | null = null;
  if (m.atUpperBound) boundary = `beta at the search limit ${BETA_MAX}`;
  else if (m.atLowerBound || b < 1e3 * BETA_MIN) boundary = stretchedLowerBoundary(params);
  return result('stretched_exponential', params, st, {
    converged: m.converged,
    boundary,
    method: 'profile likelihood in beta (closed-form c = Lambda^beta), grid + Brent',
    evaluations: evals,
  });
}

function fitTruncatedPowerLaw(st: TailStats): DistributionFit {
  const { n, xmin, xmax, s1, s2 } = st;
  let evals = 0;
  const nll = (a: number, L: number): number => {
    evals++;
    return a * s1 + L * s2 + n * tplLogNorm(a, L, xmin, xmax);
  };
  const aHat = 1 + n / s1;
  const mean = s2 / n + xmin;
  if (xmax === null && aHat > 2 && mean >= (xmin * (aHat - 1)) / (aHat - 2)) {
    return result('truncated_power_law', { alpha: aHat, Lambda: 0 }, st, {
      converged: true,
      boundary: 'Lambda = 0: the maximum is the power law itself (mean(x) ≥ xmin(α−1)/(α−2) at the power-law MLE)',
      method: 'Kuhn-Tucker boundary check',
      evaluations: 0,
    });
  }
  // inner: best λ for given α; variable t = ln(λ / λe), λe = 1/mean(x − xmin)
  const lamE = n / s2;
  const tLo = Math.log(1e-18);
  const innerBest = (a: number): { L: number; f: number } => {
    const f = (t: number): number => (t < tLo ? nll(a, 0) : nll(a, lamE * Math.exp(t)));
    const m = bracketMinimize(f, 0, 1, 1e-13, 60);
    const f0 = xmax !== null || a > 2 ? nll(a, 0) : Infinity;
    if (f0 <= m.fx || m.x < tLo) return { L: 0, f: Math.min(f0, m.fx) };
    return { L: lamE * Math.exp(m.x), f: m.fx };
  };
  const profile = (a: number): number => innerBest(a).f;
  // concave profile in α on [1, ∞): bracket then Brent
  let hi = Math.max(aHat, 2) + 2;
  while (profile(hi) < profile(hi - 1) && hi < 1e4) hi *= 2;
  const m = brentMinimize(profile, 1, hi, 1e-13);
  let a = m.x;
  if (profile(1) <= m.fx) a = 1;
  const best = innerBest(a);
  let boundary: string | null = null;
  if (a <= 1 + 1e-9) boundary = 'alpha = 1: the constraint alpha > 1 (powerlaw\'s valid range) is active';
  if (best.L === 0) boundary = (boundary ? boundary + '; ' : '') + 'Lambda = 0 (power law)';
  return result('truncated_power_law', { alpha: a, Lambda: best.L }, st, {
    converged: m.converged,
    boundary,
    method: 'concave profile likelihood in alpha (Brent), inner Brent on ln Lambda; Γ(1−α, λ·xmin) by continued fraction/series',
    evaluations: evals,
  });
}

function fitLognormal(st: TailStats, positive: boolean): DistributionFit {
  const name: DistributionName = positive ? 'lognormal_positive' : 'lognormal';
  const { n, ybar, ysd } = st;
  const s = ysd;
  const t0 = (Math.log(st.xmin) - ybar) / s;
  const t1 = st.xmax === null ? null : (Math.log(st.xmax) - ybar) / s;
  // t = (ln x − ȳ)/s: Σt = 0, Σt² = n.  T1 = Σ(t − t0), T2 = Σ(t² − t0²).
  const T1 = -n * t0;
  const T2 = n - n * t0 * t0;
  let evals = 0;
  // −LL (up to the constant Σ ln x + n ln s) as a function of (m, τ) (mean and sd in t units)
  const nll = (m: number, tau: number): number => {
    evals++;
    const th2 = -1 / (2 * tau * tau);
    const th1 = m / (tau * tau);
    const w0 = (t0 - m) / (SQRT2 * tau);
    let lz = Math.log(tau) + LN_SQRT_PI_2 + lnErfcx(w0);
    if (t1 !== null) lz += log1mexp(lnErfcRatio(w0, (t1 - t0) / (SQRT2 * tau)));
    return -(th1 * T1 + th2 * T2) + n * lz;
  };
  const lnTauLo = Math.log(1e-4);
  const lnTauHi = Math.log(1e8);
  let fixedM: number | null = null;
  const innerM = (tau: number): { m: number; f: number } => {
    if (fixedM !== null) return { m: fixedM, f: nll(fixedM, tau) };
    // concave in θ1 = m/τ² → unimodal in m
    const r = bracketMinimize((m) => nll(m, tau), 0, Math.max(0.1, tau), 1e-13, 120);
    return { m: r.x, f: r.fx };
  };
  let g = gridBrentMinimize((lt) => innerM(Math.exp(lt)).f, lnTauLo, lnTauHi, 49, 1e-13);
  let tau = Math.exp(g.x);
  let mm = innerM(tau).m;
  let boundary: string | null = null;
  let mu = ybar + s * mm;
  if (positive && !(mu >= 0)) {
    // maximum on μ = 0 (a line in the natural parameters: the restricted problem is concave)
    fixedM = -ybar / s;
    g = gridBrentMinimize((lt) => innerM(Math.exp(lt)).f, lnTauLo, lnTauHi, 49, 1e-13);
    tau = Math.exp(g.x);
    mm = fixedM;
    mu = 0;
    boundary = 'mu = 0: the constraint mu > 0 is active';
  }
  // σ → ∞ with μ ≈ −(α−1)σ² turns the lognormal into a power law; its supremum is then the
  // power-law maximum (the same tail). When the profile is no better than that limit (to rounding),
  // report the deterministic point at the search limit instead of a rounding-noise-selected one.
  const bestLL = -(g.fx + st.sy + n * Math.log(s));
  const pl = fixedM === null ? fitPower(st, undefined) : null;
  const plLimit = pl ? pl.logLikelihood : -Infinity;
  if (g.atUpperBound || bestLL <= plLimit + 1e-10 * Math.abs(plLimit)) {
    tau = Math.exp(lnTauHi);
    if (pl) {
      // on the ridge θ₁ = −(α̂ − 1)·s (t units): the lognormal's power-law limit with the power-law
      // MLE exponent, placed exactly (a 1-D search cannot resolve m ≈ 1e16 to better than √ε)
      mm = -(pl.params.alpha! - 1) * s * tau * tau;
      mu = ybar + s * mm;
    } else {
      mm = innerM(tau).m;
    }
    boundary = (boundary ? boundary + '; ' : '') +
      'sigma at the search limit 1e8·std(ln x): the supremum is at sigma → ∞, mu → −∞, where the lognormal degenerates into the power law';
  }
  return result(name, { mu, sigma: s * tau }, st, {
    converged: g.converged,
    boundary,
    method: 'concave profile likelihood in the natural parameters (grid + Brent on ln sigma, inner Brent on mu)',
    evaluations: evals,
  });
}

/**
 * Fits distribution `name` by maximum likelihood to the values of `values` that lie in
 * [options.xmin, options.xmax] (the power-law fit's tail). Returns a plain JSON-serializable
 * {@link DistributionFit}. Throws EsdlabError on NaN/Inf values, fewer than 2 tail values, a tail of
 * identical values, a bad xmin/xmax or an unknown name.
 */
export function fitDistribution(name: DistributionName, values: ArrayLike<number>, options: FitDistributionOptions): DistributionFit {
  const st = tailStats(values, options);
  if (st.discrete) {
    const start = name === 'lognormal' || name === 'lognormal_positive' ? fitLognormal({ ...st, discrete: false }, false).params : undefined;
    const o = fitDiscrete(name, discreteTail(st), name === 'power_law' ? options.alpha : undefined, start);
    return result(name, o.params, st, { ...o, fixed: name === 'power_law' && options.alpha !== undefined ? { alpha: options.alpha } : null });
  }
  switch (name) {
    case 'power_law':
      return fitPower(st, options.alpha);
    case 'exponential':
      return fitExponential(st);
    case 'stretched_exponential':
      return fitStretched(st);
    case 'truncated_power_law':
      return fitTruncatedPowerLaw(st);
    case 'lognormal':
      return fitLognormal(st, false);
    case 'lognormal_positive':
      return fitLognormal(st, true);
    default:
      throw new EsdlabError('INVALID_ARGUMENT', `unknown distribution '${String(name)}'`);
  }
}

/** Σ ln p(xᵢ) of a fully specified distribution over the values in its [xmin, xmax]. */
export function logLikelihood(dist: DistributionSpec, values: ArrayLike<number>): number {
  const tail = cutTail(values, dist);
  const l = logLikelihoods(dist, tail);
  let s = 0;
  for (let i = 0; i < l.length; i++) s += l[i];
  return s;
}
