/**
 * Tracy–Widom (TW) edge scale and spike thresholds for the Marchenko–Pastur bulk edge.
 *
 * For X = WᵀW/N (W N×M, N ≥ M, i.i.d. entries of variance σ²), the largest bulk eigenvalue fluctuates
 * around λ⁺ on Johnstone's (2001) scale
 *
 *   s_TW = σ^(2/3) · Q^(−1/2) · (λ⁺)^(2/3) · M^(−2/3),
 *
 * i.e. (λ_max − λ⁺)/s_TW → TW₁ (Johnstone's μ_NM/N and σ_NM/N at leading order; derivation in
 * phases-and-theory.md §4). WeightWatcher's `TW` quantity (mp_fit, rescaled to σ = 1) is the same
 * number; WeightWatcher then counts spikes above λ⁺ + √TW (it treats TW as a variance), a margin 5–18
 * TW units wide. esdlab classifies with λ⁺ + c·s_TW, c = 3 (TW₁'s 99th percentile is 2.02; the extra
 * unit absorbs the σ estimate's error), and reports both counts.
 */

/**
 * Known constants of the GOE Tracy–Widom law TW₁ (Tracy & Widom 1996; values as tabulated by
 * Bornemann 2010, "On the numerical evaluation of distributions in random matrix theory").
 */
export const TW1 = {
  /** Mean of TW₁. */
  mean: -1.2065335745820,
  /** Standard deviation of TW₁ (√1.6077810345810). */
  sd: 1.2679830577,
  /** 95th percentile. */
  q95: 0.9793,
  /** 99th percentile. */
  q99: 2.0234,
} as const;

/** Default number of TW scale units above λ⁺ for the classification spike threshold. */
export const TW_MARGIN_UNITS = 3;

/**
 * Johnstone's TW scale s_TW = σ^(2/3) Q^(−1/2) (λ⁺)^(2/3) M^(−2/3) (same units as λ).
 * @param lambdaPlus the MP upper edge λ⁺ (σ²(1 + 1/√Q)²).
 * @param Q aspect ratio N/M ≥ 1.
 * @param M the smaller dimension (number of eigenvalues of one slice).
 * @param sigma entry scale σ; pass 1 for WeightWatcher's quantity (it rescales to mean 1 first).
 */
export function twScale(lambdaPlus: number, Q: number, M: number, sigma = 1): number {
  return Math.pow(sigma, 2 / 3) * Math.pow(Q, -0.5) * Math.pow(lambdaPlus, 2 / 3) * Math.pow(M, -2 / 3);
}

/** Spike thresholds at the MP edge. */
export interface SpikeThresholds {
  /** λ⁺ used. */
  lambdaPlus: number;
  /** s_TW (see {@link twScale}). */
  sTW: number;
  /** c used for {@link SpikeThresholds.tau}. */
  c: number;
  /** Calibrated threshold τ = λ⁺ + c·s_TW. */
  tau: number;
  /** WeightWatcher's threshold λ⁺ + √s_TW (with s_TW computed at σ = 1, as WW does in mean-1 units). */
  tauWW: number;
}

/**
 * Spike thresholds for an MP bulk of scale `sigma` (σ, not σ²) and aspect ratio `Q` with `M`
 * eigenvalues: τ = λ⁺ + c s_TW, and WeightWatcher's λ⁺ + √(s_TW at σ = 1). The ww threshold is only
 * meaningful in WW's mean-1 units (eigenvalues rescaled so that their mean is 1).
 */
export function spikeThresholds(sigma: number, Q: number, M: number, c = TW_MARGIN_UNITS): SpikeThresholds {
  const r = 1 / Math.sqrt(Q);
  const lambdaPlus = sigma * sigma * (1 + r) * (1 + r);
  const sTW = twScale(lambdaPlus, Q, M, sigma);
  const twWW = twScale(lambdaPlus, Q, M, 1);
  return { lambdaPlus, sTW, c, tau: lambdaPlus + c * sTW, tauWW: lambdaPlus + Math.sqrt(twWW) };
}

/** Number of values strictly above `threshold`. */
export function countAbove(values: ArrayLike<number>, threshold: number): number {
  let k = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > threshold) k++;
  return k;
}
