/**
 * Layer metrics of an ESD and the model summary, defined as WeightWatcher 0.7.5.5 defines them
 * (`apply_esd`, `apply_norm_metrics`, `get_summary`). With `normalize: 'none'` (λ = σ²) and the `ww`
 * preset the values equal WeightWatcher's columns; with `normalize: 'N'` the same formulas are applied
 * to λ = σ²/N (scale-dependent metrics then differ by the factor N, as they should).
 *
 * Definitions (λ = pooled eigenvalues, σ = singular values of the (conv-scaled) matrix,
 * σ = √(λ·N) when `normalize: 'N'`, else √λ):
 * - `norm` = Σλ, `log_norm` = log10 Σλ, `lambda_max` = `spectral_norm` = max λ,
 *   `log_spectral_norm` = log10 λ_max, `stable_rank` = Σλ / λ_max.
 * - `alpha_weighted` = α·log10 λ_max, `log_alpha_norm` = log10 Σ λ_i^α (all eigenvalues, bulk included).
 * - `sv_max` = max σ; `sv_min` = **max over slices** of each slice's smallest σ (WeightWatcher's
 *   `np.max` convention; for a dense layer simply the smallest σ).
 * - `matrix_rank` = #{σ > tol} on the pooled spectrum; `rank_loss` = **Σ over slices** of
 *   (M − #{σ > tol_slice}); `weak_rank_loss` = #{λ < tolerance} (default 1e-6, absolute).
 * - `entropy` = −Σ p_i ln p_i / ln(rank + 1e-10) with p_i = λ_i/Σλ + 1e-10.
 * - `warning` = 'over-trained' if α < 2, 'under-trained' if α > 6, else ''.
 *
 * Rank tolerance: WeightWatcher uses σ > σ_max·N·ε (ε = 2.22e-16, numpy's matrix_rank rule on the
 * singular values from an SVD). Eigenvalues obtained through the Gram matrix WᵀW are only accurate to
 * ≈ M·ε·λ_max, so an exactly zero singular value comes out as ≈1e-8·σ_max and that rule would count it.
 * The default `rankRule: 'gram'` therefore applies numpy's rule to the Gram matrix instead:
 * λ > λ_max·N·ε (i.e. σ > σ_max·√(N·ε)). It agrees with WeightWatcher for full-rank layers and for
 * exactly rank-deficient ones; it differs only for singular values between ≈1e-13 and ≈1e-7 of σ_max.
 * `rankRule: 'svd'` applies WeightWatcher's formula literally (meaningful only with an SVD-accurate backend).
 *
 * Differences from WeightWatcher, on purpose: a failed power-law fit gives `alpha: null` (WeightWatcher:
 * −1), so `alpha_weighted`/`log_alpha_norm` are null and the warning is '' (WeightWatcher labels every
 * failed fit 'over-trained' because −1 < 2). Non-finite values become null.
 */
import type { EsdNormalize } from './esd';

/** float64 machine epsilon as numpy's `finfo(float64).eps`. */
export const FLOAT64_EPS = 2.220446049250313e-16;
/** WeightWatcher's WEAK_RANK_LOSS_TOLERANCE. */
export const WEAK_RANK_LOSS_TOLERANCE = 1e-6;
/** WeightWatcher's EPSILON used by the matrix entropy. */
export const ENTROPY_EPSILON = 1e-10;
/** α below this → 'over-trained' (WeightWatcher OVER_TRAINED_THRESH). */
export const OVER_TRAINED_THRESH = 2.0;
/** α above this → 'under-trained' (WeightWatcher UNDER_TRAINED_THRESH). */
export const UNDER_TRAINED_THRESH = 6.0;

/** The eigenvalue data the metrics need (an `esdSpectrum()` result has all of it). */
export interface SpectrumLike {
  /** Pooled eigenvalues (any order). */
  eigenvalues: ArrayLike<number>;
  /** Per-slice eigenvalues (for sv_min and rank_loss); defaults to one slice = the pooled values. */
  sliceEigenvalues?: ArrayLike<number>[];
  /** Larger matrix dimension (per slice). */
  N: number;
  /** Normalization of the eigenvalues (default 'none'). */
  normalize?: EsdNormalize;
}

