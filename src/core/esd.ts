/**
 * Empirical spectral density (ESD) of a layer: all eigenvalues of X = WᵀW/N (N ≥ M after
 * orientation), or of WᵀW itself (WeightWatcher's λ = σ² convention), for dense, embedding, Conv1D
 * and Conv2D weights.
 *
 * Conventions (recorded in every result):
 * - `normalize: 'N'` (default, the blog's X = WᵀW/N) or `'none'` (λ = σ², WeightWatcher since 0.6.5).
 * - Conv layers are split into one matrix per kernel position ({@link layerMatrices}); `pool: true`
 *   (default) concatenates the slice spectra into one ESD of M·rf values; `pool: false` keeps them
 *   apart in `perSlice`.
 * - `conv2dScale: 'ww'` reproduces WeightWatcher's conv2d normalization exactly: each slice is
 *   multiplied by √(c/2) where c is WeightWatcher's `conv2d_count` — 1 when pooled (so pooled conv2d
 *   eigenvalues are halved) and kh·kw per slice when `pool: false` (eigenvalues × kh·kw/2). The factor
 *   applied to the eigenvalues is reported as `conv2dScaling`.
 * - N, M, Q are always the true per-slice dimensions (N ≥ M, Q ≥ 1). WeightWatcher 0.7.5.5 swaps N and
 *   M on every slice when out < in (weightwatcher.py:1277-1279), so for an even number of slices it
 *   reports N < M and Q < 1; esdlab does not copy that bug (the eigenvalues are unaffected by it).
 */
import './eigen';
import { EsdlabError, isEsdlabError } from './errors';
import { layerMatrices, type ConvLayout, type LayerType } from './layerMatrices';
import { assertFinite, toTensor, type TensorInput } from './matrix';
import { getSpectrumBackend, type SpectrumBackend } from './spectrumBackend';

/** Eigenvalue normalization: `'N'` → λ = σ²/N (X = WᵀW/N), `'none'` → λ = σ². */
export type EsdNormalize = 'N' | 'none';

/** Conv2D scaling: `'none'` or WeightWatcher's √(conv2d_count/2) factor on W (see module docs). */
export type Conv2dScale = 'none' | 'ww';

/** Options of {@link esd} and {@link esdSpectrum}. */
export interface EsdOptions {
  /** `'N'` (default): X = WᵀW/N; `'none'`: λ = σ² (WeightWatcher). */
  normalize?: EsdNormalize;
  /** Layer kind (default `'auto'` from the tensor's rank; a 2-D `conv1d` is HF's `Conv1D`). */
  layerType?: LayerType | 'auto';
  /** Conv kernel layout (default `'auto'`, WeightWatcher's detection rule). */
  layout?: ConvLayout | 'auto';
  /** Pool the conv slices into one ESD (default true) or keep one spectrum per slice. */
  pool?: boolean;
  /** Conv2D scaling (default `'none'`; `'ww'` = WeightWatcher's conv2d_norm). Ignored for other layer types. */
  conv2dScale?: Conv2dScale;
  /** Tensor name, used in error messages and recorded in the result. */
  name?: string;
  /** Spectrum backend to use instead of the installed one (its name is recorded). */
  backend?: SpectrumBackend;
}

/** Options after defaults, as recorded in results. */
export interface ResolvedEsdOptions {
  /** Normalization used. */
  normalize: EsdNormalize;
  /** Layer kind as requested (`'auto'` = from the tensor's rank). */
  layerType: LayerType | 'auto';
  /** Conv layout as requested (`'auto'` = WeightWatcher's detection rule). */
  layout: ConvLayout | 'auto';
  /** Slices pooled into one ESD? */
  pool: boolean;
  /** Conv2D scaling rule. */
  conv2dScale: Conv2dScale;
}

/** Facts shared by {@link Spectrum} and {@link EsdResult}. */
export interface EsdInfo {
  /** Tensor name, if given. */
  name?: string;
  /** Larger dimension of each (slice) matrix. */
  N: number;
  /** Smaller dimension of each (slice) matrix. */
  M: number;
  /** Aspect ratio N/M ≥ 1. */
  Q: number;
  /** Normalization used. */
  normalize: EsdNormalize;
  /** Resolved layer kind. */
  layerType: LayerType;
  /** Resolved conv layout (null for 2-D layers). */
  layout: ConvLayout | null;
  /** Stored tensor shape. */
  shape: number[];
  /** Kernel size (`[kh, kw]`, `[k]` or `[]`). */
  kernel: number[];
  /** Number of slices (receptive field, kh·kw; 1 for dense). */
  rf: number;
  /** Number of slice matrices (= rf). */
  slices: number;
  /** Whether slices were pooled into one ESD. */
  pool: boolean;
  /** Factor applied to each eigenvalue by the conv2d scaling (1 when none). */
  conv2dScaling: number;
  /** Spectrum backend name. */
  backend: string;
  /** Options used (after defaults). */
  options: ResolvedEsdOptions;
}

/** Internal float64 form of an ESD (typed arrays; not for JSON). */
export interface Spectrum extends EsdInfo {
  /** All eigenvalues of all slices, ascending. */
  eigenvalues: Float64Array;
  /** Each slice's eigenvalues, ascending, in kernel row-major order. */
  sliceEigenvalues: Float64Array[];
  /** Kernel position of each slice. */
  slicePositions: number[][];
}

/** One slice's ESD in an {@link EsdResult} with `pool: false`. */
export interface EsdSlice {
  /** Slice index (row-major kernel order). */
  slice: number;
  /** Kernel position (`[i, j]` or `[t]`). */
  position: number[];
  /** The slice's eigenvalues, ascending. */
  eigenvalues: number[];
}

