/**
 * Marchenko–Pastur fits of an empirical spectral density (ESD).
 *
 * Two methods:
 * - {@link fitMpRobust} (esdlab's default): σ² of the bulk from the median eigenvalue,
 *   σ²_b = median(λ)/m_Q, where m_Q is the MP median at σ = 1 (phases-and-theory.md §3e). A handful of
 *   spikes or a heavy tail barely moves the median, it needs no bandwidth and it is deterministic.
 *   Then the edges, the Tracy–Widom spike threshold τ = λ⁺ + c·s_TW, spike counts, the soft rank
 *   λ⁺/λ_max, the bulk-mass ratio β = σ²_b / mean(λ), and the KS distance of the bulk against MP.
 * - {@link fitMpWW}: WeightWatcher 0.7.x `mp_fit` reproduced step by step (weightwatcher.md §b6):
 *   rescale to mean 1, linear-kernel KDE (bandwidth 0.1) on 1000 grid points, brute-force σ grid
 *   [0.05, 2)·s0 step 0.01·s0 (numpy arange semantics) polished by a Nelder–Mead replica of
 *   `scipy.optimize.fmin` (xtol = ftol = 1e-4), quarter-circle law on √λ when Q == 1, spikes above
 *   bulk_max + √TW. Its output uses WeightWatcher's column names.
 */
import { EsdlabError } from './errors';
import { mpCdf, mpEdges, mpMedian } from './marchenkoPastur';
import { spikeThresholds, TW_MARGIN_UNITS, twScale } from './tracyWidom';

/** The minimum an MP fit reads from an ESD (an `esd()` result satisfies it). */
export interface MpSpectrumInput {
  /** Eigenvalues (any order; ascending from `esd()`). */
  eigenvalues: ArrayLike<number>;
  /** Larger dimension of the (slice) matrix. */
  N: number;
  /** Smaller dimension of the (slice) matrix. */
  M: number;
}

/** Options of {@link fitMpRobust}. */
export interface MpRobustOptions {
  /** TW units above λ⁺ for the spike threshold τ (default {@link TW_MARGIN_UNITS} = 3). */
  twMargin?: number;
}

/** Result of {@link fitMpRobust}; every number is plain JSON (null where undefined). */
export interface MpRobustFit {
  /** `'robust-median'`. */
  method: 'robust-median';
  /** `'success'`, or `'failed'` with a `reason` (all-zero spectrum, median 0, too few values…). */
  status: 'success' | 'failed';
  /** Why the fit failed. */
  reason?: string;
  /** Number of eigenvalues used. */
  n: number;
  /** N, M, Q = N/M of the matrix. */
  N: number;
  M: number;
  Q: number;
  /** Fitted bulk scale σ (entry standard deviation), σ = √σ²_b. */
  sigma: number | null;
  /** σ²_b = median(λ)/m_Q. */
  sigma2: number | null;
  /** m_Q, the MP median at σ = 1 for this Q. */
  mpMedianUnit: number;
  /** σ²_tr = mean(λ) = the σ² a randomized (element-shuffled) W would have. */
  sigma2Trace: number;
  /** Bulk-mass ratio β = σ²_b / σ²_tr (≈ 1 random-like, ≪ 1 heavy-tailed). */
  beta: number | null;
  /** β_bulk = σ²_b / mean of the bulk eigenvalues (λ ≤ τ): β without the spikes' energy. */
  betaBulk: number | null;
  /** MP edges λ^± with σ_b. */
  lambdaMinus: number | null;
  lambdaPlus: number | null;
  /** Johnstone TW scale at λ⁺. */
  sTW: number | null;
  /** c in τ = λ⁺ + c·s_TW. */
  twMargin: number;
  /** Spike threshold τ. */
  tau: number | null;
  /** #{λ > τ}. */
  numSpikes: number;
  /** numSpikes / n. */
  spikeFraction: number;
  /** Spikes counted WeightWatcher's way (λ⁺ + √TW in mean-1 units), but with this fit's σ. */
  numSpikesWW: number;
  /** Largest eigenvalue. */
  lambdaMax: number;
  /** MP soft rank λ⁺/λ_max. */
  mpSoftrank: number | null;
  /** Number of eigenvalues ≤ τ (the bulk). */
  nBulk: number;
  /** KS distance between the bulk's ECDF and the MP CDF with σ_b. */
  ksBulk: number | null;
  /** 5% KS critical value 1.36/√nBulk (lenient, σ is fitted). */
  ksCritical: number | null;
  /** Largest bulk eigenvalue (≤ τ). */
  bulkMaxEigenvalue: number | null;
  /** (smallest spike − largest bulk eigenvalue)/λ⁺, null without spikes. */
  gap: number | null;
}

