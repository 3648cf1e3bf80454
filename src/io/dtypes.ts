/**
 * Stored element types of model files and their decoding to float arrays. Pure code (no Node
 * imports), shared by every loader. float64 stays float64; every other type becomes float32 (exact
 * for float16, bfloat16 and all 8/16-bit integers).
 */
import { EsdlabError } from '../core/errors';
import type { NumericArray } from '../core/matrix';

/** Element types the loaders understand, in safetensors spelling. */
export type StoredDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I8' | 'U8' | 'I16' | 'U16' | 'I32' | 'I64' | 'BOOL';

/** Bytes per element of each {@link StoredDtype}. */
export const DTYPE_SIZE: Readonly<Record<StoredDtype, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I8: 1, U8: 1, I16: 2, U16: 2, I32: 4, I64: 8, BOOL: 1,
};

/** True when `s` names a {@link StoredDtype}. */
export function isStoredDtype(s: unknown): s is StoredDtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, s);
}

/** Decodes one IEEE-754 half-precision value given as its 16 bits. */
export function halfToFloat(h: number): number {
  const s = (h & 0x8000) ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 5.960464477539063e-8; // 2^-24
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * Math.pow(2, e - 15);
}

let halfTable: Float32Array | null = null;
function getHalfTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfToFloat(i);
  }
  return halfTable;
}

/** Allocates the output array for `count` elements of `dtype` (Float64Array for F64/I64, else Float32Array). */
export function allocFor(dtype: StoredDtype, count: number): NumericArray {
  const f64 = dtype === 'F64' || dtype === 'I64';
  if (!Number.isSafeInteger(count) || count < 0) throw new EsdlabError('INVALID_SHAPE', `invalid element count ${count}`);
  try {
    return f64 ? new Float64Array(count) : new Float32Array(count);
  } catch {
    throw new EsdlabError('INVALID_SHAPE', `cannot allocate ${count} ${f64 ? 'float64' : 'float32'} values (${((count * (f64 ? 8 : 4)) / 2 ** 30).toFixed(1)} GiB)`);
  }
}

/**
 * Decodes little-endian `bytes` (a whole number of elements) of `dtype` into `out` starting at
 * element `outOffset`. Used chunk by chunk, so a tensor never needs its raw bytes and its decoded
 * copy in memory at once beyond one chunk.
 */
export function decodeInto(dtype: StoredDtype, bytes: Uint8Array, out: NumericArray, outOffset: number): void {
  const size = DTYPE_SIZE[dtype];
  const n = Math.floor(bytes.byteLength / size);
  if (LITTLE_ENDIAN_HOST && out instanceof Float32Array && decodeFast32(dtype, bytes, n, out, outOffset)) return;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F64': for (let i = 0; i < n; i++) out[outOffset + i] = dv.getFloat64(i * 8, true); break;
    case 'F32': for (let i = 0; i < n; i++) out[outOffset + i] = dv.getFloat32(i * 4, true); break;
    case 'F16': {
      const t = getHalfTable();
      for (let i = 0; i < n; i++) out[outOffset + i] = t[bytes[2 * i] | (bytes[2 * i + 1] << 8)];
      break;
    }
    case 'BF16': {
      const f = new Float32Array(1);
      const u = new Uint32Array(f.buffer);
      for (let i = 0; i < n; i++) {
        u[0] = ((bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16) >>> 0;
        out[outOffset + i] = f[0];
      }
      break;
    }
    case 'I8': for (let i = 0; i < n; i++) out[outOffset + i] = dv.getInt8(i); break;
    case 'U8': case 'BOOL': for (let i = 0; i < n; i++) out[outOffset + i] = bytes[i]; break;
    case 'I16': for (let i = 0; i < n; i++) out[outOffset + i] = dv.getInt16(i * 2, true); break;
    case 'U16': for (let i = 0; i < n; i++) out[outOffset + i] = dv.getUint16(i * 2, true); break;
    case 'I32': for (let i = 0; i < n; i++) out[outOffset + i] = dv.getInt32(i * 4, true); break;
    case 'I64': for (let i = 0; i < n; i++) out[outOffset + i] = Number(dv.getBigInt64(i * 8, true)); break;
    default: throw new EsdlabError('UNSUPPORTED_DTYPE', `unsupported dtype ${String(dtype)}`);
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Fast paths into a Float32Array on a little-endian host: typed-array views on the raw bytes when
 * they are aligned (a copy for F32, a table lookup per element for F16, a shift for BF16). Measured on
 * 4M values against the DataView/byte path: F32 8 → 1.5 ms, BF16 13.6 → 6.1 ms, F16 11.9 → 9.2 ms.
 * Returns false (caller takes the general path) for other cases.
 */
function decodeFast32(dtype: StoredDtype, bytes: Uint8Array, n: number, out: Float32Array, outOffset: number): boolean {
  if (dtype === 'F32' && bytes.byteOffset % 4 === 0) {
    out.set(new Float32Array(bytes.buffer, bytes.byteOffset, n), outOffset);
    return true;
  }
  if ((dtype === 'F16' || dtype === 'BF16') && bytes.byteOffset % 2 === 0) {
    const src = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    if (dtype === 'F16') {
      const t = getHalfTable();
      for (let i = 0; i < n; i++) out[outOffset + i] = t[src[i]];
    } else if ((out.byteOffset + 4 * outOffset) % 4 === 0) {
      const u = new Uint32Array(out.buffer, out.byteOffset + 4 * outOffset, n);
      for (let i = 0; i < n; i++) u[i] = src[i] << 16;
    } else return false;
    return true;
  }
  return false;
}

/** Decodes a whole little-endian buffer of `dtype` into a new float array. */
export function decode(dtype: StoredDtype, bytes: Uint8Array): NumericArray {
  const size = DTYPE_SIZE[dtype];
  if (bytes.byteLength % size !== 0) {
    throw new EsdlabError('INVALID_SHAPE', `${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  }
  const out = allocFor(dtype, bytes.byteLength / size);
  decodeInto(dtype, bytes, out, 0);
  return out;
}

/** Applies an affine dequantization in place: `x ← q·scale + min`. */
export function dequantizeAffine(values: NumericArray, scale: number, min: number): void {
  for (let i = 0; i < values.length; i++) values[i] = values[i] * scale + min;
}