/** JSON-serializable ESD result. */
export interface EsdResult extends EsdInfo {
  /** All eigenvalues, ascending (pooled over slices; with `pool: false` the concatenation of `perSlice`). */
  eigenvalues: number[];
  /** Per-slice spectra, only with `pool: false`. */
  perSlice?: EsdSlice[];
}

function resolve(options: EsdOptions): ResolvedEsdOptions {
  const loc = options.name !== undefined ? { tensor: options.name } : {};
  const normalize = options.normalize ?? 'N';
  if (normalize !== 'N' && normalize !== 'none') {
    throw new EsdlabError('INVALID_ARGUMENT', `normalize must be 'N' or 'none', got '${String(normalize)}'`, loc);
  }
  const conv2dScale = options.conv2dScale ?? 'none';
  if (conv2dScale !== 'none' && conv2dScale !== 'ww') {
    throw new EsdlabError('INVALID_ARGUMENT', `conv2dScale must be 'none' or 'ww', got '${String(conv2dScale)}'`, loc);
  }
  const pool = options.pool ?? true;
  if (typeof pool !== 'boolean') throw new EsdlabError('INVALID_ARGUMENT', `pool must be a boolean`, loc);
  return { normalize, layerType: options.layerType ?? 'auto', layout: options.layout ?? 'auto', pool, conv2dScale };
}

/**
 * The ESD as float64 typed arrays (per slice and pooled). The building block of {@link esd},
 * the layer metrics and `analyzeLayer`.
 * @throws EsdlabError on a bad shape, NaN/Inf (with the element's index) or bad options.
 */
export function esdSpectrum(W: TensorInput, options: EsdOptions = {}): Spectrum {
  const opts = resolve(options);
  const backend = options.backend ?? getSpectrumBackend();
  const backendChecks = backend.checksFinite === true;
  const lm = layerMatrices(W, { layerType: opts.layerType, layout: opts.layout, name: options.name, checkFinite: !backendChecks });
  let scale = 1;
  let conv2dScaling = 1;
  if (lm.layerType === 'conv2d' && opts.conv2dScale === 'ww') {
    conv2dScaling = opts.pool ? 0.5 : lm.rf / 2;
    scale *= conv2dScaling;
  }
  if (opts.normalize === 'N') scale /= lm.N;
  const sliceEigenvalues: Float64Array[] = [];
  let total = 0;
  for (const s of lm.slices) {
    // copy: a backend may hand out a view of a buffer it reuses
    let raw: Float64Array;
    try {
      raw = backend.gramEigenvalues(s.data, s.rows, s.cols);
    } catch (e) {
      // the backend saw NaN/Inf (or an overflowing Gram): name the first bad element of W if there is one
      if (backendChecks && isEsdlabError(e) && e.code === 'NON_FINITE') assertFinite(toTensor(W), options.name);
      throw e;
    }
    const ev = Float64Array.from(raw);
    if (ev.length !== s.cols) {
      throw new EsdlabError('INTERNAL', `spectrum backend '${backend.name}' returned ${ev.length} eigenvalues for a ${s.rows}×${s.cols} matrix`);
    }
    // WᵀW is positive semi-definite: rounding negatives (≈ −1e-16·λmax) from any backend become 0.
    for (let i = 0; i < ev.length; i++) ev[i] = ev[i] > 0 ? ev[i] * scale : 0;
    for (let i = 0; i < ev.length; i++) {
      if (!Number.isFinite(ev[i])) {
        throw new EsdlabError('NON_FINITE', `eigenvalues of WᵀW exceed the float64 range (entries too large)`, options.name !== undefined ? { tensor: options.name } : {});
      }
    }
    sliceEigenvalues.push(ev);
    total += ev.length;
  }
  let eigenvalues: Float64Array;
  if (sliceEigenvalues.length === 1) eigenvalues = sliceEigenvalues[0].slice();
  else {
    eigenvalues = new Float64Array(total);
    let k = 0;
    for (const ev of sliceEigenvalues) { eigenvalues.set(ev, k); k += ev.length; }
    eigenvalues.sort();
  }
  return {
    ...(options.name !== undefined ? { name: options.name } : {}),
    N: lm.N,
    M: lm.M,
    Q: lm.N / lm.M,
    normalize: opts.normalize,
    layerType: lm.layerType,
    layout: lm.layout,
    shape: lm.shape,
    kernel: lm.kernel,
    rf: lm.rf,
    slices: lm.slices.length,
    pool: opts.pool,
    conv2dScaling,
    backend: backend.name,
    options: opts,
    eigenvalues,
    sliceEigenvalues,
    slicePositions: lm.slices.map((s) => s.position),
  };
}

/**
 * All eigenvalues of X = WᵀW/N (or WᵀW with `normalize: 'none'`), ascending, with N, M, Q and the
 * options used. Accepts a {@link TensorInput}: 2-D dense/embedding/HF Conv1D, 3-D Conv1D, 4-D Conv2D.
 *
 * @example
 * ```ts
 * const r = esd({ data: new Float32Array(512 * 256), shape: [512, 256] });
 * r.eigenvalues.length; // 256
 * ```
 */
export function esd(W: TensorInput, options: EsdOptions = {}): EsdResult {
  const s = esdSpectrum(W, options);
  const { eigenvalues, sliceEigenvalues, slicePositions, ...info } = s;
  const out: EsdResult = { ...info, eigenvalues: Array.from(eigenvalues) };
  if (!s.pool) {
    out.perSlice = sliceEigenvalues.map((ev, i) => ({ slice: i, position: slicePositions[i], eigenvalues: Array.from(ev) }));
  }
  return out;
}
