/**
 * Matrix and tensor inputs. Everything the core accepts is normalized to a {@link DenseTensor}:
 * a row-major typed array with a shape. No copy is made when the input already is one.
 */
import { EsdlabError } from './errors';

/** Row-major numeric storage the core reads without copying. */
export type NumericArray = Float64Array | Float32Array;

/** A dense row-major tensor: `data.length === shape.reduce((a, b) => a * b)`. */
export interface DenseTensor {
  /** Row-major values. */
  data: NumericArray;
  /** Dimensions, outermost first (e.g. `[rows, cols]`, or PyTorch conv `[out, in, kh, kw]`). */
  shape: number[];
}

/** Anything with ml-matrix's `Matrix` shape (duck-typed, so any copy of ml-matrix works). */
export interface MatrixLike {
  readonly rows: number;
  readonly columns: number;
  get(row: number, column: number): number;
}

/**
 * Accepted matrix/tensor inputs: a {@link DenseTensor}, an ml-matrix `Matrix`, or nested number arrays
 * (2-D, 3-D or 4-D).
 */
export type TensorInput = DenseTensor | MatrixLike | number[][] | number[][][] | number[][][][];

function isMatrixLike(x: unknown): x is MatrixLike {
  return typeof x === 'object' && x !== null && typeof (x as MatrixLike).rows === 'number' &&
    typeof (x as MatrixLike).columns === 'number' && typeof (x as MatrixLike).get === 'function';
}

function isDense(x: unknown): x is DenseTensor {
  return typeof x === 'object' && x !== null && ((x as DenseTensor).data instanceof Float64Array ||
    (x as DenseTensor).data instanceof Float32Array) && Array.isArray((x as DenseTensor).shape);
}

/** Product of a shape's dimensions. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Normalizes any {@link TensorInput} to a {@link DenseTensor}, validating the shape.
 * @param name used in error messages (the tensor's name).
 */
export function toTensor(input: TensorInput, name?: string): DenseTensor {
  const loc = name !== undefined ? { tensor: name } : {};
  if (isDense(input)) {
    for (const d of input.shape) {
      if (!Number.isInteger(d) || d < 0) throw new EsdlabError('INVALID_SHAPE', `invalid dimension ${d} in shape [${input.shape.join(', ')}]`, loc);
    }
    if (shapeSize(input.shape) !== input.data.length) {
      throw new EsdlabError('INVALID_SHAPE', `shape [${input.shape.join(', ')}] needs ${shapeSize(input.shape)} values, got ${input.data.length}`, loc);
    }
    return input;
  }
  if (isMatrixLike(input)) {
    const { rows, columns } = input;
    const data = new Float64Array(rows * columns);
    for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) data[i * columns + j] = input.get(i, j);
    return { data, shape: [rows, columns] };
  }
  if (Array.isArray(input)) {
    const shape: number[] = [];
    let level: unknown = input;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    const data = new Float64Array(shapeSize(shape));
    let k = 0;
    const walk = (a: unknown, depth: number, path: number[]): void => {
      if (!Array.isArray(a) || a.length !== shape[depth]) {
        throw new EsdlabError('INVALID_SHAPE', `ragged nested array: expected length ${shape[depth]} at [${path.join(', ')}]`, loc);
      }
      for (let i = 0; i < a.length; i++) {
        if (depth === shape.length - 1) {
          const v = a[i];
          if (typeof v !== 'number') throw new EsdlabError('INVALID_ARGUMENT', `non-numeric entry ${JSON.stringify(v)}`, { ...loc, index: [...path, i] });
          data[k++] = v;
        } else walk(a[i], depth + 1, [...path, i]);
      }
    };
    walk(input, 0, []);
    return { data, shape };
  }
  throw new EsdlabError('INVALID_ARGUMENT', 'expected a DenseTensor {data, shape}, an ml-matrix Matrix or a nested number array', loc);
}

/** The multi-index of flat row-major position `flat` in a tensor of `shape`. */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const idx: number[] = new Array(shape.length);
  let r = flat;
  for (let k = shape.length - 1; k >= 0; k--) {
    idx[k] = r % shape[k];
    r = Math.floor(r / shape[k]);
  }
  return idx;
}

/** Index of the first NaN/±Inf entry of `d`, or -1. */
export function firstNonFinite(d: NumericArray): number {
  for (let i = 0; i < d.length; i++) { const v = d[i]; if (v - v !== 0) return i; }
  return -1;
}
/** Index of the first non-zero entry of `d` (NaN counts as non-zero), or -1. */
export function firstNonzero(d: NumericArray): number {
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return i;
  return -1;
}

/**
 * Throws a NON_FINITE error naming the first NaN/Inf entry (with its multi-index), if any.
 */
export function assertFinite(t: DenseTensor, name?: string): void {
  const i = firstNonFinite(t.data);
  if (i >= 0) {
    const v = t.data[i];
    throw new EsdlabError('NON_FINITE', `${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'} value`, { ...(name !== undefined ? { tensor: name } : {}), index: unravelIndex(i, t.shape) });
  }
}
