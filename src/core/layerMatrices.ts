/**
 * From a stored weight tensor to the 2-D matrices whose spectra make up a layer's ESD.
 *
 * - Dense / embedding / HF `Conv1D` (2-D, any orientation): one matrix.
 * - Conv2D (4-D): one matrix per kernel position (kh·kw "slices"), as WeightWatcher does.
 *   PyTorch layout `(out, in, kh, kw)`: slice (i, j) = `W[:, :, i, j]`; Keras layout `(kh, kw, in, out)`:
 *   slice (i, j) = `W[i, j, :, :]`. Slices are taken in row-major (i, j) order.
 * - Conv1D (3-D): one matrix per kernel tap. PyTorch `(out, in, k)`: `W[:, :, t]`; Keras `(k, in, out)`:
 *   `W[t, :, :]`. (WeightWatcher 0.7.5.5 passes a 3-D weight unchanged to its SVD, which fails.)
 *
 * Every matrix is oriented so that rows ≥ cols (N = rows, M = cols), so the spectrum engine always
 * forms the small M×M Gram matrix. Float32 input stays Float32 (slices are copied in the input's type,
 * or are zero-copy views where the memory layout allows it).
 */
import { EsdlabError } from './errors';
import { transposeMatrix } from './gram';
import { assertFinite, toTensor, type DenseTensor, type NumericArray, type TensorInput } from './matrix';

/** Layer kinds with a spectrum. `embedding` is treated like `dense`. */
export type LayerType = 'dense' | 'conv2d' | 'conv1d' | 'embedding';

/** Memory layout of a convolution kernel. */
export type ConvLayout = 'pytorch' | 'keras';

/** Options of {@link layerMatrices}. */
export interface LayerMatricesOptions {
  /** Layer kind; `'auto'` (default): 2-D → dense, 3-D → conv1d, 4-D → conv2d. A 2-D `conv1d` is HF's `Conv1D` (stored (in, out)). */
  layerType?: LayerType | 'auto';
  /**
   * Kernel layout for 3-D/4-D tensors; `'auto'` (default) uses WeightWatcher's rule for 4-D shape
   * (a, b, c, d): PyTorch when a + b ≥ c + d, else Keras. For 3-D (a, b, c): PyTorch when c ≤ a
   * (the kernel axis is the smaller end), else Keras. Pass the layout explicitly when in doubt.
   */
  layout?: ConvLayout | 'auto';
  /** Tensor name for error messages. */
  name?: string;
  /**
   * Scan W for NaN/±Inf and throw NON_FINITE naming the first one (default true). `esd()` turns it
   * off when its spectrum backend detects non-finite input itself.
   */
  checkFinite?: boolean;
}

/** One oriented matrix (rows ≥ cols) of a layer. */
export interface LayerMatrix {
  /** Row-major `rows × cols` values (Float32Array stays Float32Array). */
  data: NumericArray;
  /** N: the larger dimension. */
  rows: number;
  /** M: the smaller dimension. */
  cols: number;
  /** Kernel position of this slice (`[i, j]` for conv2d, `[t]` for conv1d, `[]` for 2-D layers). */
  position: number[];
}

/** The matrices of one layer, with the facts every ESD row reports. */
export interface LayerMatricesResult {
  /** Resolved layer kind. */
  layerType: LayerType;
  /** Resolved kernel layout (null for 2-D layers). */
  layout: ConvLayout | null;
  /** The stored tensor's shape. */
  shape: number[];
  /** Kernel size (`[kh, kw]`, `[k]`, or `[]`). */
  kernel: number[];
  /** Receptive field: number of slices (kh·kw, k, or 1). */
  rf: number;
  /** Larger dimension of each slice (same for all slices). */
  N: number;
  /** Smaller dimension of each slice. */
  M: number;
  /** The oriented slices, in kernel row-major order. */
  slices: LayerMatrix[];
}

function orient(data: NumericArray, rows: number, cols: number, position: number[]): LayerMatrix {
  if (rows >= cols) return { data, rows, cols, position };
  return { data: transposeMatrix(data, rows, cols), rows: cols, cols: rows, position };
}