/** Options of {@link spectralMetrics} and {@link layerMetrics}. */
export interface MetricsOptions {
  /** weak_rank_loss threshold on λ (default 1e-6, WeightWatcher's). */
  tolerance?: number;
  /** Rank tolerance rule (default 'gram'; see the module docs). */
  rankRule?: 'gram' | 'svd';
}

/** Training label from α (WeightWatcher's thresholds). */
export type TrainingWarning = '' | 'over-trained' | 'under-trained';

/** Metrics that do not depend on the power-law fit. */
export interface SpectralMetrics {
  /** Σλ (= ‖W‖_F² when normalize is 'none'). */
  norm: number | null;
  /** log10 Σλ. */
  log_norm: number | null;
  /** max λ. */
  lambda_max: number | null;
  /** max λ (WeightWatcher's duplicate column). */
  spectral_norm: number | null;
  /** log10 λ_max. */
  log_spectral_norm: number | null;
  /** Σλ / λ_max. */
  stable_rank: number | null;
  /** Number of σ above the rank tolerance (pooled). */
  matrix_rank: number;
  /** Σ over slices of (M − slice rank). */
  rank_loss: number;
  /** #{λ < tolerance}. */
  weak_rank_loss: number;
  /** Largest singular value. */
  sv_max: number | null;
  /** Max over slices of the slice's smallest singular value. */
  sv_min: number | null;
  /** Matrix (spectral) entropy. */
  entropy: number | null;
}

/** Metrics that need α. */
export interface AlphaMetrics {
  /** α·log10 λ_max, null when α is null. */
  alpha_weighted: number | null;
  /** log10 Σ λ_i^α, null when α is null or the sum is not finite. */
  log_alpha_norm: number | null;
  /** Over-/under-trained label ('' when α is null). */
  warning: TrainingWarning;
}

/** All layer metrics. */
export type LayerMetrics = SpectralMetrics & AlphaMetrics;

const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);

function maxOf(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}
function minOf(a: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] < m) m = a[i];
  return m;
}

/** Number of eigenvalues counted as nonzero under the given rank rule. */
export function rankOf(evals: ArrayLike<number>, N: number, rule: 'gram' | 'svd' = 'gram'): number {
  const lmax = maxOf(evals);
  let r = 0;
  if (rule === 'svd') {
    const tol = Math.sqrt(Math.max(lmax, 0)) * N * FLOAT64_EPS;
    for (let i = 0; i < evals.length; i++) if (Math.sqrt(Math.max(evals[i], 0)) > tol) r++;
  } else {
    const tol = lmax * N * FLOAT64_EPS;
    for (let i = 0; i < evals.length; i++) if (evals[i] > tol) r++;
  }
  return r;
}

/** WeightWatcher's training label for α: 'over-trained' (α < 2), 'under-trained' (α > 6), else ''. */
export function trainingWarning(alpha: number | null): TrainingWarning {
  if (alpha === null || !Number.isFinite(alpha)) return '';
  if (alpha < OVER_TRAINED_THRESH) return 'over-trained';
  if (alpha > UNDER_TRAINED_THRESH) return 'under-trained';
  return '';
}

/** The fit-independent metrics of a spectrum (see the module docs for the definitions). */
export function spectralMetrics(s: SpectrumLike, options: MetricsOptions = {}): SpectralMetrics {
  const ev = s.eigenvalues;
  const slices = s.sliceEigenvalues ?? [ev];
  const tolerance = options.tolerance ?? WEAK_RANK_LOSS_TOLERANCE;
  const rule = options.rankRule ?? 'gram';
  const svScale = s.normalize === 'N' ? s.N : 1;
  let norm = 0;
  let weak = 0;
  for (let i = 0; i < ev.length; i++) {
    norm += ev[i];
    if (ev[i] < tolerance) weak++;
  }
  const lmax = maxOf(ev);
  const matrixRank = rankOf(ev, s.N, rule);
  let rankLoss = 0;
  let svMin = 0; // WeightWatcher starts its max at 0.0
  for (const sl of slices) {
    rankLoss += sl.length - rankOf(sl, s.N, rule);
    svMin = Math.max(svMin, Math.sqrt(Math.max(minOf(sl), 0) * svScale));
  }
  // Matrix entropy, as RMT_Util.matrix_entropy on √λ.
  let entropy: number | null = null;
  if (norm > 0) {
    let h = 0;
    for (let i = 0; i < ev.length; i++) {
      const p = ev[i] / norm + ENTROPY_EPSILON;
      h -= p * Math.log(p);
    }
    entropy = fin(h / Math.log(matrixRank + ENTROPY_EPSILON));
  }
  return {
    norm: fin(norm),
    log_norm: fin(Math.log10(norm)),
    lambda_max: fin(lmax),
    spectral_norm: fin(lmax),
    log_spectral_norm: fin(Math.log10(lmax)),
    stable_rank: fin(norm / lmax),
    matrix_rank: matrixRank,
    rank_loss: rankLoss,
    weak_rank_loss: weak,
    sv_max: fin(Math.sqrt(lmax * svScale)),
    sv_min: fin(svMin),
    entropy,
  };
}

