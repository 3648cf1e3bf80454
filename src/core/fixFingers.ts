/**
 * "Fix fingers": guards against a few outlying large eigenvalues (finite-size "fingers") that
 * inflate the power-law alpha, as WeightWatcher's `fix_fingers` option does — done correctly, with
 * a `ww` flag that reproduces WeightWatcher 0.7.5.5 exactly (see weightwatcher.md §b4).
 *
 * `clipXmax` — correct version: fit all values (raw fit); then for k = 1 … maxFingers, fit with the
 * k largest values removed; the first k whose alpha is below raw alpha − fingerThresh is reported,
 * with numFingers = k (the number actually removed). The search stops early (keeping the raw fit)
 * when a clipped alpha falls to ≤ minAlpha (WW's guard, default 2.0). WW (`ww: true`) instead starts
 * at k = 2 (so it never tries removing one eigenvalue alone), reports numFingers = k − 1 (one fewer
 * than it removed), stops at k = maxFingers − 1, and resets maxFingers to 10 unless it is ≥ n/2.
 *
 * `xminPeak` — correct version: the xmin search is restricted to [lowFactor·peak, xminMax]
 * (default [0.95·peak, 1.5·peak]) where peak is the left edge (in linear units) of the fullest of
 * `bins` equal-width bins of log10(values). WW (`ww: true`) passes the lower bound as
 * log10(0.95·peak) — a log10 value mixed with a linear upper bound — which usually disables the
 * lower bound; that is reproduced.
 */
import { EsdlabError, isEsdlabError } from './errors';
import { fitPowerLaw, type PowerLawFit, type PowerLawFitOptions } from './powerlaw';

/** Options of {@link clipXmax}. */
export interface ClipXmaxOptions {
  /** Fit options used for every fit (e.g. `{ candidates: 'ww', floor: 1e-5 }`). `xmin` range allowed. */
  fit?: PowerLawFitOptions;
  /** Max number of values to remove (default 10). */
  maxFingers?: number;
  /** Alpha must drop by more than this below the raw alpha (default 1.0). */
  fingerThresh?: number;
  /** Stop (keep the raw fit) when a clipped alpha is ≤ this (default 2.0; null disables). */
  minAlpha?: number | null;
  /** Reproduce WeightWatcher 0.7.5.5 exactly (off-by-one included). Default false. */
  ww?: boolean;
}

/** Result of {@link clipXmax}. */
export interface ClipXmaxResult {
  /** The reported fit (clipped or raw). */
  fit: PowerLawFit;
  /** Number of largest values removed for the reported fit (WW mode: WW's count, one less). */
  numFingers: number;
  /** Number of values actually removed for the reported fit. */
  removed: number;
  /** Alpha of the fit on all values. */
  rawAlpha: number;
  /** The fit on all values. */
  rawFit: PowerLawFit;
  /** Alphas tried, by number of values removed (`alphas[k]`, null when that k was not tried). */
  alphasByRemoved: (number | null)[];
  /** Options used. */
  options: { maxFingers: number; fingerThresh: number; minAlpha: number | null; ww: boolean; fit: PowerLawFitOptions };
}

function sortedPositive(values: ArrayLike<number>, floor: number): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new EsdlabError('NON_FINITE', `fix fingers: value ${String(v)} is not a finite number`, { index: i });
    if (v < 0) throw new EsdlabError('NEGATIVE_VALUE', `fix fingers: negative value ${v}`, { index: i });
    if (v > floor) out.push(v);
  }
  return Float64Array.from(out).sort();
}

/**
 * Clips the largest values ("fingers") while that lowers alpha by more than `fingerThresh`
 * (see the module documentation for the exact rule and WW's variant).
 * @param values eigenvalues (any order)
 * @param options see {@link ClipXmaxOptions}
 */
export function clipXmax(values: ArrayLike<number>, options: ClipXmaxOptions = {}): ClipXmaxResult {
  const ww = options.ww === true;
  const fitOpts: PowerLawFitOptions = { ...(options.fit ?? {}) };
  let maxFingers = options.maxFingers ?? 10;
  const fingerThresh = options.fingerThresh ?? 1.0;
  const minAlpha = options.minAlpha === undefined ? 2.0 : options.minAlpha;
  if (!Number.isInteger(maxFingers) || maxFingers < 1) throw new EsdlabError('INVALID_ARGUMENT', `clipXmax: maxFingers must be an integer ≥ 1 (got ${maxFingers})`);
  if (!Number.isFinite(fingerThresh) || fingerThresh < 0) throw new EsdlabError('INVALID_ARGUMENT', `clipXmax: fingerThresh must be ≥ 0 (got ${fingerThresh})`);
  const x = sortedPositive(values, fitOpts.floor ?? 0);
  const n = x.length;
  if (ww && maxFingers < n / 2) maxFingers = 10;
  const rawFit = fitPowerLaw(x, fitOpts);
  const alphas: (number | null)[] = [rawFit.alpha];
  let best = rawFit, removed = 0, numFingers = 0;
  const kFirst = ww ? 2 : 1;
  const kLast = ww ? maxFingers - 1 : maxFingers;
  for (let k = kFirst; k <= kLast; k++) {
    if (n - k < 2) break;
    const opts: PowerLawFitOptions = { ...fitOpts };
    // WW with an xmax sets it to the smallest removed value; an exact xmax is the largest kept one
    if (fitOpts.xmax !== undefined) opts.xmax = ww ? x[n - k] : x[n - k - 1];
    let f: PowerLawFit;
    try {
      f = fitPowerLaw(x.subarray(0, n - k), opts);
    } catch (e) {
      if (isEsdlabError(e)) break; // too few points (or distinct values) left to fit
      throw e;
    }
    while (alphas.length < k) alphas.push(null);
    alphas[k] = f.alpha;
    if (f.alpha + fingerThresh < rawFit.alpha) {
      best = f; removed = k; numFingers = ww ? k - 1 : k;
      break;
    }
    if (minAlpha !== null && f.alpha <= minAlpha) break;
  }
  return {
    fit: best, numFingers, removed, rawAlpha: rawFit.alpha, rawFit, alphasByRemoved: alphas,
    options: { maxFingers, fingerThresh, minAlpha, ww, fit: fitOpts },
  };
}