function newLike(data: NumericArray, n: number): NumericArray {
  return data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

/** Extracts `out × in` slices with element (o, c) at `data[(o*inDim + c)*k + t]` (PyTorch conv layouts, k = kernel size). */
function strided(data: NumericArray, out: number, inDim: number, k: number, t: number, position: number[]): LayerMatrix {
  // Build directly in the oriented (rows ≥ cols) form.
  if (out >= inDim) {
    const s = newLike(data, out * inDim);
    for (let o = 0; o < out; o++) {
      const base = o * inDim;
      for (let c = 0; c < inDim; c++) s[base + c] = data[(base + c) * k + t];
    }
    return { data: s, rows: out, cols: inDim, position };
  }
  const s = newLike(data, out * inDim);
  for (let o = 0; o < out; o++) {
    const base = o * inDim;
    for (let c = 0; c < inDim; c++) s[c * out + o] = data[(base + c) * k + t];
  }
  return { data: s, rows: inDim, cols: out, position };
}

/**
 * Splits a weight tensor into the oriented matrices whose spectra form the layer's ESD.
 * Validates the shape (2-D to 4-D, no zero dimension) and rejects NaN/±Inf with the element's index.
 * @throws EsdlabError INVALID_SHAPE, INVALID_ARGUMENT or NON_FINITE.
 */
export function layerMatrices(input: TensorInput, options: LayerMatricesOptions = {}): LayerMatricesResult {
  const name = options.name;
  const loc = name !== undefined ? { tensor: name } : {};
  const t: DenseTensor = toTensor(input, name);
  const shape = t.shape.slice();
  const rank = shape.length;
  if (rank < 2 || rank > 4) {
    throw new EsdlabError('INVALID_SHAPE', `expected a 2-D, 3-D or 4-D weight tensor, got shape [${shape.join(', ')}]`, loc);
  }
  if (shape.some((d) => d === 0)) throw new EsdlabError('INVALID_SHAPE', `empty weight tensor, shape [${shape.join(', ')}]`, loc);
  const requested = options.layerType ?? 'auto';
  const layerType: LayerType = requested === 'auto' ? (rank === 2 ? 'dense' : rank === 3 ? 'conv1d' : 'conv2d') : requested;
  const expectRank = layerType === 'conv2d' ? [4] : layerType === 'conv1d' ? [2, 3] : [2];
  if (!expectRank.includes(rank)) {
    throw new EsdlabError('INVALID_SHAPE', `layer type ${layerType} needs a ${expectRank.join('-D or ')}-D tensor, got shape [${shape.join(', ')}]`, loc);
  }
  const layoutOpt = options.layout ?? 'auto';
  if (layoutOpt !== 'auto' && layoutOpt !== 'pytorch' && layoutOpt !== 'keras') {
    throw new EsdlabError('INVALID_ARGUMENT', `unknown layout '${String(layoutOpt)}' (expected auto, pytorch or keras)`, loc);
  }
  if (options.checkFinite !== false) assertFinite(t, name);
  const data = t.data;

  if (rank === 2) {
    const m = orient(data, shape[0], shape[1], []);
    return { layerType, layout: null, shape, kernel: [], rf: 1, N: m.rows, M: m.cols, slices: [m] };
  }

  if (rank === 3) {
    const [a, b, c] = shape;
    const layout: ConvLayout = layoutOpt === 'auto' ? (c <= a ? 'pytorch' : 'keras') : layoutOpt;
    const slices: LayerMatrix[] = [];
    if (layout === 'pytorch') {
      for (let tap = 0; tap < c; tap++) slices.push(strided(data, a, b, c, tap, [tap]));
    } else {
      const sz = b * c;
      for (let tap = 0; tap < a; tap++) slices.push(orient(data.subarray(tap * sz, (tap + 1) * sz), b, c, [tap]));
    }
    const k = layout === 'pytorch' ? c : a;
    return { layerType, layout, shape, kernel: [k], rf: k, N: slices[0].rows, M: slices[0].cols, slices };
  }

  const [a, b, c, d] = shape;
  const layout: ConvLayout = layoutOpt === 'auto' ? (a + b >= c + d ? 'pytorch' : 'keras') : layoutOpt;
  const slices: LayerMatrix[] = [];
  if (layout === 'pytorch') {
    const k = c * d;
    for (let i = 0; i < c; i++) for (let j = 0; j < d; j++) slices.push(strided(data, a, b, k, i * d + j, [i, j]));
  } else {
    const sz = c * d;
    for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) {
      const off = (i * b + j) * sz;
      slices.push(orient(data.subarray(off, off + sz), c, d, [i, j]));
    }
  }
  const kernel = layout === 'pytorch' ? [c, d] : [a, b];
  return { layerType, layout, shape, kernel, rf: kernel[0] * kernel[1], N: slices[0].rows, M: slices[0].cols, slices };
}
