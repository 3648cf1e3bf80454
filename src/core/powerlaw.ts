/**
 * Power-law fits by maximum likelihood with xmin chosen by the smallest Kolmogorov–Smirnov distance
 * (Clauset, Shalizi & Newman 2009), reproducing powerlaw 1.5 (`powerlaw.Fit`) and WeightWatcher's
 * `WWFit` exactly, plus exact fits where those tools approximate.
 *
 * Conventions (powerlaw 1.5, see /work/shared/science/powerlaw.md §1):
 * - Zeros are removed (powerlaw drops values ≤ 0 when a 0 is present; negative values are an error
 *   here). `floor` raises that threshold (WeightWatcher drops eigenvalues ≤ 1e-5).
 * - With `xmax`, values above it are dropped before anything else.
 * - Candidates (`candidates: 'unique'`, default): every unique value except the largest (inside
 *   `[lo, hi]` when `xmin` is a range: the largest unique value inside the range is dropped).
 *   `candidates: 'ww'`: every data point except the last, duplicates included (WWFit); identical to
 *   'unique' on tie-free data.
 * - Continuous MLE α = 1 + n / Σ ln(x_i/xmin) over the n points ≥ xmin: O(1) per candidate from
 *   suffix sums built of positive increments (k·ln(x_{i+1}/x_i)), so no cancellation.
 *   The winner's α is recomputed by a direct compensated sum, as powerlaw does.
 * - KS distance on the tail's unique values (WW: on every tail point) with the one-sided step
 *   convention Actual_j = #{xmin ≤ x < u_j}/n, Theoretical = model CDF; D = max |T − A|.
 *   D is computed exactly by branch-and-bound over index intervals (T and A are monotone, so an
 *   interval's interior cannot beat max(T_b − A_{a+1}, A_{b−1} − T_a)); while searching for the argmin a
 *   candidate stops as soon as its D provably exceeds the best so far (exact: it cannot win).
 *   With `keepScan` every candidate's D is computed exactly.
 * - Valid fits: α > 1. The argmin is over valid candidates; if none is valid, over all, and
 *   `noiseFlag` is set (powerlaw's rule). WW mode takes the argmin over all (D = 1 when α ≤ 1).
 *   Invalid α in powerlaw makes its CDF 1e-307 everywhere, so D = the last tail point's Actual.
 *
 * Upper cutoff `xmax`:
 * - `xmaxMode: 'exact'` (default): the truncated power law on [xmin, xmax] with its true
 *   normalizer (α−1)/(xmin^(1−α) − xmax^(1−α)); the score equation is solved to full precision
 *   (Brent on the strictly monotone mean of ln(x/xmin)); KS uses the same truncated CDF.
 * - `xmaxMode: 'powerlaw-1.5'`: powerlaw's behaviour — the likelihood ignores xmax (so α is the
 *   untruncated MLE, as found by SciPy's Nelder–Mead with xtol = ftol = 1e-4, which is emulated step
 *   by step here), while the KS distance uses the xmax-renormalized CDF. powerlaw's α is therefore
 *   only accurate to ~1e-4 as an optimum; we reproduce its Nelder–Mead path (agreement with powerlaw
 *   1.5 ~1e-14 on the reference data), not a better optimum.
 *
 * Discrete data (`discrete: true`, values must be ≥ 1):
 * - `discreteMethod: 'estimate'` (default, powerlaw's `estimate_discrete=True`):
 *   α = 1 + n / Σ ln(x_i / (xmin − ½)) (Clauset eq. 3.7).
 * - `'exact'`: the zeta MLE, −∂ζ(α,xmin)/∂α / ζ(α,xmin) = mean ln x, solved to full precision
 *   (with xmax and ≤ 4096 support points, the normalizer is summed directly).
 * - `'powerlaw-1.5'`: powerlaw's `estimate_discrete=False`: Nelder–Mead on the zeta likelihood from
 *   the continuous estimate (accurate to ~1e-4 only).
 * - KS with the zeta CDF (ζ(α,xmin) − ζ(α,x)) / ζ(α,xmin) (with xmax, divided by
 *   ζ(α,xmin) − ζ(α,xmax+1); powerlaw-1.5 mode uses powerlaw's ζ(α,xmin) − ζ(α,xmax)).
 *   With xmax, 'estimate' falls back to the numerical MLE (as powerlaw does): exact or Nelder–Mead
 *   per `xmaxMode`.
 *   Numerical note: powerlaw evaluates the discrete CDF as (1 − ζ(α,x)) − (1 − ζ(α,xmin)), which
 *   loses all digits when ζ(α,xmin) < 1e-16 (it then reports D = 1); we use the well-conditioned
 *   difference, so D of such far-tail candidates can differ from powerlaw's (they never win).
 *
 * WW compatibility (`candidates: 'ww'`) reproduces WeightWatcher 0.7.5.5's WWFit (verified to 1e-14 on
 * the reference data). With ties, WWFit fits from the candidate's position inside a run of equal
 * values; alpha and sigma follow it, nTail counts every point ≥ xmin (its `len(fit.data)`).
 * Opt-in `wwSmallN: true`: a later WW_powerlaw.py (seen in a newer WeightWatcher source, NOT in the
 * released 0.7.5.5 and not run here) fits fewer than 20 points with a bias-corrected
 * α = 1 + (n−1)/Σ ln(x/xmin) on tails of ≥ 8 points, computes J = D − 0.868/√n, but then takes the
 * argmin of D in its constructor; that effective rule is what the option implements.
 */