/** Options of {@link xminPeak}. */
export interface XminPeakOptions {
  /** Fit options (the `xmin` option is replaced by the peak range). */
  fit?: PowerLawFitOptions;
  /** Number of equal-width log10 bins used to find the peak (default 100, as WW). */
  bins?: number;
  /** Lower end of the range as a multiple of the peak (default 0.95). */
  lowFactor?: number;
  /** Upper end of the xmin range (default 1.5 × peak). */
  xminMax?: number;
  /** Reproduce WeightWatcher 0.7.5.5's mixed log/linear range. Default false. */
  ww?: boolean;
}

/** Result of {@link xminPeak}. */
export interface XminPeakResult {
  /** The fit with xmin searched in `range`. */
  fit: PowerLawFit;
  /** ESD peak: left edge (linear units) of the fullest log10 bin. */
  peak: number;
  /** The xmin search range that was used, [lo, hi]. */
  range: [number, number];
  /** Options used. */
  options: { bins: number; lowFactor: number; xminMax: number; ww: boolean; fit: PowerLawFitOptions };
}

/**
 * Index of the fullest bin of an equal-width histogram of `v` over [min, max] with `nb` bins,
 * assigning values exactly as numpy.histogram does (last bin closed; first maximum wins).
 * Returns the bin index and the bin edges.
 */
function peakBin(v: Float64Array, nb: number): { index: number; edges: Float64Array } {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < v.length; i++) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i]; }
  if (lo === hi) { lo -= 0.5; hi += 0.5; }
  const edges = new Float64Array(nb + 1);
  const step = (hi - lo) / nb;
  for (let i = 0; i < nb; i++) edges[i] = lo + i * step;
  edges[nb] = hi;
  const counts = new Float64Array(nb);
  const norm = nb / (hi - lo);
  for (let i = 0; i < v.length; i++) {
    const a = v[i];
    let k = Math.floor((a - lo) * norm);
    if (k >= nb) k = nb - 1;
    if (k < 0) k = 0;
    if (a < edges[k]) k--;
    else if (k !== nb - 1 && a >= edges[k + 1]) k++;
    counts[k]++;
  }
  let best = 0;
  for (let k = 1; k < nb; k++) if (counts[k] > counts[best]) best = k;
  return { index: best, edges };
}

/**
 * Fits with xmin searched only near the peak of the ESD (see the module documentation).
 * @param values eigenvalues (any order)
 * @param options see {@link XminPeakOptions}
 */
export function xminPeak(values: ArrayLike<number>, options: XminPeakOptions = {}): XminPeakResult {
  const ww = options.ww === true;
  const fitOpts: PowerLawFitOptions = { ...(options.fit ?? {}) };
  const bins = options.bins ?? 100;
  const lowFactor = options.lowFactor ?? 0.95;
  if (!Number.isInteger(bins) || bins < 1) throw new EsdlabError('INVALID_ARGUMENT', `xminPeak: bins must be an integer ≥ 1 (got ${bins})`);
  const x = sortedPositive(values, fitOpts.floor ?? 0);
  if (x.length < 2) throw new EsdlabError('TOO_FEW_POINTS', `xminPeak: need at least 2 positive values (got ${x.length})`);
  const lg = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) lg[i] = Math.log10(x[i]);
  const { index, edges } = peakBin(lg, bins);
  const peak = Math.pow(10, edges[index]);
  const xminMax = options.xminMax ?? 1.5 * peak;
  const a = ww ? Math.log10(lowFactor * peak) : lowFactor * peak;
  const range: [number, number] = [Math.min(a, xminMax), Math.max(a, xminMax)];
  const fit = fitPowerLaw(x, { ...fitOpts, xmin: range });
  return { fit, peak, range, options: { bins, lowFactor, xminMax, ww, fit: fitOpts } };
}
