/**
 * One weight tensor → one analysis row with WeightWatcher's column names: the ESD ({@link esdSpectrum}),
 * the power-law fit of its tail ({@link fitPowerLaw}) and the layer metrics ({@link layerMetrics}).
 *
 * Pipeline (as WeightWatcher's `analyze()` per layer): eigenvalues λ (pooled over conv slices) →
 * the fit sees only λ > `evalsThresh` → `num_pl_spikes` = #{λ ≥ xmin} over all λ → norms and ranks on
 * all λ. With `preset: 'ww'` every WeightWatcher convention is selected (see `presets.ts`).
 *
 * Row conventions that differ from WeightWatcher on purpose (all documented in the row's `options`):
 * - a failed fit gives `status: 'failed'`, a `reason`, and null for alpha, D, sigma, xmin, xmax,
 *   num_pl_spikes and the α-dependent metrics (WeightWatcher writes −1 and labels it 'over-trained');
 * - `xmax` is the largest eigenvalue that entered the fit when the tail is unbounded (= WWFit's xmax);
 * - N, M, Q are the true per-slice dimensions (no N/M swap for conv layers with out < in).
 */
import { esdSpectrum, type Conv2dScale, type EsdNormalize, type Spectrum } from './esd';
import { EsdlabError, isEsdlabError } from './errors';
import type { ConvLayout, LayerType } from './layerMatrices';
import type { TensorInput } from './matrix';
import { layerMetrics, type LayerMetrics, type MetricsOptions } from './metrics';
import { fitPowerLaw, type PowerLawCandidates, type PowerLawFit } from './powerlaw';
import { applyPreset, type PresetName } from './presets';
import { phaseColumns, type PhaseColumns, type PhaseColumnsOptions } from './phaseColumns';
import type { SpectrumBackend } from './spectrumBackend';

/** Options of {@link analyzeLayer}. Explicit values override the preset's. */
export interface AnalyzeLayerOptions extends MetricsOptions, Omit<PhaseColumnsOptions, 'preset'> {
  /** `'ww'`: all WeightWatcher conventions (normalize none, WW conv2d scaling, WW candidates, 1e-5 floor). */
  preset?: PresetName | null;
  /** Eigenvalue normalization (default 'N'; 'none' with the ww preset). */
  normalize?: EsdNormalize;
  /** Layer kind (default 'auto' from the tensor's rank). */
  layerType?: LayerType | 'auto';
  /** Conv kernel layout (default 'auto'). */
  layout?: ConvLayout | 'auto';
  /** Conv2D scaling (default 'none'; 'ww' with the preset). */
  conv2dScale?: Conv2dScale;
  /** xmin candidates of the power-law fit (default 'unique' = powerlaw 1.5; 'ww' with the preset). */
  candidates?: PowerLawCandidates;
  /**
   * Only eigenvalues strictly above this enter the power-law fit. Default `'rank'`: drop the
   * numerically zero eigenvalues (λ ≤ λ_max·N·ε, the rank rule). The ww preset: 1e-5 (EVALS_THRESH).
   */
  evalsThresh?: number | 'rank';
  /** Tensor/layer name (recorded as `name`, used in errors). */
  name?: string;
  /** Put the pooled eigenvalues into the row as `eigenvalues` (default false). */
  keepEigenvalues?: boolean;
  /** Spectrum backend override. */
  backend?: SpectrumBackend;
}

/** The options a row was computed with (after preset and defaults). */
export interface AnalyzeLayerResolvedOptions {
  /** Preset applied under the explicit options, or null. */
  preset: PresetName | null;
  /** Eigenvalue normalization. */
  normalize: EsdNormalize;
  /** Layer kind as requested. */
  layerType: LayerType | 'auto';
  /** Conv layout as requested. */
  layout: ConvLayout | 'auto';
  /** false for the per-slice rows of {@link analyzeLayerSlices}. */
  pool: boolean;
  /** Conv2D scaling rule. */
  conv2dScale: Conv2dScale;
  /** Power-law xmin candidates. */
  candidates: PowerLawCandidates;
  /** Fit floor as requested (`'rank'` or a number). */
  evalsThresh: number | 'rank';
  /** The numeric threshold actually applied to λ before the fit. */
  evalsThreshValue: number;
  /** weak_rank_loss threshold. */
  tolerance: number;
  /** Rank tolerance rule (see metrics.ts). */
  rankRule: 'gram' | 'svd';
}

