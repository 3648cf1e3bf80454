/**
 * The Marchenko–Pastur (MP) law: density, CDF, quantiles and edges for any aspect ratio Q = N/M ≥ 1
 * and entry scale σ, plus the quarter-circle law of singular values at Q = 1.
 *
 * Convention (Martin & Mahoney; phases-and-theory.md §2): W is N×M with N ≥ M and i.i.d. entries of
 * variance σ²; X = WᵀW/N; as N, M → ∞ with Q fixed, the eigenvalues of X follow
 *
 *   ρ(λ) = Q / (2π σ² λ) · √((λ⁺ − λ)(λ − λ⁻))  on [λ⁻, λ⁺],   λ^± = σ² (1 ± 1/√Q)².
 *
 * Its mean is σ² and its variance σ⁴/Q. `sigma` everywhere below is σ (the entry standard deviation,
 * WeightWatcher's `sigma_mp`), not σ².
 *
 * The CDF uses the substitution λ(θ) = λ⁻ + (λ⁺ − λ⁻) sin²(θ/2), θ ∈ [0, π], under which ρ dλ becomes
 * Q(λ⁺ − λ⁻)² sin²θ / (8π σ² λ(θ)) dθ. That integrand has the elementary antiderivative used in
 * {@link mpCdf} (derivation in the function's comment), which stays finite and accurate at Q = 1 where
 * ρ ~ λ^(−1/2) near 0 — a naive λ-grid quadrature is off in the 2nd decimal there.
 */
import { EsdlabError } from './errors';

/** Lower and upper MP bulk edges. */
export interface MpEdges {
  /** λ⁻ = σ² (1 − 1/√Q)². */
  lambdaMinus: number;
  /** λ⁺ = σ² (1 + 1/√Q)². */
  lambdaPlus: number;
}

function checkParams(Q: number, sigma: number): void {
  if (!(Number.isFinite(Q) && Q >= 1)) {
    throw new EsdlabError('INVALID_ARGUMENT', `Marchenko–Pastur needs an aspect ratio Q = N/M ≥ 1 (got ${Q})`);
  }
  if (!(Number.isFinite(sigma) && sigma > 0)) {
    throw new EsdlabError('INVALID_ARGUMENT', `Marchenko–Pastur needs a scale sigma > 0 (got ${sigma})`);
  }
}

/** Bulk edges λ^± = σ²(1 ± 1/√Q)² for aspect ratio `Q` ≥ 1 and entry scale `sigma` (σ, not σ²). */
export function mpEdges(Q: number, sigma = 1): MpEdges {
  checkParams(Q, sigma);
  const r = 1 / Math.sqrt(Q);
  const s2 = sigma * sigma;
  return { lambdaMinus: s2 * (1 - r) * (1 - r), lambdaPlus: s2 * (1 + r) * (1 + r) };
}

/**
 * MP density ρ(λ) (integrates to 1 over [λ⁻, λ⁺]); 0 outside the bulk. At Q = 1 and λ → 0⁺ the
 * density diverges like λ^(−1/2); `mpDensity(0, 1)` returns `Infinity`.
 */
export function mpDensity(lambda: number, Q: number, sigma = 1): number {
  const { lambdaMinus: a, lambdaPlus: b } = mpEdges(Q, sigma);
  if (!(lambda >= a && lambda <= b)) return 0;
  if (lambda === 0) return Infinity;
  const p = (b - lambda) * (lambda - a);
  return p <= 0 ? 0 : (Q / (2 * Math.PI * sigma * sigma * lambda)) * Math.sqrt(p);
}

/**
 * CDF in the angle variable: F(λ(θ)) for θ ∈ [0, π]. Closed form of ∫₀^θ Q(λ⁺−λ⁻)² sin²t/(8πσ²λ(t)) dt:
 * with A = (λ⁺+λ⁻)/2, B = (λ⁺−λ⁻)/2, λ(t) = A − B cos t and
 * sin²t/(A − B cos t) = cos t/B + A/B² − (λ⁺λ⁻/B²)/(A − B cos t), the integral is
 * (Q/(2πσ²))·[B sin θ + Aθ − 2√(λ⁺λ⁻)·atan2(√λ⁺ sin(θ/2), √λ⁻ cos(θ/2))].
 */