/** α-dependent metrics: alpha_weighted = α·log10 λ_max, log_alpha_norm = log10 Σ λ^α, warning. */
export function alphaMetrics(eigenvalues: ArrayLike<number>, alpha: number | null): AlphaMetrics {
  if (alpha === null || !Number.isFinite(alpha)) return { alpha_weighted: null, log_alpha_norm: null, warning: '' };
  let s = 0;
  for (let i = 0; i < eigenvalues.length; i++) s += Math.pow(eigenvalues[i], alpha);
  return {
    alpha_weighted: fin(alpha * Math.log10(maxOf(eigenvalues))),
    log_alpha_norm: fin(Math.log10(s)),
    warning: trainingWarning(alpha),
  };
}

/** All layer metrics of a spectrum given the fitted α (null when the fit failed). */
export function layerMetrics(s: SpectrumLike, alpha: number | null, options: MetricsOptions = {}): LayerMetrics {
  return { ...spectralMetrics(s, options), ...alphaMetrics(s.eigenvalues, alpha) };
}

/** Columns averaged by {@link modelSummary} (WeightWatcher's `get_summary` list, in its order). */
export const SUMMARY_COLUMNS = ['log_norm', 'alpha', 'alpha_weighted', 'log_alpha_norm', 'log_spectral_norm', 'stable_rank', 'mp_softrank'] as const;

/** A summary column name. */
export type SummaryColumn = (typeof SUMMARY_COLUMNS)[number];

/** Model summary: the plain mean over layers of each summary column present in at least one row. */
export interface ModelSummary {
  /** Mean log10 Σλ. */
  log_norm?: number | null;
  /** Mean α. */
  alpha?: number | null;
  /** Mean α̂. */
  alpha_weighted?: number | null;
  /** Mean log α-norm. */
  log_alpha_norm?: number | null;
  /** Mean log10 λ_max. */
  log_spectral_norm?: number | null;
  /** Mean stable rank. */
  stable_rank?: number | null;
  /** Mean MP soft rank (only when rows carry it). */
  mp_softrank?: number | null;
  /** Number of layers averaged. */
  num_layers: number;
  /** Per column: how many rows had a null (e.g. failed fit) and were left out of that mean. */
  skipped: Partial<Record<SummaryColumn, number>>;
}

/**
 * Plain means over layers, as WeightWatcher's `get_summary`, of the columns in {@link SUMMARY_COLUMNS}
 * that appear in the rows. Difference: a null value (failed fit) is left out of the mean and counted in
 * `skipped` (WeightWatcher averages its −1 placeholder in).
 */
export function modelSummary(rows: ReadonlyArray<Partial<Record<SummaryColumn, number | null | undefined>>>): ModelSummary {
  const out: ModelSummary = { num_layers: rows.length, skipped: {} };
  for (const c of SUMMARY_COLUMNS) {
    let present = false, n = 0, sum = 0, skipped = 0;
    for (const r of rows) {
      if (!(c in r) || r[c] === undefined) continue;
      present = true;
      const v = r[c];
      if (v === null || !Number.isFinite(v)) { skipped++; continue; }
      sum += v as number;
      n++;
    }
    if (!present) continue;
    out[c] = n > 0 ? sum / n : null;
    if (skipped > 0) out.skipped[c] = skipped;
  }
  return out;
}