/** One analysis row (WeightWatcher column names; numbers that could not be computed are null). */
export interface LayerRow extends LayerMetrics, PhaseColumns {
  /** Layer/tensor name (null when none was given). */
  name: string | null;
  /** Resolved layer kind. */
  layer_type: LayerType;
  /** Larger dimension of each (slice) matrix. */
  N: number;
  /** Smaller dimension of each (slice) matrix. */
  M: number;
  /** N/M ≥ 1. */
  Q: number;
  /** Receptive field (number of conv slices; 1 for dense). */
  rf: number;
  /** Number of eigenvalues in the ESD (M·rf pooled). */
  num_evals: number;
  /** Always true (WeightWatcher column). */
  has_esd: boolean;
  /** Power-law exponent of the ESD tail, null when the fit failed. */
  alpha: number | null;
  /** Fitted lower cutoff. */
  xmin: number | null;
  /** Fitted upper cutoff, or the largest fitted eigenvalue when unbounded (WWFit's xmax). */
  xmax: number | null;
  /** KS distance of the fit. */
  D: number | null;
  /** (alpha − 1)/√nTail. */
  sigma: number | null;
  /** #{λ ≥ xmin} over all eigenvalues. */
  num_pl_spikes: number | null;
  /** Number of eigenvalues that entered the fit (λ > evalsThresh). */
  num_fit_evals: number;
  /** 'failed' when the power-law fit could not be made. */
  status: 'success' | 'failed';
  /** Why the row failed. */
  reason?: string;
  /** Slice index (row-major kernel order), only in {@link analyzeLayerSlices} rows. */
  slice_id?: number;
  /** Kernel position of the slice, only in {@link analyzeLayerSlices} rows. */
  slice_position?: number[];
  /** Conv layout (null for 2-D layers). */
  layout: ConvLayout | null;
  /** Factor applied to λ by the conv2d scaling (1 when none). */
  conv2d_scaling: number;
  /** Spectrum backend name. */
  backend: string;
  /** Pooled eigenvalues (only with `keepEigenvalues`). */
  eigenvalues?: number[];
  /** Options used. */
  options: AnalyzeLayerResolvedOptions;
}

function resolve(options: AnalyzeLayerOptions, pool = true): AnalyzeLayerResolvedOptions {
  const o = applyPreset(options);
  return {
    preset: options.preset ?? null,
    normalize: o.normalize ?? 'N',
    layerType: o.layerType ?? 'auto',
    layout: o.layout ?? 'auto',
    pool,
    conv2dScale: o.conv2dScale ?? 'none',
    candidates: o.candidates ?? 'unique',
    evalsThresh: o.evalsThresh ?? 'rank',
    evalsThreshValue: 0,
    tolerance: o.tolerance ?? 1e-6,
    rankRule: o.rankRule ?? 'gram',
  };
}

