/**
 * Ordinary least squares line y = slope·x + intercept with r², for the comparison chart.
 * @packageDocumentation
 */
import { EsdlabError } from '../core/errors';

/** Result of {@link linearFit}. */
export interface LinearFit {
  /** Slope. */
  slope: number;
  /** Intercept. */
  intercept: number;
  /** Coefficient of determination (null when all y are equal). */
  r2: number | null;
  /** Points used. */
  n: number;
}

/** Least-squares line through (x, y) pairs (float64 sums, centred for accuracy); needs ≥ 2 distinct x. */
export function linearFit(xs: number[], ys: number[]): LinearFit {
  if (xs.length !== ys.length) throw new EsdlabError('INVALID_ARGUMENT', `linearFit: ${xs.length} x values but ${ys.length} y values`);
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) throw new EsdlabError('NON_FINITE', `linearFit: point ${i} is not finite`, { index: i });
  }
  if (n < 2) throw new EsdlabError('TOO_FEW_POINTS', `linearFit: need at least 2 points, got ${n}`);
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += xs[i]; my += ys[i]; }
  mx /= n; my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx, dy = ys[i] - my;
    sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
  }
  if (!(sxx > 0)) throw new EsdlabError('INVALID_ARGUMENT', 'linearFit: all x values are equal');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  return { slope, intercept, r2: syy > 0 ? (sxy * sxy) / (sxx * syy) : null, n };
}
