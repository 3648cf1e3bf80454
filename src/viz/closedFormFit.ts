/**
 * The closed-form power-law estimate on a window [xmin, xmax], exactly as the kernel-free vega-lite
 * spec computes it with transforms (this is its TypeScript twin; tests hold the two together).
 *
 * α = 1 + n / Σ ln(λ/xmin) over the n eigenvalues in the window. That is the continuous MLE when
 * the tail is not truncated (xmax at or above the largest eigenvalue); with a truncating xmax it is
 * only the window-restricted estimate, not the exact truncated MLE the core's `fitPowerLaw` solves
 * numerically. D = max over window points of |ECDF − F|, with ECDF(λ) = #{window ≤ λ}/n and F the
 * power-law CDF, renormalized on [xmin, xmax] when xmax truncates.
 * @packageDocumentation
 */
import { EsdlabError } from '../core/errors';

/** Relative tolerance of the window bounds (a slider's xmin may be an eigenvalue up to rounding). */
export const WINDOW_TOLERANCE = 1e-10;

/** Result of {@link closedFormFit}. `alpha`, `D`, `sigma` are null when fewer than 2 points or Σ ln = 0. */
export interface ClosedFormFit {
  /** Exponent estimate, or null. */
  alpha: number | null;
  /** KS distance (convention above), or null. */
  D: number | null;
  /** (α − 1)/√n, or null. */
  sigma: number | null;
  /** Points in the window. */
  nTail: number;
  /** Points above xmax. */
  nAbove: number;
  /** Whether xmax truncates (lies below the largest value). */
  truncated: boolean;
  /** Why alpha is null, when it is. */
  reason?: string;
}

/**
 * Closed-form window fit (see the module comment).
 * @param values - eigenvalues, any order; must be finite.
 * @param xmin - lower bound (> 0).
 * @param xmax - upper bound, or null for no upper bound.
 */
export function closedFormFit(values: ArrayLike<number>, xmin: number, xmax: number | null): ClosedFormFit {
  if (!(xmin > 0) || !Number.isFinite(xmin)) throw new EsdlabError('INVALID_ARGUMENT', `closedFormFit: xmin must be a positive finite number, got ${xmin}`);
  if (xmax !== null && !(xmax >= xmin)) throw new EsdlabError('INVALID_ARGUMENT', `closedFormFit: xmax (${xmax}) must be ≥ xmin (${xmin})`);
  const lo = xmin * (1 - WINDOW_TOLERANCE);
  const hi = xmax === null ? Infinity : xmax * (1 + WINDOW_TOLERANCE);
  const tail: number[] = [];
  let nAbove = 0;
  let maxV = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new EsdlabError('NON_FINITE', `closedFormFit: non-finite value ${v}`, { index: i });
    if (v > maxV) maxV = v;
    if (v >= lo && v <= hi) tail.push(v);
    else if (v > hi) nAbove++;
  }
  const truncated = xmax !== null && xmax < maxV * (1 - 1e-12);
  const n = tail.length;
  let slx = 0;
  for (const v of tail) slx += Math.log(v / xmin);
  if (n < 2 || !(slx > 0)) {
    return { alpha: null, D: null, sigma: null, nTail: n, nAbove, truncated, reason: n < 2 ? 'fewer than 2 points in [xmin, xmax]' : 'all window points equal xmin' };
  }
  const alpha = 1 + n / slx;
  const r = truncated ? Math.pow((xmax as number) / xmin, 1 - alpha) : 0;
  tail.sort((a, b) => a - b);
  let D = 0;
  for (let i = 0; i < n; i++) {
    // cume_dist: rank of the last tied value
    let j = i;
    while (j + 1 < n && tail[j + 1] === tail[i]) j++;
    const ecdf = (j + 1) / n;
    for (let k = i; k <= j; k++) {
      const F = (1 - Math.pow(tail[k] / xmin, 1 - alpha)) / (1 - r);
      const d = Math.abs(ecdf - F);
      if (d > D) D = d;
    }
    i = j;
  }
  return { alpha, D, sigma: (alpha - 1) / Math.sqrt(n), nTail: n, nAbove, truncated };
}