function cdfTheta(theta: number, Q: number, sigma: number, a: number, b: number): number {
  const A = (a + b) / 2;
  const B = (b - a) / 2;
  const g = Math.sqrt(a * b);
  const at = g === 0 ? 0 : Math.atan2(Math.sqrt(b) * Math.sin(theta / 2), Math.sqrt(a) * Math.cos(theta / 2));
  const v = (Q / (2 * Math.PI * sigma * sigma)) * (B * Math.sin(theta) + A * theta - 2 * g * at);
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function thetaOf(lambda: number, a: number, b: number): number {
  const s = Math.sqrt((lambda - a) / (b - a));
  return 2 * Math.asin(s > 1 ? 1 : s);
}

/** MP cumulative distribution F(λ) = P(eigenvalue ≤ λ); exact closed form (see module comment). */
export function mpCdf(lambda: number, Q: number, sigma = 1): number {
  const { lambdaMinus: a, lambdaPlus: b } = mpEdges(Q, sigma);
  if (Number.isNaN(lambda)) throw new EsdlabError('NON_FINITE', 'mpCdf: lambda is NaN');
  if (lambda <= a) return 0;
  if (lambda >= b) return 1;
  return cdfTheta(thetaOf(lambda, a, b), Q, sigma, a, b);
}

/**
 * MP quantile: the λ with F(λ) = p, p ∈ [0, 1]. Solved by bisection in θ (F is strictly increasing
 * in θ) to full double precision.
 */
export function mpQuantile(p: number, Q: number, sigma = 1): number {
  const { lambdaMinus: a, lambdaPlus: b } = mpEdges(Q, sigma);
  if (!(p >= 0 && p <= 1)) throw new EsdlabError('INVALID_ARGUMENT', `mpQuantile: probability must be in [0, 1] (got ${p})`);
  if (p === 0) return a;
  if (p === 1) return b;
  let lo = 0;
  let hi = Math.PI;
  for (let it = 0; it < 200 && hi - lo > 1e-17; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (cdfTheta(mid, Q, sigma, a, b) < p) lo = mid;
    else hi = mid;
  }
  const th = 0.5 * (lo + hi);
  const s = Math.sin(th / 2);
  return a + (b - a) * s * s;
}

/** Median of the MP law for aspect ratio `Q` and σ = 1 (m_Q in phases-and-theory.md §3e). */
export function mpMedian(Q: number, sigma = 1): number {
  return mpQuantile(0.5, Q, sigma);
}

/** Mean (σ²) and variance (σ⁴/Q) of the MP law. */
export function mpMoments(Q: number, sigma = 1): { mean: number; variance: number } {
  checkParams(Q, sigma);
  const s2 = sigma * sigma;
  return { mean: s2, variance: (s2 * s2) / Q };
}

/**
 * Quarter-circle law of the singular values ν = √λ at Q = 1:
 * ρ(ν) = (1/(π σ²)) √(4σ² − ν²) on [0, 2σ]. (WeightWatcher's `quarter_circle_fun` omits σ inside
 * the square root; its compatible fit in mpFit.ts reproduces that on purpose, this function does not.)
 */
export function quarterCircleDensity(nu: number, sigma = 1): number {
  checkParams(1, sigma);
  const r = 4 * sigma * sigma - nu * nu;
  if (!(nu >= 0) || r <= 0) return 0;
  return Math.sqrt(r) / (Math.PI * sigma * sigma);
}

/** Quarter-circle CDF of the singular values at Q = 1 (equals {@link mpCdf}(ν², 1, σ)). */
export function quarterCircleCdf(nu: number, sigma = 1): number {
  checkParams(1, sigma);
  if (!(nu > 0)) return 0;
  const x = nu / (2 * sigma);
  if (x >= 1) return 1;
  return (2 / Math.PI) * (x * Math.sqrt(1 - x * x) + Math.asin(x));
}

/**
 * Kolmogorov–Smirnov distance sup|F_emp − F_MP| between sorted (ascending) values and the MP law.
 * Uses both one-sided gaps at every sample (the exact sup for a continuous reference CDF).
 */
export function mpKsDistance(sortedValues: ArrayLike<number>, Q: number, sigma = 1): number {
  const n = sortedValues.length;
  if (n === 0) return NaN;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = mpCdf(sortedValues[i], Q, sigma);
    const d1 = (i + 1) / n - f;
    const d2 = f - i / n;
    if (d1 > d) d = d1;
    if (d2 > d) d = d2;
  }
  return d;
}