import { EsdlabError } from './errors';
import { hurwitzZeta, hurwitzZetaWithDerivative } from './zeta';
import { nelderMead1d } from './nelderMead1d';
import { brentRoot } from './rootBracket';

/** Which xmin candidates to scan: powerlaw's unique values, or WWFit's every data point. */
export type PowerLawCandidates = 'unique' | 'ww';
/** How an upper cutoff enters the fit (see the module documentation). */
export type PowerLawXmaxMode = 'exact' | 'powerlaw-1.5';
/** How a discrete power law is fitted (see the module documentation). */
export type PowerLawDiscreteMethod = 'estimate' | 'exact' | 'powerlaw-1.5';

/** Options of {@link fitPowerLaw}. Every option that changes a number is echoed in the result. */
export interface PowerLawFitOptions {
  /**
   * Fixed xmin (a number > 0, need not be a data point), or a search range [lo, hi]; default: search
   * all candidates. A fixed xmin is fixed in 'ww' mode too (WWFit's own `xmin` argument would instead
   * start its search at the nearest data point).
   */
  xmin?: number | [number, number];
  /** Upper cutoff: values above are dropped and the model is truncated there. Default none. */
  xmax?: number;
  /** 'exact' (default) or 'powerlaw-1.5'. */
  xmaxMode?: PowerLawXmaxMode;
  /** 'unique' (default, powerlaw 1.5) or 'ww' (WeightWatcher's WWFit). */
  candidates?: PowerLawCandidates;
  /** Discrete (integer-valued, ≥ 1) data: zeta-function power law. Default false. */
  discrete?: boolean;
  /** Discrete estimator: 'estimate' (default), 'exact' or 'powerlaw-1.5'. */
  discreteMethod?: PowerLawDiscreteMethod;
  /** Values ≤ floor are removed before fitting (default 0: zeros removed, as powerlaw does). */
  floor?: number;
  /** Newer WWFit's small-N rule for < 20 points (opt-in, 'ww' mode only; see the module notes). */
  wwSmallN?: boolean;
  /** Also return every candidate's xmin, D, alpha (for D-vs-xmin plots). Default false. */
  keepScan?: boolean;
}

/** The options a fit actually used (defaults filled in). */
export interface ResolvedPowerLawOptions {
  /** Fixed xmin, a range, or null (search all). */
  xmin: number | [number, number] | null;
  /** Upper cutoff or null. */
  xmax: number | null;
  /** How xmax was handled. */
  xmaxMode: PowerLawXmaxMode;
  /** Candidate rule. */
  candidates: PowerLawCandidates;
  /** Discrete fit? */
  discrete: boolean;
  /** Discrete estimator (meaningful when discrete). */
  discreteMethod: PowerLawDiscreteMethod;
  /** Removal threshold. */
  floor: number;
  /** WWFit small-N rule active (ww mode only). */
  wwSmallN: boolean;
  /** Scan arrays returned? */
  keepScan: boolean;
}

/** Per-candidate scan (only with `keepScan: true`). Arrays are aligned. */
export interface PowerLawScan {
  /** Candidate xmin values, ascending. */
  xmins: number[];
  /** KS distance of each candidate's fit. */
  Ds: number[];
  /** Fitted alpha of each candidate (null when the estimator has no finite answer). */
  alphas: (number | null)[];
  /** alpha > 1 (powerlaw's in_range). */
  valid: boolean[];
}

/** Result of {@link fitPowerLaw}: a plain JSON-serializable object. */
export interface PowerLawFit {
  /** Always 'power_law'. */
  distribution: 'power_law';
  /** Fitted exponent of the density p(x) ∝ x^(−alpha). */
  alpha: number;
  /** Lower cutoff of the fitted tail. */
  xmin: number;
  /** Upper cutoff given in the options, or null when the tail is unbounded. */
  xmax: number | null;
  /** KS distance of the fit (powerlaw's D). */
  D: number;
  /**
   * Standard error (alpha − 1)/√n with n the number of points the estimate used: nTail, except in
   * 'ww' mode when xmin falls inside a run of tied values — WWFit then fits from the candidate's
   * position (n = points at or after it) and so does this library, to reproduce its numbers.
   */
  sigma: number;
  /** Number of data points in [xmin, xmax] (powerlaw's len(fit.data), WeightWatcher's num_pl_spikes). */
  nTail: number;
  /** Number of data points used (after removing values ≤ floor; includes those above xmax). */
  n: number;
  /** Values removed by the floor rule (zeros by default). */
  nRemoved: number;
  /** Values above xmax (dropped). */
  nAboveXmax: number;
  /** Discrete fit? */
  discrete: boolean;
  /** 'failed' when no candidate gives a valid fit (alpha ≤ 1); numbers are then powerlaw's fallback. */
  status: 'success' | 'failed';
  /** Why status is 'failed'. */
  reason?: string;
  /** powerlaw's noise_flag: no candidate had alpha > 1 (argmin taken over all). */
  noiseFlag: boolean;
  /** True when xmin was searched (false for a fixed xmin). */
  xminSearched: boolean;
  /** Number of xmin candidates scanned. */
  nCandidates: number;
  /** Options used. */
  options: ResolvedPowerLawOptions;
  /** Candidate scan (with `keepScan: true`). */
  scan?: PowerLawScan;
}

