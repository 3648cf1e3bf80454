/**
 * Seeded random matrices and samples for tests, notebooks and the phase zoo.
 *
 * Which heavy tail is which (μ = tail exponent of the |entries|, P(|x| > t) ~ t^−μ):
 * - **Pareto** (true Pareto, type I): P(X > t) = (t/s)^−μ for t ≥ s (scale s, default 1);
 *   X = s·U^(−1/μ). Density μ s^μ / x^(μ+1). Support starts at s, so |entries| ≥ s.
 * - **Lomax** (Pareto type II): P(X > t) = (1 + t/s)^−μ for t ≥ 0; X = s·(U^(−1/μ) − 1).
 *   **numpy's `np.random.pareto(a)` is Lomax with μ = a** (support from 0), so the Martin–Mahoney
 *   notebooks' `W = np.random.pareto(mu, size)` matrices are Lomax matrices (all entries positive).
 * - Both have the same tail exponent μ (density ~ x^−(μ+1)); the HT-SR universality classes use μ.
 * - `signs: 'symmetric'` (default) multiplies each entry by an independent ±1, giving a symmetric
 *   distribution; `'positive'` keeps numpy's all-positive entries.
 *
 * {@link powerLawSample} draws from a continuous power-law *density* p(x) ∝ x^−α, x ≥ xmin
 * (Clauset et al.), i.e. a Pareto with μ = α − 1 — the convention of power-law fits.
 *
 * All generators use {@link createRng} (xoshiro128**) and are deterministic for a seed.
 */
import { EsdlabError } from './errors';
import type { DenseTensor } from './matrix';
import { createRng, type Rng } from './rng';

/** Element storage of generated matrices. */
export type RandomDtype = 'float64' | 'float32';

/** Common options of the matrix generators. */
export interface RandomMatrixOptions {
  /** Seed for {@link createRng} (default 0). */
  seed?: number;
  /** Storage type (default 'float64'). */
  dtype?: RandomDtype;
}

/** Options of the heavy-tailed generators. */
export interface HeavyTailedOptions extends RandomMatrixOptions {
  /** Scale s (default 1). */
  scale?: number;
  /** 'symmetric' (default): random ±1 signs; 'positive': all entries ≥ 0. */
  signs?: 'symmetric' | 'positive';
}

function checkDims(rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new EsdlabError('INVALID_ARGUMENT', `matrix dimensions must be positive integers, got ${rows}×${cols}`);
  }
}
function checkPositive(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new EsdlabError('INVALID_ARGUMENT', `${name} must be a positive finite number, got ${v}`);
}
function alloc(n: number, dtype: RandomDtype | undefined): Float64Array | Float32Array {
  if (dtype === undefined || dtype === 'float64') return new Float64Array(n);
  if (dtype === 'float32') return new Float32Array(n);
  throw new EsdlabError('INVALID_ARGUMENT', `dtype must be 'float64' or 'float32', got '${String(dtype)}'`);
}
/** Uniform in (0, 1] (never 0, so U^(−1/μ) is finite). */
const uOpen = (r: Rng): number => 1 - r.next();

/** rows × cols matrix of i.i.d. N(0, sigma²) entries (default sigma 1). */
export function gaussianMatrix(rows: number, cols: number, options: RandomMatrixOptions & { sigma?: number } = {}): DenseTensor {
  checkDims(rows, cols);
  const sigma = options.sigma ?? 1;
  checkPositive('sigma', sigma);
  const r = createRng(options.seed ?? 0);
  const data = alloc(rows * cols, options.dtype);
  for (let i = 0; i < data.length; i++) data[i] = sigma * r.normal();
  return { data, shape: [rows, cols] };
}

function heavy(rows: number, cols: number, mu: number, options: HeavyTailedOptions, lomax: boolean): DenseTensor {
  checkDims(rows, cols);
  checkPositive('mu', mu);
  const scale = options.scale ?? 1;
  checkPositive('scale', scale);
  const signs = options.signs ?? 'symmetric';
  if (signs !== 'symmetric' && signs !== 'positive') throw new EsdlabError('INVALID_ARGUMENT', `signs must be 'symmetric' or 'positive'`);
  const r = createRng(options.seed ?? 0);
  const data = alloc(rows * cols, options.dtype);
  const inv = -1 / mu;
  for (let i = 0; i < data.length; i++) {
    let x = Math.pow(uOpen(r), inv);
    if (lomax) x -= 1;
    x *= scale;
    if (signs === 'symmetric' && r.next() < 0.5) x = -x;
    data[i] = x;
  }
  return { data, shape: [rows, cols] };
}

