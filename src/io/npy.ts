/**
 * NumPy `.npy` reader (format versions 1.0, 2.0 and 3.0). The header is parsed by a small strict
 * parser for the Python dict literal numpy writes — never evaluated — and object arrays (pickles)
 * are refused, so reading a file can never execute code.
 *
 * Supported dtypes (`descr`), little (`<`), big (`>`) or not applicable (`|`) byte order:
 * `f2` (converted to float32), `f4`, `f8`, `i1`, `i2`, `u1`, `u2` (stored as float32, exact),
 * `i4`, `u4`, `i8`, `u8` (stored as float64; 64-bit integers beyond 2^53 lose precision), `b1`.
 * C and Fortran order; the returned data are always row-major (C order).
 *
 * Errors are {@link EsdlabError}s naming the file and the byte offset: BAD magic / header
 * (`PARSE_ERROR`), unsupported dtype (`UNSUPPORTED_DTYPE`), a body shorter than the header promises
 * (`TRUNCATED`), or a header that does not describe the body (`PARSE_ERROR`: extra bytes, absurd shape).
 */
import { readFileSync } from 'node:fs';
import { EsdlabError } from '../core/errors';
import type { DenseTensor } from '../core/matrix';
import { halfToFloat } from './dtypes';

/** A tensor read from a `.npy` file. `data` is row-major whatever the file's order. */
export interface NpyTensor extends DenseTensor {
  /** The file's dtype string, e.g. `<f4`. */
  dtype: string;
  /** True when the file stored the array in Fortran (column-major) order. */
  fortranOrder: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface Kind { size: number; read: (dv: DataView, off: number, le: boolean) => number; out: 'f32' | 'f64' }

const KINDS: Record<string, Kind> = {
  f2: { size: 2, read: (dv, o, le) => halfToFloat(dv.getUint16(o, le)), out: 'f32' },
  f4: { size: 4, read: (dv, o, le) => dv.getFloat32(o, le), out: 'f32' },
  f8: { size: 8, read: (dv, o, le) => dv.getFloat64(o, le), out: 'f64' },
  i1: { size: 1, read: (dv, o) => dv.getInt8(o), out: 'f32' },
  u1: { size: 1, read: (dv, o) => dv.getUint8(o), out: 'f32' },
  b1: { size: 1, read: (dv, o) => (dv.getUint8(o) ? 1 : 0), out: 'f32' },
  i2: { size: 2, read: (dv, o, le) => dv.getInt16(o, le), out: 'f32' },
  u2: { size: 2, read: (dv, o, le) => dv.getUint16(o, le), out: 'f32' },
  i4: { size: 4, read: (dv, o, le) => dv.getInt32(o, le), out: 'f64' },
  u4: { size: 4, read: (dv, o, le) => dv.getUint32(o, le), out: 'f64' },
  i8: { size: 8, read: (dv, o, le) => Number(dv.getBigInt64(o, le)), out: 'f64' },
  u8: { size: 8, read: (dv, o, le) => Number(dv.getBigUint64(o, le)), out: 'f64' },
};

/** The header dict numpy writes: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } */
interface Header { descr: string; fortran_order: boolean; shape: number[] }

function parseHeader(text: string, fail: (msg: string) => never): Header {
  let i = 0;
  const ws = (): void => { while (i < text.length && /\s/.test(text[i])) i++; };
  const expect = (c: string): void => { ws(); if (text[i] !== c) fail(`malformed header: expected '${c}' at header position ${i}`); i++; };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') fail(`malformed header: expected a string at header position ${i}`);
    const j = text.indexOf(q, i + 1);
    if (j < 0) fail('malformed header: unterminated string');
    const s = text.slice(i + 1, j);
    i = j + 1;
    return s;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') return str();
    if (c === '(') {
      i++;
      const items: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ')') { i++; return items; }
        const m = /^\d+L?/.exec(text.slice(i));
        if (!m) fail(`malformed header: shape entries must be non-negative integers (at header position ${i})`);
        items.push(Number(m[0].replace('L', '')));
        i += m[0].length;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') fail(`malformed header: expected ',' or ')' in shape at header position ${i}`);
      }
    }
    if (c === '[') fail('unsupported: structured dtype (a list descr)');
    for (const [lit, v] of [['True', true], ['False', false]] as const) {
      if (text.startsWith(lit, i)) { i += lit.length; return v; }
    }
    return fail(`malformed header: unexpected value at header position ${i}`);
  };
  expect('{');
  const out: Record<string, unknown> = {};
  for (;;) {
    ws();
    if (text[i] === '}') { i++; break; }
    const key = str();
    expect(':');
    out[key] = value();
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail(`malformed header: expected ',' or '}' at header position ${i}`);
  }
  ws();
  if (i !== text.length) fail('malformed header: text after the closing brace');
  if (typeof out.descr !== 'string') fail("header has no 'descr' string");
  if (typeof out.fortran_order !== 'boolean') fail("header has no 'fortran_order' boolean");
  if (!Array.isArray(out.shape)) fail("header has no 'shape' tuple");
  return out as unknown as Header;
}