/** −ln(1e-307): powerlaw's per-point penalty when parameters are out of range. */
const LN_TINY = -Math.log(1e-307);

type AlphaMode = 'analytic' | 'discrete-estimate' | 'truncated-exact' | 'nm-continuous' | 'discrete-exact' | 'discrete-nm';

/** Sorted, cleaned data and the per-index sums every candidate needs. */
interface Prepared {
  x: Float64Array;
  lnx: Float64Array;
  /** S[i] = Σ_{k≥i} ln(x_k / x_i), accurate (sum of positive terms). */
  S: Float64Array;
  nRemoved: number;
  nAboveXmax: number;
}

function resolveOptions(o: PowerLawFitOptions): ResolvedPowerLawOptions {
  const candidates = o.candidates ?? 'unique';
  if (candidates !== 'unique' && candidates !== 'ww') throw new EsdlabError('INVALID_ARGUMENT', `fitPowerLaw: candidates must be 'unique' or 'ww' (got ${String(candidates)})`);
  const xmaxMode = o.xmaxMode ?? 'exact';
  if (xmaxMode !== 'exact' && xmaxMode !== 'powerlaw-1.5') throw new EsdlabError('INVALID_ARGUMENT', `fitPowerLaw: xmaxMode must be 'exact' or 'powerlaw-1.5' (got ${String(xmaxMode)})`);
  const discreteMethod = o.discreteMethod ?? 'estimate';
  if (!['estimate', 'exact', 'powerlaw-1.5'].includes(discreteMethod)) throw new EsdlabError('INVALID_ARGUMENT', `fitPowerLaw: discreteMethod must be 'estimate', 'exact' or 'powerlaw-1.5' (got ${String(discreteMethod)})`);
  let xmin: number | [number, number] | null = null;
  if (o.xmin !== undefined && o.xmin !== null) {
    if (Array.isArray(o.xmin)) {
      const [lo, hi] = o.xmin;
      if (o.xmin.length !== 2 || typeof lo !== 'number' || typeof hi !== 'number' || Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) {
        throw new EsdlabError('INVALID_ARGUMENT', `fitPowerLaw: xmin range must be [lo, hi] with lo ≤ hi (got ${JSON.stringify(o.xmin)})`);
      }
      xmin = [lo, hi];
    } else {
      if (typeof o.xmin !== 'number' || !Number.isFinite(o.xmin) || !(o.xmin > 0)) throw new EsdlabError('INVALID_ARGUMENT', `fitPowerLaw: xmin must be a finite number > 0 (got ${String(o.xmin)})`);
      xmin = o.xmin;
    }
  }
  let xmax: number | null = null;
  if (o.xmax !== undefined && o.xmax !== null) {
    if (typeof o.xmax !== 'number' || !Number.isFinite(o.xmax) || !(o.xmax > 0)) throw new EsdlabError('INVALID_ARGUMENT', `fitPowerLaw: xmax must be a finite number > 0 (got ${String(o.xmax)})`);
    xmax = o.xmax;
  }
  if (typeof xmin === 'number' && xmax !== null && !(xmin < xmax)) throw new EsdlabError('INVALID_ARGUMENT', `fitPowerLaw: xmin (${xmin}) must be below xmax (${xmax})`);
  const floor = o.floor ?? 0;
  if (typeof floor !== 'number' || !Number.isFinite(floor) || floor < 0) throw new EsdlabError('INVALID_ARGUMENT', `fitPowerLaw: floor must be a finite number ≥ 0 (got ${String(floor)})`);
  return {
    xmin, xmax, xmaxMode, candidates,
    discrete: o.discrete === true,
    discreteMethod,
    floor,
    wwSmallN: candidates === 'ww' && o.wwSmallN === true,
    keepScan: o.keepScan === true,
  };
}

/** Validates, removes ≤ floor, trims above xmax, sorts, and builds ln x and the tail sums. */
function prepare(values: ArrayLike<number>, opt: ResolvedPowerLawOptions): Prepared {
  if (values === null || values === undefined || typeof (values as ArrayLike<number>).length !== 'number') {
    throw new EsdlabError('INVALID_ARGUMENT', 'fitPowerLaw: values must be an array of numbers');
  }
  const len = values.length;
  const buf = new Float64Array(len);
  let m = 0, nRemoved = 0, nAbove = 0;
  for (let i = 0; i < len; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new EsdlabError('NON_FINITE', `fitPowerLaw: value ${String(v)} is not a finite number`, { index: i });
    }
    if (v < 0) throw new EsdlabError('NEGATIVE_VALUE', `fitPowerLaw: negative value ${v} (a power law needs x > 0)`, { index: i });
    if (v <= opt.floor) { nRemoved++; continue; }
    if (opt.discrete && v < 1) throw new EsdlabError('INVALID_ARGUMENT', `fitPowerLaw: discrete data must be ≥ 1 (got ${v})`, { index: i });
    if (opt.xmax !== null && v > opt.xmax) { nAbove++; continue; }
    buf[m++] = v;
  }
  const x = buf.slice(0, m).sort();
  const lnx = new Float64Array(m);
  for (let i = 0; i < m; i++) lnx[i] = Math.log(x[i]);
  // S[i] = S[i+1] + (m−1−i)·ln(x_{i+1}/x_i), Neumaier-compensated; all terms ≥ 0.
  const S = new Float64Array(m);
  let sum = 0, comp = 0;
  for (let i = m - 2; i >= 0; i--) {
    const d = Math.log1p((x[i + 1] - x[i]) / x[i]);
    const term = (m - 1 - i) * d;
    const t = sum + term;
    comp += Math.abs(sum) >= Math.abs(term) ? (sum - t) + term : (term - t) + sum;
    sum = t;
    S[i] = sum + comp;
  }
  return { x, lnx, S, nRemoved, nAboveXmax: nAbove };
}