/** rows × cols matrix of true-Pareto entries, P(|x| > t) = (t/scale)^−μ for t ≥ scale, signs per `options.signs`. */
export function paretoMatrix(rows: number, cols: number, mu: number, options: HeavyTailedOptions = {}): DenseTensor {
  return heavy(rows, cols, mu, options, false);
}

/** rows × cols matrix of Lomax entries (numpy's `pareto(mu)`), P(|x| > t) = (1 + t/scale)^−μ, signs per `options.signs`. */
export function lomaxMatrix(rows: number, cols: number, mu: number, options: HeavyTailedOptions = {}): DenseTensor {
  return heavy(rows, cols, mu, options, true);
}

/**
 * n draws from the continuous power-law density p(x) = (α−1)/xmin · (x/xmin)^−α, x ≥ xmin (α > 1):
 * x = xmin·U^(−1/(α−1)). Returned as a Float64Array in draw order.
 */
export function powerLawSample(n: number, alpha: number, options: { xmin?: number; seed?: number } = {}): Float64Array {
  if (!Number.isInteger(n) || n < 0) throw new EsdlabError('INVALID_ARGUMENT', `sample size must be a non-negative integer, got ${n}`);
  if (!(alpha > 1) || !Number.isFinite(alpha)) throw new EsdlabError('INVALID_ARGUMENT', `power-law density exponent alpha must be > 1, got ${alpha}`);
  const xmin = options.xmin ?? 1;
  checkPositive('xmin', xmin);
  const r = createRng(options.seed ?? 0);
  const out = new Float64Array(n);
  const inv = -1 / (alpha - 1);
  for (let i = 0; i < n; i++) out[i] = xmin * Math.pow(uOpen(r), inv);
  return out;
}

/** n draws from the exponential distribution with rate λ (mean 1/λ), shifted to start at `xmin` (default 0). */
export function exponentialSample(n: number, rate: number, options: { xmin?: number; seed?: number } = {}): Float64Array {
  if (!Number.isInteger(n) || n < 0) throw new EsdlabError('INVALID_ARGUMENT', `sample size must be a non-negative integer, got ${n}`);
  checkPositive('rate', rate);
  const xmin = options.xmin ?? 0;
  const r = createRng(options.seed ?? 0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = xmin - Math.log(uOpen(r)) / rate;
  return out;
}

/** n draws from the lognormal distribution exp(N(mu, sigma²)). */
export function lognormalSample(n: number, mu: number, sigma: number, options: { seed?: number } = {}): Float64Array {
  if (!Number.isInteger(n) || n < 0) throw new EsdlabError('INVALID_ARGUMENT', `sample size must be a non-negative integer, got ${n}`);
  checkPositive('sigma', sigma);
  const r = createRng(options.seed ?? 0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(mu + sigma * r.normal());
  return out;
}

/**
 * n positive Lomax draws, P(X > t) = (1 + t/scale)^−μ — exactly what numpy's `np.random.pareto(mu, n)`
 * samples (times `scale`, default 1). Density tail exponent μ + 1.
 */
export function lomaxSample(n: number, mu: number, options: { scale?: number; seed?: number } = {}): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new EsdlabError('INVALID_ARGUMENT', `sample size must be a positive integer, got ${n}`);
  return lomaxMatrix(1, n, mu, { ...options, signs: 'positive' }).data as Float64Array;
}

/** n positive true-Pareto draws, P(X > t) = (t/scale)^−μ for t ≥ scale (= {@link powerLawSample} with α = μ + 1). */
export function paretoSample(n: number, mu: number, options: { scale?: number; seed?: number } = {}): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new EsdlabError('INVALID_ARGUMENT', `sample size must be a positive integer, got ${n}`);
  return paretoMatrix(1, n, mu, { ...options, signs: 'positive' }).data as Float64Array;
}
