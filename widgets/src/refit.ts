/**
 * The browser-side refit: esdlab's own core power-law fit (src/core/powerlaw.ts, bundled into the
 * widget and the report), with xmin fixed to the slider's eigenvalue and xmax either none or the
 * truncating bound (the core's exact truncated MLE).
 */
import { fitPowerLaw } from '../../src/core/powerlaw';
import type { FitView } from '../../src/viz/types';

/** Result of {@link coreRefit}: the fit (null when the core refuses, e.g. < 2 points) and why not. */
export interface RefitResult {
  /** The fit, or null. */
  fit: FitView | null;
  /** Error/status message when fit is null. */
  reason?: string;
  /** Milliseconds the core fit took (performance.now based). */
  ms: number;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Refits the eigenvalues with the core's `fitPowerLaw` at a fixed window.
 * @param values - the eigenvalues (sorted ascending is fastest).
 * @param xmin - the lower bound (an eigenvalue when it comes from the sliders).
 * @param xmax - the upper bound, or null for none.
 */
export function coreRefit(values: ArrayLike<number>, xmin: number, xmax: number | null): RefitResult {
  const t0 = now();
  try {
    const opts: { xmin: number; xmax?: number } = { xmin };
    if (xmax !== null) opts.xmax = xmax;
    const f = fitPowerLaw(values, opts);
    const ms = now() - t0;
    if (f.status !== 'success' || !Number.isFinite(f.alpha)) return { fit: null, reason: f.reason ?? 'fit failed', ms };
    return { fit: { alpha: f.alpha, xmin: f.xmin, xmax: f.xmax ?? null, D: f.D, sigma: f.sigma, nTail: f.nTail }, ms };
  } catch (e) {
    return { fit: null, reason: e instanceof Error ? e.message : String(e), ms: now() - t0 };
  }
}