/** First index i with x[i] ≥ v (x sorted ascending). */
function lowerBound(x: Float64Array, v: number): number {
  let lo = 0, hi = x.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (x[mid] < v) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Everything one candidate fit needs. */
interface CandidateFit { alpha: number; valid: boolean }

/** Chooses the estimator from the options. */
function alphaMode(opt: ResolvedPowerLawOptions): AlphaMode {
  if (!opt.discrete) {
    if (opt.xmax === null) return 'analytic';
    return opt.xmaxMode === 'exact' ? 'truncated-exact' : 'nm-continuous';
  }
  if (opt.xmax === null) {
    return opt.discreteMethod === 'estimate' ? 'discrete-estimate' : opt.discreteMethod === 'exact' ? 'discrete-exact' : 'discrete-nm';
  }
  if (opt.discreteMethod === 'exact') return 'discrete-exact';
  if (opt.discreteMethod === 'powerlaw-1.5') return 'discrete-nm';
  return opt.xmaxMode === 'exact' ? 'discrete-exact' : 'discrete-nm';
}

/** Mean of ln(x/xmin) under the power law truncated to [xmin, xmax] with β = α − 1, L = ln(xmax/xmin). */
function truncatedMeanLog(beta: number, L: number): number {
  const z = beta * L;
  if (Math.abs(z) < 1e-5) return L * (0.5 - z / 12 + (z * z * z) / 720);
  return 1 / beta - L / Math.expm1(z);
}

/** Exact truncated continuous MLE: solves E_β[ln(x/xmin)] = tbar on [0, L]. Returns α. */
function solveTruncated(tbar: number, L: number): number {
  if (!(tbar > 0)) return Number.POSITIVE_INFINITY;
  if (!(tbar < L)) return Number.NEGATIVE_INFINITY;
  // m(−β) = L − m(β): solve for β ≥ 0 on the reflected side when tbar > L/2.
  const flip = tbar > L / 2;
  const target = flip ? L - tbar : tbar;
  if (target === L / 2) return 1;
  // m(0) = L/2 > target, m(1/target) < target
  const hi = 1 / target;
  const beta = brentRoot((b) => truncatedMeanLog(b, L) - target, 0, hi);
  return 1 + (flip ? -beta : beta);
}

/** Log of the discrete normalizer Z(α) = ζ(α, xmin) − ζ(α, upper) (upper = null: no truncation). */
function zetaNorm(alpha: number, c: number, upper: number | null): number {
  const z = hurwitzZeta(alpha, c);
  return upper === null ? z : z - hurwitzZeta(alpha, upper);
}

/** Largest number of terms summed directly for a truncated discrete normalizer. */
const DIRECT_SUM_MAX = 4096;

/**
 * Exact discrete MLE: −Z'(α)/Z(α) = mean ln x (Z = ζ(α, c) − ζ(α, upper), or ζ(α, c) untruncated).
 * When the truncated support c, c+1, …, upper−1 has at most DIRECT_SUM_MAX points, Z and Z' are
 * summed directly (exact, any real α, no cancellation of two large zeta values near α = 1).
 * Returns NaN when the root is not in the domain the method covers (α > 1 for zeta differences).
 */
function solveDiscreteExact(meanLn: number, c: number, upper: number | null, start: number): number {
  const K = upper === null ? Number.POSITIVE_INFINITY : upper - c;
  let g: (a: number) => number;
  let lo: number;
  if (Number.isInteger(K) && K <= DIRECT_SUM_MAX) {
    const lk = new Float64Array(K);
    for (let k = 0; k < K; k++) lk[k] = Math.log(c + k);
    g = (a: number): number => {
      let z = 0, dz = 0;
      for (let k = K - 1; k >= 0; k--) { const t = Math.exp(-a * lk[k]); z += t; dz += lk[k] * t; }
      return dz / z - meanLn;
    };
    lo = 1;
    let guard = 0;
    while (!(g(lo) > 0) && guard++ < 60) lo = 1 - 2 * (1 - lo) - 1; // 0, −2, −6, … until the mean log exceeds the data's
    if (!(g(lo) > 0)) return Number.NaN;
  } else {
    g = (a: number): number => {
      const z1 = hurwitzZetaWithDerivative(a, c);
      let Z = z1.value, dZ = z1.derivative;
      if (upper !== null) { const z2 = hurwitzZetaWithDerivative(a, upper); Z -= z2.value; dZ -= z2.derivative; }
      return -dZ / Z - meanLn;
    };
    lo = upper === null ? 1 + 1e-9 : 1 + 1e-4;
    if (!(g(lo) > 0)) return Number.NaN;
  }
  let hi = Math.max(start, lo + 0.5);
  let gh = g(hi);
  let guard = 0;
  while (gh > 0 && guard++ < 60) { hi = lo + 2 * (hi - lo); gh = g(hi); }
  if (gh > 0) return Number.NaN;
  return brentRoot(g, lo, hi);
}

/**
 * Fits one candidate xmin = c whose tail starts at sorted index i0 (n = N − i0 points, all ≥ c;
 * `S0` = Σ ln(x/c) over the tail). Returns alpha and validity (α > 1, finite).
 */
function fitCandidate(mode: AlphaMode, p: Prepared, i0: number, c: number, S0: number, opt: ResolvedPowerLawOptions): CandidateFit {
  const n = p.x.length - i0;
  let alpha: number;
  switch (mode) {
    case 'analytic':
      alpha = 1 + n / S0;
      break;
    case 'discrete-estimate':
      alpha = 1 + n / (S0 + n * Math.log(c / (c - 0.5)));
      break;
    case 'truncated-exact':
      alpha = solveTruncated(S0 / n, Math.log((opt.xmax as number) / c));
      break;
    case 'nm-continuous': {
      const lnc = Math.log(c);
      const f = (a: number): number => (a > 1 ? a * S0 - n * Math.log(a - 1) + n * lnc : n * LN_TINY);
      alpha = nelderMead1d(f, 1 + n / S0).x;
      break;
    }
    case 'discrete-exact': {
      const meanLn = S0 / n + Math.log(c);
      alpha = solveDiscreteExact(meanLn, c, opt.xmax === null ? null : opt.xmax + 1, 1 + n / (S0 + n * Math.log(c / (c - 0.5))));
      break;
    }
    case 'discrete-nm': {
      const sumLn = S0 + n * Math.log(c);
      const upper = opt.xmax === null ? null : opt.xmax + 1;
      const f = (a: number): number => {
        if (!(a > 1)) return n * LN_TINY;
        const Z = zetaNorm(a, c, upper);
        if (!(Z > 0)) return n * LN_TINY;
        return a * sumLn + n * Math.log(Z);
      };
      alpha = nelderMead1d(f, 1 + n / S0).x;
      break;
    }
  }
  return { alpha, valid: Number.isFinite(alpha) && alpha > 1 };
}

/** Builds the theoretical CDF T(x) of a fitted candidate, as a function of the sorted index. */
function makeCdf(mode: AlphaMode, p: Prepared, c: number, alpha: number, opt: ResolvedPowerLawOptions): (j: number) => number {
  const lnx = p.lnx, x = p.x;
  const lnc = Math.log(c);
  const e = 1 - alpha;
  if (!opt.discrete) {
    if (opt.xmax === null) return (j) => -Math.expm1(e * (lnx[j] - lnc));
    const norm = -Math.expm1(e * (Math.log(opt.xmax) - lnc));
    return (j) => -Math.expm1(e * (lnx[j] - lnc)) / norm;
  }
  const zc = hurwitzZeta(alpha, c);
  let Z = zc;
  if (opt.xmax !== null) Z = zc - hurwitzZeta(alpha, mode === 'discrete-nm' ? opt.xmax : opt.xmax + 1);
  return (j) => (x[j] === c ? 0 : (zc - hurwitzZeta(alpha, x[j])) / Z);
}

/** Stack buffers for the branch-and-bound (depth ≤ 2·log2(N) + 2). */
const STACK_A = new Int32Array(256);
const STACK_B = new Int32Array(256);
const STACK_TA = new Float64Array(256);
const STACK_TB = new Float64Array(256);

/**
 * Exact KS distance max_p |T(bin_p) − A_p| over bin positions p in [start, end), with
 * A_p = (bins[p] − i0)/n, by branch-and-bound. Returns early (a lower bound ≥ stopAt) when
 * D ≥ stopAt (D > stopAt when `strict`). `seed` is a bin position evaluated first (e.g. the previous
 * candidate's argmax).
 * Result written to `out`: [D, argmax position, 1 if exact else 0].
 */
function ksDistance(T: (j: number) => number, bins: Int32Array, start: number, end: number, i0: number, n: number, stopAt: number, strict: boolean, seed: number, out: Float64Array): void {
  const last = end - 1;
  let D = -1, arg = start;
  // the seed (previous candidate's argmax) first: it usually proves early that this candidate loses
  if (seed > start && seed < last) {
    D = Math.abs(T(bins[seed]) - (bins[seed] - i0) / n);
    arg = seed;
    if ((D > stopAt || (!strict && D === stopAt))) { out[0] = D; out[1] = arg; out[2] = 0; return; }
  }
  const t0 = T(bins[start]);
  { const d = Math.abs(t0 - (bins[start] - i0) / n); if (d > D) { D = d; arg = start; } }
  if (last > start) {
    const tl = T(bins[last]);
    { const d = Math.abs(tl - (bins[last] - i0) / n); if (d > D) { D = d; arg = last; } }
    if ((D > stopAt || (!strict && D === stopAt))) { out[0] = D; out[1] = arg; out[2] = 0; return; }
    let sp = 0;
    STACK_A[sp] = start; STACK_B[sp] = last; STACK_TA[sp] = t0; STACK_TB[sp] = tl; sp++;
    while (sp > 0) {
      sp--;
      const a = STACK_A[sp], b = STACK_B[sp], ta = STACK_TA[sp], tb = STACK_TB[sp];
      if (b - a <= 1) continue;
      // interior points p in (a, b): T_p ≤ T_b, A_p ≥ A_{a+1}, A_p ≤ A_{b−1}, T_p ≥ T_a
      const bound = Math.max(tb - (bins[a + 1] - i0) / n, (bins[b - 1] - i0) / n - ta);
      if (!(bound > D)) continue;
      const Aa = (bins[a] - i0) / n, Ab = (bins[b] - i0) / n;
      const mid = (a + b) >>> 1;
      const tm = T(bins[mid]);
      const d = Math.abs(tm - (bins[mid] - i0) / n);
      if (d > D) {
        D = d; arg = mid;
        if ((D > stopAt || (!strict && D === stopAt))) { out[0] = D; out[1] = arg; out[2] = 0; return; }
      }
      // push the half with the larger bound last so it is explored first
      const Am = (bins[mid] - i0) / n;
      const bl = Math.max(tm - Aa, Am - ta), br = Math.max(tb - Am, Ab - tm);
      if (bl > br) {
        STACK_A[sp] = mid; STACK_B[sp] = b; STACK_TA[sp] = tm; STACK_TB[sp] = tb; sp++;
        STACK_A[sp] = a; STACK_B[sp] = mid; STACK_TA[sp] = ta; STACK_TB[sp] = tm; sp++;
      } else {
        STACK_A[sp] = a; STACK_B[sp] = mid; STACK_TA[sp] = ta; STACK_TB[sp] = tm; sp++;
        STACK_A[sp] = mid; STACK_B[sp] = b; STACK_TA[sp] = tm; STACK_TB[sp] = tb; sp++;
      }
    }
  }
  out[0] = D; out[1] = arg; out[2] = 1;
}

/** Σ ln(x_k/c) over k ≥ i0, Neumaier-compensated (direct sum, as powerlaw computes it). */
function directLogSum(x: Float64Array, i0: number, c: number): number {
  let sum = 0, comp = 0;
  for (let k = i0; k < x.length; k++) {
    const v = Math.log(x[k] / c);
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return sum + comp;
}

/**
 * Fits a power law p(x) ∝ x^(−α) on [xmin, xmax] to `values` (see the module documentation for
 * every convention and option).
 * @param values positive data (zeros are dropped; NaN/Inf/negative values are errors)
 * @param options see {@link PowerLawFitOptions}
 * @returns a plain {@link PowerLawFit}
 * @throws EsdlabError NON_FINITE / NEGATIVE_VALUE (with the index), TOO_FEW_POINTS (fewer than 2 tail
 *   points or no xmin candidate), INVALID_ARGUMENT (bad options)
 */
export function fitPowerLaw(values: ArrayLike<number>, options: PowerLawFitOptions = {}): PowerLawFit {
  const opt = resolveOptions(options);
  const p = prepare(values, opt);
  const N = p.x.length;
  const mode = alphaMode(opt);
  if (N < 2) throw new EsdlabError('TOO_FEW_POINTS', `fitPowerLaw: need at least 2 positive data points${opt.xmax !== null ? ' ≤ xmax' : ''} (got ${N})`);
  if (p.x[0] === p.x[N - 1]) throw new EsdlabError('TOO_FEW_POINTS', `fitPowerLaw: all ${N} values are equal (${p.x[0]}): fewer than 2 distinct values; cannot fit`);

  // bins: first index of each unique value ('unique') or every index ('ww')
  let bins: Int32Array;
  if (opt.candidates === 'ww') {
    bins = new Int32Array(N);
    for (let i = 0; i < N; i++) bins[i] = i;
  } else {
    const tmp = new Int32Array(N);
    let m = 0;
    for (let i = 0; i < N; i++) if (i === 0 || p.x[i] !== p.x[i - 1]) tmp[m++] = i;
    bins = tmp.slice(0, m);
  }
  const nb = bins.length;

  const base = {
    distribution: 'power_law' as const,
    xmax: opt.xmax,
    n: N + p.nAboveXmax,
    nRemoved: p.nRemoved,
    nAboveXmax: p.nAboveXmax,
    discrete: opt.discrete,
    options: opt,
  };
  const out = new Float64Array(3);

  // ---- fixed xmin ----
  if (typeof opt.xmin === 'number') {
    const c = opt.xmin;
    const i0 = lowerBound(p.x, c);
    const n = N - i0;
    if (n < 2) throw new EsdlabError('TOO_FEW_POINTS', `fitPowerLaw: fewer than 2 data points ≥ xmin = ${c} (got ${n})`);
    let b0 = 0;
    while (b0 < nb && bins[b0] < i0) b0++;
    const S0 = directLogSum(p.x, i0, c);
    const fit = fitCandidate(mode, p, i0, c, S0, opt);
    const D = candidateD(fit, mode, p, c, opt, bins, b0, nb, i0, n, Infinity, -1, out);
    return finish(base, fit.alpha, c, D, n, n, fit.valid, !fit.valid, false, 1, undefined);
  }

  // ---- xmin search ----
  let candLo = 0, candHi = nb - 1; // candidate bin positions [candLo, candHi)
  if (Array.isArray(opt.xmin)) {
    const [lo, hi] = opt.xmin;
    while (candLo < nb && p.x[bins[candLo]] < lo) candLo++;
    let h = candLo;
    while (h < nb && p.x[bins[h]] <= hi) h++;
    candHi = h - 1; // drop the largest candidate inside the range (powerlaw's rule)
  }
  const nCand = candHi - candLo;
  if (nCand <= 0) {
    throw new EsdlabError('TOO_FEW_POINTS', `fitPowerLaw: fewer than 2 distinct values${Array.isArray(opt.xmin) ? ` in the xmin range [${opt.xmin[0]}, ${opt.xmin[1]}]` : ''}${opt.xmax !== null ? ' ≤ xmax' : ''}; cannot fit`);
  }

  if (opt.candidates === 'ww' && opt.wwSmallN && N < 20 && !Array.isArray(opt.xmin)) {
    return wwSmallN(p, base, opt);
  }

  const keep = opt.keepScan;
  const scan: PowerLawScan | undefined = keep ? { xmins: [], Ds: [], alphas: [], valid: [] } : undefined;
  const isWW = opt.candidates === 'ww';
  // The winner is the first candidate (in xmin order) with the smallest D among the eligible ones
  // (powerlaw: the valid ones if any; WW: all). D values are exact; a candidate whose D provably
  // exceeds the best so far is abandoned early (its D is then only a lower bound, and it cannot win).
  let bestValidD = Infinity, bestValidK = -1;
  let bestAllD = Infinity, bestAllK = -1;
  let anyValid = false;
  let seed = -1;
  const known = new Float64Array(nCand).fill(Number.NaN); // exact D of candidates already evaluated
  const consider = (k: number, D: number, valid: boolean): void => {
    if (valid && (D < bestValidD || (D === bestValidD && k < bestValidK))) { bestValidD = D; bestValidK = k; }
    if (D < bestAllD || (D === bestAllD && k < bestAllK)) { bestAllD = D; bestAllK = k; }
  };
  const evaluate = (k: number, early: boolean): void => {
    const i0 = bins[k];
    const c = p.x[i0];
    const n = N - i0;
    const fit = fitCandidate(mode, p, i0, c, p.S[i0], opt);
    let D: number;
    let exact = true;
    if (fit.valid) {
      anyValid = true;
      const bestD = isWW ? bestAllD : bestValidD;
      const bestK = isWW ? bestAllK : bestValidK;
      // a candidate before the current best wins ties, so it may only stop when strictly worse
      const strict = early && k < bestK;
      if (early && mode === 'analytic' && seed > k && seed < nb - 1) {
        // fast path: the previous argmax usually proves at once that this candidate loses
        const j = bins[seed];
        const d = Math.abs(-Math.expm1((1 - fit.alpha) * (p.lnx[j] - Math.log(c))) - (j - i0) / n);
        if (d > bestD || (!strict && d === bestD)) {
          if (scan) { scan.xmins.push(c); scan.Ds.push(d); scan.alphas.push(fit.alpha); scan.valid.push(true); }
          return;
        }
      }
      D = candidateD(fit, mode, p, c, opt, bins, k, nb, i0, n, early ? bestD : Infinity, seed, out, strict);
      seed = out[1];
      exact = out[2] === 1;
    } else {
      D = candidateD(fit, mode, p, c, opt, bins, k, nb, i0, n, Infinity, -1, out, false);
    }
    if (exact) { known[k - candLo] = D; consider(k, D, fit.valid); }
    if (scan) {
      scan.xmins.push(c); scan.Ds.push(D);
      scan.alphas.push(Number.isFinite(fit.alpha) ? fit.alpha : null); scan.valid.push(fit.valid);
    }
  };
  if (keep) {
    for (let k = candLo; k < candHi; k++) evaluate(k, false);
  } else {
    // pass 1: a sparse subset finds a good D bound early; pass 2: everything else against it
    const stride = nCand > 1024 ? Math.floor(nCand / 256) : 0;
    if (stride > 0) for (let k = candLo; k < candHi; k += stride) evaluate(k, true);
    seed = -1;
    for (let k = candLo; k < candHi; k++) {
      const D = known[k - candLo];
      if (D === D) continue; // already exact (and considered)
      evaluate(k, true);
    }
  }
  const kStar = isWW ? bestAllK : (anyValid ? bestValidK : bestAllK);
  const noise = !isWW && !anyValid;
  // final: recompute alpha from a direct sum and D exactly for the winner
  const i0 = bins[kStar];
  const c = p.x[i0];
  const n = N - i0;
  const fit = fitCandidate(mode, p, i0, c, directLogSum(p.x, i0, c), opt);
  const D = candidateD(fit, mode, p, c, opt, bins, kStar, nb, i0, n, Infinity, -1, out);
  return finish(base, fit.alpha, c, D, n, N - lowerBound(p.x, c), fit.valid, noise, true, nCand, scan);
}

/** D of one candidate (exact unless it provably exceeds `stopAt`), including the invalid-α rules. */
function candidateD(fit: CandidateFit, mode: AlphaMode, p: Prepared, c: number, opt: ResolvedPowerLawOptions, bins: Int32Array, start: number, nb: number, i0: number, n: number, stopAt: number, seed: number, out: Float64Array, strict = false): number {
  if (!fit.valid) {
    out[1] = start;
    out[2] = 1;
    if (opt.candidates === 'ww') return 1; // WWFit: D = 1 when alpha ≤ 1
    // powerlaw: CDF = 1e-307 everywhere → D = largest Actual value (last tail bin)
    return Math.max(1e-307, (bins[nb - 1] - i0) / n - 1e-307);
  }
  const T = makeCdf(mode, p, c, fit.alpha, opt);
  ksDistance(T, bins, start, nb, i0, n, stopAt, strict, seed, out);
  return out[0];
}

function finish(base: Omit<PowerLawFit, 'alpha' | 'xmin' | 'D' | 'sigma' | 'nTail' | 'status' | 'noiseFlag' | 'xminSearched' | 'nCandidates'>, alpha: number, xmin: number, D: number, nFit: number, nTail: number, valid: boolean, noise: boolean, searched: boolean, nCand: number, scan: PowerLawScan | undefined): PowerLawFit {
  if (!Number.isFinite(alpha)) {
    throw new EsdlabError('NOT_CONVERGED', `fitPowerLaw: the fit at xmin = ${xmin} has no finite alpha (degenerate tail)`);
  }
  const res: PowerLawFit = {
    distribution: 'power_law',
    alpha,
    xmin,
    xmax: base.xmax,
    D,
    sigma: (alpha - 1) / Math.sqrt(nFit),
    nTail,
    n: base.n,
    nRemoved: base.nRemoved,
    nAboveXmax: base.nAboveXmax,
    discrete: base.discrete,
    status: valid ? 'success' : 'failed',
    noiseFlag: noise,
    xminSearched: searched,
    nCandidates: nCand,
    options: base.options,
  };
  if (!valid) res.reason = `alpha = ${alpha} is not > 1 at xmin = ${xmin}${noise && searched ? ' (no candidate xmin gives alpha > 1: powerlaw noise_flag)' : ''}`;
  if (scan) res.scan = scan;
  return res;
}

/** The newer WWFit small-N rule (N < 20), opt-in. */
function wwSmallN(p: Prepared, base: Omit<PowerLawFit, 'alpha' | 'xmin' | 'D' | 'sigma' | 'nTail' | 'status' | 'noiseFlag' | 'xminSearched' | 'nCandidates'>, opt: ResolvedPowerLawOptions): PowerLawFit {
  const N = p.x.length, x = p.x;
  const kMin = 8;
  const scan: PowerLawScan | undefined = opt.keepScan ? { xmins: [], Ds: [], alphas: [], valid: [] } : undefined;
  const Dof = (i: number, alpha: number): number => {
    const n = N - i;
    let D = 0;
    for (let j = i; j < N; j++) {
      const d = Math.abs((j - i) / n - (1 - Math.pow(x[j] / x[i], 1 - alpha)));
      if (d > D) D = d;
    }
    return D;
  };
  // WWFit computes J = D − 0.868/√n to pick a winner, but its constructor then overrides that choice
  // with argmin over the Ds array (first minimum; skipped candidates keep D = 1) — reproduced here.
  const Ds: number[] = [], alphas: number[] = [];
  let anyJ = false;
  for (let i = 0; i < N - 1; i++) {
    const n = N - i;
    let alpha = 0, D = 1, valid = false;
    const s = p.S[i];
    if (n >= kMin && s > 1e-12) {
      alpha = 1 + (n - 1) / s;
      if (alpha > 1) { valid = true; D = Dof(i, alpha); anyJ = true; }
    }
    Ds.push(D); alphas.push(alpha);
    if (scan) { scan.xmins.push(x[i]); scan.Ds.push(D); scan.alphas.push(alpha); scan.valid.push(valid); }
  }
  let reasonExtra = '';
  if (!anyJ) {
    // WWFit's fallback: the whole data set as the tail (candidate 0)
    const s = p.S[0];
    if (!(s > 1e-12)) {
      throw new EsdlabError('TOO_FEW_POINTS', 'fitPowerLaw: WW small-N fit: all data points are equal; cannot fit');
    }
    alphas[0] = 1 + (N - 1) / s;
    Ds[0] = Dof(0, alphas[0]);
    if (scan) { scan.alphas[0] = alphas[0]; scan.Ds[0] = Ds[0]; scan.valid[0] = alphas[0] > 1; }
    reasonExtra = 'ww small-N fallback (no tail of ≥ 8 points)';
  }
  let best = 0;
  for (let i = 1; i < Ds.length; i++) if (Ds[i] < Ds[best]) best = i;
  const bestAlpha = alphas[best], bestD = Ds[best];
  if (!(bestAlpha > 1)) {
    throw new EsdlabError('TOO_FEW_POINTS', 'fitPowerLaw: WW small-N fit: no candidate tail gives a valid fit');
  }
  const res = finish(base, bestAlpha, x[best], bestD, N - best, N - lowerBound(x, x[best]), bestAlpha > 1, false, true, N - 1, scan);
  if (reasonExtra && res.status === 'success') res.reason = reasonExtra;
  return res;
}

/**
 * The fitted tail: the sorted values in [fit.xmin, fit.xmax] (after the same cleaning the fit
 * applied: values ≤ floor removed). Alternatives (lognormal, exponential, …) are fitted and compared
 * on exactly these values.
 * @param values the data passed to {@link fitPowerLaw}
 * @param fit its result
 */
export function powerLawTail(values: ArrayLike<number>, fit: PowerLawFit): Float64Array {
  const floor = fit.options.floor;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > floor) || v < fit.xmin) continue;
    if (fit.xmax !== null && v > fit.xmax) continue;
    out.push(v);
  }
  return Float64Array.from(out).sort();
}