/**
 * Parses the bytes of a `.npy` file.
 * @param bytes the whole file
 * @param name file name for error messages
 * @throws EsdlabError PARSE_ERROR, UNSUPPORTED_DTYPE, TRUNCATED or INVALID_SHAPE
 */
export function parseNpy(bytes: Uint8Array, name?: string): NpyTensor {
  const file = name !== undefined ? { file: name } : {};
  const failAt = (code: 'PARSE_ERROR' | 'TRUNCATED' | 'UNSUPPORTED_DTYPE', msg: string, offset?: number): never => {
    throw new EsdlabError(code, msg, { ...file, ...(offset !== undefined ? { offset } : {}) });
  };
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b)) failAt('PARSE_ERROR', 'not a .npy file (bad magic; expected \\x93NUMPY)', 0);
  const major = bytes[6];
  const dv0 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, headerStart: number;
  if (major === 1) { headerLen = dv0.getUint16(8, true); headerStart = 10; }
  else if (major === 2 || major === 3) {
    if (bytes.length < 12) failAt('TRUNCATED', 'file ends inside the .npy preamble', bytes.length);
    headerLen = dv0.getUint32(8, true); headerStart = 12;
  } else return failAt('PARSE_ERROR', `unsupported .npy format version ${major}.${bytes[7]}`, 6);
  const bodyStart = headerStart + headerLen;
  if (bodyStart > bytes.length) failAt('TRUNCATED', `header length ${headerLen} runs past the end of the file (${bytes.length} bytes)`, 8);
  const hb = bytes.subarray(headerStart, bodyStart);
  let text = '';
  if (major === 3) text = new TextDecoder('utf-8', { fatal: false }).decode(hb);
  else for (let k = 0; k < hb.length; k++) text += String.fromCharCode(hb[k]);
  const h = parseHeader(text.trim(), (msg) => failAt(msg.startsWith('unsupported') ? 'UNSUPPORTED_DTYPE' : 'PARSE_ERROR', msg, headerStart));

  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(h.descr);
  const kindKey = m ? `${m[2]}${m[3]}` : '';
  const kind = KINDS[kindKey];
  if (!m || !kind) failAt('UNSUPPORTED_DTYPE', `unsupported dtype '${h.descr}' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)`, headerStart);
  const le = m![1] !== '>';
  const shape = h.shape;
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (!Number.isSafeInteger(count) || count > 2 ** 31) throw new EsdlabError('INVALID_SHAPE', `shape (${shape.join(', ')}) is too large to load`, { ...file, offset: headerStart });
  }
  const need = count * kind.size;
  const have = bytes.length - bodyStart;
  if (have < need) failAt('TRUNCATED', `truncated body: shape (${shape.join(', ')}) of ${h.descr} needs ${need} bytes, file has ${have}`, bodyStart + have);
  if (have > need) failAt('PARSE_ERROR', `header does not match the body: shape (${shape.join(', ')}) of ${h.descr} needs ${need} bytes, file has ${have} (${have - need} extra)`, bodyStart + need);

  const out = kind.out === 'f32' ? new Float32Array(count) : new Float64Array(count);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + bodyStart, need);
  const sz = kind.size;
  if (kindKey === 'f4' && le) {
    for (let k = 0; k < count; k++) out[k] = dv.getFloat32(k * 4, true);
  } else if (kindKey === 'f8' && le) {
    for (let k = 0; k < count; k++) out[k] = dv.getFloat64(k * 8, true);
  } else {
    for (let k = 0; k < count; k++) out[k] = kind.read(dv, k * sz, le);
  }
  const data = h.fortran_order && shape.length > 1 ? fortranToC(out, shape) : out;
  return { data, shape: shape.slice(), dtype: h.descr, fortranOrder: h.fortran_order };
}

/** Reorders column-major data of `shape` into row-major order. */
function fortranToC(src: Float32Array | Float64Array, shape: number[]): Float32Array | Float64Array {
  const n = src.length;
  const dst = src instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  const r = shape.length;
  // Fortran strides: stride[0] = 1, stride[k] = stride[k-1]·shape[k-1].
  const fstr = new Array<number>(r);
  fstr[0] = 1;
  for (let k = 1; k < r; k++) fstr[k] = fstr[k - 1] * shape[k - 1];
  const idx = new Array<number>(r).fill(0);
  let f = 0;
  for (let c = 0; c < n; c++) {
    dst[c] = src[f];
    // increment the row-major multi-index (last axis fastest) and keep the Fortran offset in step
    for (let k = r - 1; k >= 0; k--) {
      idx[k]++;
      f += fstr[k];
      if (idx[k] < shape[k]) break;
      f -= fstr[k] * shape[k];
      idx[k] = 0;
    }
  }
  return dst;
}

/**
 * Reads a `.npy` file from disk.
 * @throws EsdlabError NOT_FOUND / IO_ERROR for file problems, and everything {@link parseNpy} throws.
 */
export function readNpy(path: string): NpyTensor {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new EsdlabError('NOT_FOUND', 'no such file', { file: path });
    if (code === 'EISDIR') throw new EsdlabError('IO_ERROR', 'is a directory, not a .npy file', { file: path });
    throw new EsdlabError('IO_ERROR', `cannot read file (${code ?? (e as Error).message})`, { file: path });
  }
  return parseNpy(bytes, path);
}
