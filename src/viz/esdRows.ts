/**
 * Data preparation for the ESD explorer: log-binned density, CCDF points, Marchenko–Pastur curve.
 * Pure functions returning plain rows; the spec builder stacks them into one dataset.
 * @packageDocumentation
 */
import { EsdlabError } from '../core/errors';
import type { MpView } from './types';

/** One logarithmic histogram bin: [x0, x1), its count and density count/(n·width). */
export interface LogBin {
  /** Left edge. */
  x0: number;
  /** Right edge. */
  x1: number;
  /** Eigenvalues in the bin (the last bin is closed). */
  count: number;
  /** count / (n · (x1 − x0)), with n the number of positive values binned. */
  density: number;
}

/** Sorted copy of the positive values; throws a typed error on NaN/Inf. */
export function positiveSorted(values: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new EsdlabError('NON_FINITE', `eigenvalue ${i} is not a finite number (${String(v)})`, { index: i });
    }
    if (v > 0) out.push(v);
  }
  const a = Float64Array.from(out);
  a.sort();
  return a;
}

/** Log-binned density of sorted positive values (`bins` equal-width bins in log λ). */
export function logBinnedDensity(sorted: Float64Array, bins: number): LogBin[] {
  const n = sorted.length;
  if (n === 0) return [];
  let lo = sorted[0];
  let hi = sorted[n - 1];
  if (hi <= lo * (1 + 1e-12)) { lo = lo / 1.05; hi = hi * 1.05; }
  const b = Math.max(1, Math.floor(bins));
  const ratio = Math.log(hi / lo);
  const edges: number[] = [];
  for (let i = 0; i <= b; i++) edges.push(i === b ? hi : lo * Math.exp((ratio * i) / b));
  const counts = new Array<number>(b).fill(0);
  for (let i = 0; i < n; i++) {
    let k = Math.floor((Math.log(sorted[i] / lo) / ratio) * b);
    if (k < 0) k = 0;
    if (k >= b) k = b - 1;
    // guard rounding at the edges
    while (k > 0 && sorted[i] < edges[k]) k--;
    while (k < b - 1 && sorted[i] >= edges[k + 1]) k++;
    counts[k]++;
  }
  return counts.map((c, k) => ({ x0: edges[k], x1: edges[k + 1], count: c, density: c / (n * (edges[k + 1] - edges[k])) }));
}

/**
 * CCDF points (λ, fraction of values ≥ λ) of sorted values, subsampled to at most `maxPoints`
 * log-spaced ranks (the largest values are always kept: they are the tail).
 */
export function ccdfPoints(sorted: Float64Array, maxPoints: number): { ev: number; ccdf: number }[] {
  const n = sorted.length;
  const pts: { ev: number; ccdf: number }[] = [];
  if (n === 0) return pts;
  const take = new Set<number>();
  if (n <= maxPoints) for (let i = 0; i < n; i++) take.add(i);
  else {
    // ranks from the top: r = n-1-i in log spacing, dense where the tail is
    const m = Math.max(2, maxPoints);
    for (let j = 0; j < m; j++) {
      const r = Math.round(Math.exp((Math.log(n) * j) / (m - 1))) - 1;
      take.add(n - 1 - Math.min(n - 1, Math.max(0, r)));
    }
  }
  for (const i of Array.from(take).sort((a, b) => a - b)) pts.push({ ev: sorted[i], ccdf: (n - i) / n });
  return pts;
}

/** The bulk edges λ± = σ²(1 ± Q^−1/2)² of a Marchenko–Pastur law with Q = N/M ≥ 1. */
export function mpViewEdges(mp: MpView): { lambdaMinus: number; lambdaPlus: number } {
  if (!(mp.sigma2 > 0) || !(mp.Q >= 1)) throw new EsdlabError('INVALID_ARGUMENT', `MP overlay needs sigma2 > 0 and Q ≥ 1 (got sigma2=${mp.sigma2}, Q=${mp.Q})`);
  const s = 1 / Math.sqrt(mp.Q);
  return {
    lambdaMinus: mp.lambdaMinus ?? mp.sigma2 * (1 - s) * (1 - s),
    lambdaPlus: mp.lambdaPlus ?? mp.sigma2 * (1 + s) * (1 + s),
  };
}

/**
 * Points of the Marchenko–Pastur density ρ(λ) = Q·√((λ+ − λ)(λ − λ−)) / (2π σ² λ) on (λ−, λ+),
 * spaced by λ = λ− + (λ+ − λ−)·sin²(πt/2) so both edges are resolved. Normalized to 1 (the M×M ESD
 * of WᵀW/N, Q = N/M ≥ 1), i.e. comparable with {@link logBinnedDensity}.
 */
export function mpCurve(mp: MpView, points: number): { x: number; density: number }[] {
  const { lambdaMinus, lambdaPlus } = mpViewEdges(mp);
  const out: { x: number; density: number }[] = [];
  const m = Math.max(4, Math.floor(points));
  for (let i = 0; i < m; i++) {
    const t = (i + 0.5) / m;
    const s = Math.sin((Math.PI * t) / 2);
    const x = lambdaMinus + (lambdaPlus - lambdaMinus) * s * s;
    if (!(x > 0)) continue;
    const y = (mp.Q * Math.sqrt(Math.max(0, (lambdaPlus - x) * (x - lambdaMinus)))) / (2 * Math.PI * mp.sigma2 * x);
    if (y > 0 && Number.isFinite(y)) out.push({ x, density: y });
  }
  return out;
}