function sortedCopy(values: ArrayLike<number>, what: string): Float64Array {
  const a = Float64Array.from(values as ArrayLike<number>);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isFinite(v)) throw new EsdlabError('NON_FINITE', `${what}: ${Number.isNaN(v) ? 'NaN' : 'infinite'} eigenvalue`, { index: i });
    if (v < 0) {
      if (v > -1e-12 * Math.max(1, Math.abs(a[0]))) { a[i] = 0; continue; }
      throw new EsdlabError('NEGATIVE_VALUE', `${what}: negative eigenvalue ${v}`, { index: i });
    }
  }
  a.sort();
  return a;
}

function checkDims(N: number, M: number, what: string): void {
  if (!(Number.isInteger(N) && Number.isInteger(M) && M >= 1 && N >= M)) {
    throw new EsdlabError('INVALID_ARGUMENT', `${what}: need integer dimensions N ≥ M ≥ 1 (got N=${N}, M=${M})`);
  }
}

/** Median of a sorted array. */
function medianSorted(a: Float64Array): number {
  const n = a.length;
  return n % 2 ? a[(n - 1) / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
}

/**
 * Robust MP fit (esdlab default): σ²_b = median(λ)/m_Q, spikes above λ⁺ + c·s_TW, KS of the bulk.
 * Eigenvalues may be in any normalization (λ = s²/N or s²); all outputs are in the same units.
 */
export function fitMpRobust(spec: MpSpectrumInput, options: MpRobustOptions = {}): MpRobustFit {
  const { N, M } = spec;
  checkDims(N, M, 'fitMpRobust');
  const c = options.twMargin ?? TW_MARGIN_UNITS;
  const lam = sortedCopy(spec.eigenvalues, 'fitMpRobust');
  const n = lam.length;
  const Q = N / M;
  const mQ = mpMedian(Q);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += lam[i];
  const out: MpRobustFit = {
    method: 'robust-median', status: 'failed', n, N, M, Q, sigma: null, sigma2: null, mpMedianUnit: mQ,
    sigma2Trace: n ? sum / n : 0, beta: null, betaBulk: null, lambdaMinus: null, lambdaPlus: null, sTW: null, twMargin: c, tau: null,
    numSpikes: 0, spikeFraction: 0, numSpikesWW: 0, lambdaMax: n ? lam[n - 1] : 0, mpSoftrank: null, nBulk: 0,
    ksBulk: null, ksCritical: null, bulkMaxEigenvalue: null, gap: null,
  };
  if (n < 3) return { ...out, reason: `too few eigenvalues for an MP fit (${n} < 3)` };
  if (!(sum > 0)) return { ...out, reason: 'all eigenvalues are zero' };
  const med = medianSorted(lam);
  if (!(med > 0)) return { ...out, reason: 'median eigenvalue is 0 (at least half the spectrum is zero: rank-deficient)' };
  const sigma2 = med / mQ;
  const sigma = Math.sqrt(sigma2);
  const th = spikeThresholds(sigma, Q, M, c);
  const { lambdaMinus, lambdaPlus } = mpEdges(Q, sigma);
  let nBulk = 0;
  while (nBulk < n && lam[nBulk] <= th.tau) nBulk++;
  const numSpikes = n - nBulk;
  // WeightWatcher's way of counting, in its mean-1 units, with our σ.
  const mean = sum / n;
  const bm1 = lambdaPlus / mean;
  const tauWW1 = bm1 + Math.sqrt(twScale(bm1, Q, M, 1));
  let numSpikesWW = 0;
  for (let i = n - 1; i >= 0 && lam[i] / mean > tauWW1; i--) numSpikesWW++;
  let ks: number | null = null;
  if (nBulk > 0) {
    let d = 0;
    for (let i = 0; i < nBulk; i++) {
      const f = mpCdf(lam[i], Q, sigma);
      d = Math.max(d, (i + 1) / nBulk - f, f - i / nBulk);
    }
    ks = d;
  }
  const bulkMax = nBulk > 0 ? lam[nBulk - 1] : null;
  let bulkSum = 0;
  for (let i = 0; i < nBulk; i++) bulkSum += lam[i];
  return {
    ...out,
    status: 'success', sigma, sigma2, beta: sigma2 / mean, betaBulk: bulkSum > 0 ? sigma2 / (bulkSum / nBulk) : null, lambdaMinus, lambdaPlus, sTW: th.sTW, tau: th.tau,
    numSpikes, spikeFraction: numSpikes / n, numSpikesWW, mpSoftrank: lambdaPlus / lam[n - 1], nBulk, ksBulk: ks,
    ksCritical: nBulk > 0 ? 1.36 / Math.sqrt(nBulk) : null, bulkMaxEigenvalue: bulkMax,
    gap: numSpikes > 0 && bulkMax !== null ? (lam[nBulk] - bulkMax) / lambdaPlus : null,
  };
}

// ---------------------------------------------------------------------------------------------
// WeightWatcher-compatible mode
// ---------------------------------------------------------------------------------------------

/** WeightWatcher's MP-fit constants (RMT_Util.py, weightwatcher.py `mp_fit`). */
export const WW_MP_CONSTANTS = {
  /** KDE bandwidth (linear kernel). */
  bandwidth: 0.1,
  /** KDE grid points on [0, max + 0.5]. */
  gridPoints: 1000,
  /** Grid points with KDE ≤ this are dropped from the residual. */
  densityThreshold: 0.01,
  /** Residual per point when the MP edges are implausible. */
  penalty: 1000,
  /** σ grid: [lo, hi) · s0, step · s0. */
  sigmaGrid: { lo: 0.05, hi: 2.0, step: 0.01 },
  /** scipy.optimize.fmin defaults used by optimize.brute's finish. */
  fmin: { xtol: 1e-4, ftol: 1e-4, maxiter: 200, maxfun: 200 },
} as const;

/** Result of {@link fitMpWW}, with WeightWatcher's column names. */
export interface MpWWFit {
  /** `'ww'`. */
  method: 'ww';
  /** `'success'` or `'failed'` (then the numbers are −1 as in WeightWatcher, and `reason` says why). */
  status: 'success' | 'failed';
  /** Why the fit failed. */
  reason?: string;
  /** #{x > bulk_max + √TW} in mean-1 units. */
  num_spikes: number;
  /** Fitted σ in mean-1 units. */
  sigma_mp: number;
  /** bulk_max / λ_max (mean-1 units). */
  mp_softrank: number;
  /** MP upper edge in the input's units. */
  bulk_max: number;
  /** MP lower edge in the input's units. */
  bulk_min: number;
  /** Scale √n/√Σλ that rescales the eigenvalues to mean 1. */
  W_scale: number;
  /** Q = N/M used. */
  Q: number;
  /** Number of eigenvalues. */
  num_evals: number;
  /** 'MP ESD', or 'QC SSD' when Q == 1 (quarter circle on singular values). */
  fit_law: 'MP ESD' | 'QC SSD';
  /** Objective value at sigma_mp. */
  resid: number;
  /** Number of objective evaluations in the Nelder–Mead polish. */
  fmin_evals: number;
}

/** numpy.arange(start, stop, step) for floats, bit-for-bit (length ceil((stop−start)/step), delta = (start+step)−start). */
function npArange(start: number, stop: number, step: number): Float64Array {
  const len = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(len);
  if (len === 0) return out;
  out[0] = start;
  if (len === 1) return out;
  const second = start + step;
  out[1] = second;
  const delta = second - start;
  for (let i = 2; i < len; i++) out[i] = start + i * delta;
  return out;
}

/** numpy.linspace(0, stop, num) bit-for-bit (endpoint set exactly). */
function npLinspace0(stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = stop / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step;
  out[num - 1] = stop;
  return out;
}

/** Linear-kernel KDE (sklearn `kernel='linear'`): (1/(n h)) Σ max(0, 1 − |x − x_i|/h), sorted data. */
function linearKde(sortedData: Float64Array, grid: Float64Array, h: number): Float64Array {
  const n = sortedData.length;
  const out = new Float64Array(grid.length);
  let lo = 0;
  for (let g = 0; g < grid.length; g++) {
    const x = grid[g];
    while (lo < n && sortedData[lo] <= x - h) lo++;
    let s = 0;
    for (let i = lo; i < n; i++) {
      const d = Math.abs(x - sortedData[i]);
      if (sortedData[i] >= x + h) break;
      if (d < h) s += 1 - d / h;
    }
    out[g] = s / (n * h);
  }
  return out;
}

/** The objective of WeightWatcher's `resid_mp` (allresid=False), with the KDE precomputed. */
function makeWWObjective(xde: Float64Array, yde: Float64Array, Q: number): (sigma: number) => number {
  const { penalty } = WW_MP_CONSTANTS;
  const xmax = xde.length ? xde[xde.length - 1] : 0;
  let ipeak = 0;
  for (let i = 1; i < yde.length; i++) if (yde[i] > yde[ipeak]) ipeak = i;
  const xpeak = xde.length ? xde[ipeak] : 0;
  const y = 1 / Q;
  const sq = Math.sqrt(1 / Q);
  return (sigma: number): number => {
    let s = 0;
    if (Q === 1) {
      for (let i = 0; i < xde.length; i++) {
        const x = xde[i];
        let v = (1 / (Math.PI * sigma * sigma)) * Math.sqrt(4 - x * x);
        if (Number.isNaN(v)) v = 0;
        const r = v - yde[i];
        s += r * r;
      }
      return s;
    }
    const bb = sigma * (1 + sq);
    const b = bb * bb;
    const aa = sigma * (1 - sq);
    const a = aa * aa;
    if (b < xpeak || b > xmax || a > xpeak) return xde.length * penalty * penalty;
    for (let i = 0; i < xde.length; i++) {
      const x = xde[i];
      let v = (1 / (2 * Math.PI * sigma * sigma * x * y)) * Math.sqrt((b - x) * (x - a));
      if (Number.isNaN(v)) v = 0;
      else if (v === Infinity) v = Number.MAX_VALUE;
      const r = v - yde[i];
      s += r * r;
    }
    return s;
  };
}

/**
 * Replica of scipy.optimize.fmin (Nelder–Mead, non-adaptive, default tolerances) in one dimension,
 * including its initial simplex (x0, 1.05·x0), stable ordering and evaluation limits.
 */
function neldermead1d(f: (x: number) => number, x0: number): { x: number; fx: number; evals: number } {
  const { xtol, ftol, maxiter, maxfun } = WW_MP_CONSTANTS.fmin;
  let evals = 0;
  let exhausted = false;
  const call = (x: number): number => {
    if (evals >= maxfun) { exhausted = true; throw new RangeError('maxfun'); }
    evals++;
    return f(x);
  };
  let s0 = x0;
  let s1 = x0 !== 0 ? 1.05 * x0 : 0.00025;
  let f0 = Infinity;
  let f1 = Infinity;
  f0 = call(s0);
  f1 = call(s1);
  const order = (): void => {
    if (f1 < f0) { const t = s0; s0 = s1; s1 = t; const u = f0; f0 = f1; f1 = u; }
  };
  order();
  let iterations = 1;
  while (evals < maxfun && iterations < maxiter) {
    try {
      if (Math.abs(s1 - s0) <= xtol && Math.abs(f0 - f1) <= ftol) break;
      const xbar = s0 / 1;
      const xr = 2 * xbar - s1;
      const fxr = call(xr);
      if (fxr < f0) {
        const xe = 3 * xbar - 2 * s1;
        const fxe = call(xe);
        if (fxe < fxr) { s1 = xe; f1 = fxe; } else { s1 = xr; f1 = fxr; }
      } else {
        // scipy's "fxr < fsim[-2]" branch cannot fire in 1-D (fsim[-2] is fsim[0] ≤ fxr here).
        let shrink = false;
        if (fxr < f1) {
          const xc = 1.5 * xbar - 0.5 * s1;
          const fxc = call(xc);
          if (fxc <= fxr) { s1 = xc; f1 = fxc; } else shrink = true;
        } else {
          const xcc = 0.5 * xbar + 0.5 * s1;
          const fxcc = call(xcc);
          if (fxcc < f1) { s1 = xcc; f1 = fxcc; } else shrink = true;
        }
        if (shrink) {
          s1 = s0 + 0.5 * (s1 - s0);
          f1 = call(s1);
        }
      }
      iterations++;
    } catch (e) {
      if (!exhausted) throw e;
    }
    order();
  }
  return { x: s0, fx: Math.min(f0, f1), evals };
}

/**
 * WeightWatcher-compatible MP fit (`analyze(mp_fit=True)`), reproducing `sigma_mp`, `num_spikes`,
 * `mp_softrank`, `bulk_max`, `bulk_min`, `W_scale`. Pass WeightWatcher's eigenvalues (λ = s², or any
 * positive multiple: the fit rescales to mean 1; bulk_max/bulk_min come back in the input's units) and
 * the slice dimensions N, M (for pooled conv layers, M is the slice's M, not M·rf).
 */
export function fitMpWW(spec: MpSpectrumInput): MpWWFit {
  const { N, M } = spec;
  checkDims(N, M, 'fitMpWW');
  const x0 = sortedCopy(spec.eigenvalues, 'fitMpWW');
  const n = x0.length;
  const Q = N / M;
  const failed = (reason: string): MpWWFit => ({
    method: 'ww', status: 'failed', reason, num_spikes: -1, sigma_mp: -1, mp_softrank: -1, bulk_max: -1, bulk_min: -1,
    W_scale: -1, Q, num_evals: n, fit_law: Q === 1 ? 'QC SSD' : 'MP ESD', resid: -1, fmin_evals: 0,
  });
  if (n < 2) return failed(`too few eigenvalues for an MP fit (${n} < 2)`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x0[i];
  if (!(sum > 0)) return failed('all eigenvalues are zero');
  const Wscale = Math.sqrt(n) / Math.sqrt(sum);
  const s2 = Wscale * Wscale;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = s2 * x0[i];
  const lambdaMax = x[n - 1];
  // fit_density_with_range
  const sq = Math.sqrt(1 / Q);
  const s0 = Math.sqrt(lambdaMax / ((1 + 1 / Math.sqrt(Q)) * (1 + 1 / Math.sqrt(Q))));
  const g = WW_MP_CONSTANTS.sigmaGrid;
  const grid = npArange(g.lo * s0, g.hi * s0, g.step * s0);
  let toFit = x;
  if (Q === 1) {
    toFit = new Float64Array(n);
    for (let i = 0; i < n; i++) toFit[i] = Math.sqrt(x[i]);
  }
  const xg = npLinspace0(toFit[n - 1] + 0.5, WW_MP_CONSTANTS.gridPoints);
  const kde = linearKde(toFit, xg, WW_MP_CONSTANTS.bandwidth);
  let k = 0;
  for (let i = 0; i < kde.length; i++) if (kde[i] > WW_MP_CONSTANTS.densityThreshold) k++;
  const xde = new Float64Array(k);
  const yde = new Float64Array(k);
  k = 0;
  for (let i = 0; i < kde.length; i++) if (kde[i] > WW_MP_CONSTANTS.densityThreshold) { xde[k] = xg[i]; yde[k] = kde[i]; k++; }
  const obj = makeWWObjective(xde, yde, Q);
  if (grid.length === 0) return failed('empty sigma grid');
  let best = 0;
  let bestF = Infinity;
  for (let i = 0; i < grid.length; i++) {
    const v = obj(grid[i]);
    if (v < bestF) { bestF = v; best = i; }
  }
  const nm = neldermead1d(obj, grid[best]);
  const sigma = nm.x;
  // mp_fit uses 1/√Q here (marchenko_pastur_fun uses √(1/Q)); kept apart for bit-compatibility.
  const r = 1 / Math.sqrt(Q);
  const bmRoot = sigma * (1 + r);
  const bulkMax = bmRoot * bmRoot;
  const bnRoot = sigma * (1 - r);
  const bulkMin = bnRoot * bnRoot;
  const TW = (1 / Math.sqrt(Q)) * Math.pow(bulkMax, 2 / 3) * Math.pow(M, -2 / 3);
  const thr = bulkMax + Math.sqrt(TW);
  let numSpikes = 0;
  for (let i = n - 1; i >= 0 && x[i] > thr; i--) numSpikes++;
  return {
    method: 'ww', status: 'success', num_spikes: numSpikes, sigma_mp: sigma, mp_softrank: bulkMax / lambdaMax,
    bulk_max: bulkMax / s2, bulk_min: bulkMin / s2, W_scale: Wscale, Q, num_evals: n,
    fit_law: Q === 1 ? 'QC SSD' : 'MP ESD', resid: nm.fx, fmin_evals: nm.evals,
  };
}