/** Builds the row from a spectrum (shared by {@link analyzeLayer} and callers that already have the ESD). */
export function analyzeSpectrum(spec: Spectrum, options: AnalyzeLayerOptions = {}): LayerRow {
  const opts = resolve(options, spec.pool);
  const ev = spec.eigenvalues;
  let lmax = 0;
  for (let i = 0; i < ev.length; i++) if (ev[i] > lmax) lmax = ev[i];
  const thresh = opts.evalsThresh === 'rank' ? lmax * spec.N * 2.220446049250313e-16 : opts.evalsThresh;
  opts.evalsThreshValue = thresh;
  const nz: number[] = [];
  for (let i = 0; i < ev.length; i++) if (ev[i] > thresh) nz.push(ev[i]);
  let fit: PowerLawFit | null = null;
  let reason: string | undefined;
  try {
    // WeightWatcher 0.7.5.5's WWFit (WW_powerlaw.py) uses the plain MLE at every sample size; the
    // reference layer dense_lowrank (8 fitted eigenvalues) confirms it, so no small-N rule here.
    fit = fitPowerLaw(nz, { candidates: opts.candidates, ...(opts.candidates === 'ww' ? { wwSmallN: false } : {}) });
    if (fit.status !== 'success') { reason = fit.reason ?? 'power-law fit failed'; fit = null; }
  } catch (e) {
    if (!isEsdlabError(e)) throw e;
    reason = e.message;
  }
  const alpha = fit ? fit.alpha : null;
  let spikes: number | null = null;
  if (fit) {
    spikes = 0;
    for (let i = 0; i < ev.length; i++) if (ev[i] >= fit.xmin) spikes++;
  }
  const metrics = layerMetrics(spec, alpha, { tolerance: opts.tolerance, rankRule: opts.rankRule });
  const row: LayerRow = {
    name: spec.name ?? null,
    layer_type: spec.layerType,
    N: spec.N,
    M: spec.M,
    Q: spec.Q,
    rf: spec.rf,
    num_evals: ev.length,
    has_esd: true,
    alpha,
    xmin: fit ? fit.xmin : null,
    xmax: fit ? (fit.xmax ?? nz[nz.length - 1]) : null, // nz is ascending
    D: fit ? fit.D : null,
    sigma: fit ? fit.sigma : null,
    num_pl_spikes: spikes,
    num_fit_evals: nz.length,
    ...metrics,
    status: fit ? 'success' : 'failed',
    ...(reason !== undefined ? { reason } : {}),
    layout: spec.layout,
    conv2d_scaling: spec.conv2dScaling,
    backend: spec.backend,
    options: opts,
  };
  // Phase of training (default on) and the MP columns (with `mpFit`): see phaseColumns.ts.
  Object.assign(row, phaseColumns(spec, { phase: options.phase, mpFit: options.mpFit, preset: options.preset ?? null }, fit));
  if (options.keepEigenvalues) row.eigenvalues = Array.from(ev);
  return row;
}

/**
 * Analyzes one weight tensor: ESD → power-law fit → metrics, as one row with WeightWatcher's column
 * names. A failed fit is a row with `status: 'failed'` and a `reason`, not an exception.
 * @throws EsdlabError for unusable input (bad shape, NaN/Inf with its index, bad options).
 */
export function analyzeLayer(W: TensorInput, options: AnalyzeLayerOptions = {}): LayerRow {
  if ((options as { pool?: unknown }).pool === false) {
    throw new EsdlabError('INVALID_ARGUMENT', 'analyzeLayer pools conv slices into one row; use analyzeLayerSlices for one row per slice (pool: false)', options.name !== undefined ? { tensor: options.name } : {});
  }
  const opts = resolve(options);
  const spec = esdSpectrum(W, {
    normalize: opts.normalize, layerType: opts.layerType, layout: opts.layout, pool: true,
    conv2dScale: opts.conv2dScale, ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
  });
  return analyzeSpectrum(spec, options);
}

/**
 * One row per conv slice (WeightWatcher's `analyze(pool=False)`): each kernel position's matrix is fitted
 * and measured on its own, with `slice_id` and `slice_position`. With the ww preset each slice is scaled by
 * √(kh·kw/2) as WeightWatcher does. Rows keep the layer's `rf`; `num_evals` is the slice's M.
 * A dense layer gives a single row with `slice_id: 0`.
 * @throws EsdlabError for unusable input, as {@link analyzeLayer}.
 */
export function analyzeLayerSlices(W: TensorInput, options: AnalyzeLayerOptions = {}): LayerRow[] {
  const opts = resolve(options, false);
  const spec = esdSpectrum(W, {
    normalize: opts.normalize, layerType: opts.layerType, layout: opts.layout, pool: false,
    conv2dScale: opts.conv2dScale, ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
  });
  return spec.sliceEigenvalues.map((ev, i) => {
    const one: Spectrum = { ...spec, eigenvalues: ev, sliceEigenvalues: [ev], slicePositions: [spec.slicePositions[i]] };
    return { ...analyzeSpectrum(one, options), slice_id: i, slice_position: spec.slicePositions[i] };
  });
}
