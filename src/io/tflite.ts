/**
 * TensorFlow Lite flatbuffers (`.tflite`): constant tensors of the first subgraph with their buffers,
 * read through the `flatbuffers` runtime with bounds-checked table accessors written from the TFLite
 * schema (Model, SubGraph, Tensor, Buffer, Operator, OperatorCode, QuantizationParameters). Layer types
 * come from the operators using a tensor (directly or through a DEQUANTIZE op): CONV_2D and
 * TRANSPOSE_CONV filters (stored out, kh, kw, in) are transposed on read to the Keras layout (kh, kw, in,
 * out); DEPTHWISE_CONV_2D filters (1, kh, kw, channels) become (kh, kw, channels, 1); FULLY_CONNECTED
 * weights are dense (out, in); EMBEDDING_LOOKUP tables are embeddings. float16 weights are cast;
 * int8/uint8 weights are dequantized, scale·(q − zero_point) per tensor or per channel, and say so.
 */
import { promises as fsp } from 'fs';
import { ByteBuffer } from 'flatbuffers';
import { EsdlabError } from '../core/errors';
import { shapeSize, type DenseTensor, type NumericArray } from '../core/matrix';
import type { TensorEntry, TypeHint } from '../core/modelLayers';
import { DTYPE_SIZE, decode, type StoredDtype } from './dtypes';
import type { Model } from './model';

const TYPES: Record<number, StoredDtype> = { 0: 'F32', 1: 'F16', 2: 'I32', 3: 'U8', 4: 'I64', 6: 'BOOL', 7: 'I16', 9: 'I8', 10: 'F64' };
const OP = { CONV_2D: 3, DEPTHWISE_CONV_2D: 4, DEQUANTIZE: 6, EMBEDDING_LOOKUP: 7, FULLY_CONNECTED: 9, TRANSPOSE_CONV: 67, BATCH_MATMUL: 126 };

class Bad extends Error {}

/** A bounds-checked view of one flatbuffer table. */
class Table {
  constructor(private readonly bb: ByteBuffer, readonly pos: number) {
    this.check(pos, 4);
  }

  private check(at: number, len: number): void {
    if (!(at >= 0 && at + len <= this.bb.capacity())) throw new Bad(`offset ${at} outside the ${this.bb.capacity()}-byte buffer`);
  }

  private field(i: number): number {
    const vt = this.pos - this.bb.readInt32(this.pos);
    this.check(vt, 4);
    const vtLen = this.bb.readUint16(vt);
    if (4 + 2 * i >= vtLen) return 0;
    this.check(vt + 4 + 2 * i, 2);
    return this.bb.readUint16(vt + 4 + 2 * i);
  }

  scalar(i: number, kind: 'i8' | 'u8' | 'i32' | 'u32' | 'i64', dflt: number): number {
    const o = this.field(i);
    if (!o) return dflt;
    const at = this.pos + o;
    this.check(at, kind === 'i64' ? 8 : kind === 'i32' || kind === 'u32' ? 4 : 1);
    switch (kind) {
      case 'i8': return this.bb.readInt8(at);
      case 'u8': return this.bb.readUint8(at);
      case 'i32': return this.bb.readInt32(at);
      case 'u32': return this.bb.readUint32(at);
      default: return Number(this.bb.readInt64(at));
    }
  }

  private ref(i: number): number | null {
    const o = this.field(i);
    if (!o) return null;
    const at = this.pos + o;
    this.check(at, 4);
    const target = at + this.bb.readUint32(at);
    this.check(target, 4);
    return target;
  }

  table(i: number): Table | null {
    const t = this.ref(i);
    return t === null ? null : new Table(this.bb, t);
  }

  /** [start, length] of a vector field with elements of `size` bytes. */
  vector(i: number, size: number): [number, number] {
    const v = this.ref(i);
    if (v === null) return [0, 0];
    const n = this.bb.readUint32(v);
    this.check(v + 4, n * size);
    return [v + 4, n];
  }

  tables(i: number): Table[] {
    const [s, n] = this.vector(i, 4);
    const out: Table[] = [];
    for (let k = 0; k < n; k++) out.push(new Table(this.bb, s + 4 * k + this.bb.readUint32(s + 4 * k)));
    return out;
  }

  ints(i: number): number[] {
    const [s, n] = this.vector(i, 4);
    return Array.from({ length: n }, (_, k) => this.bb.readInt32(s + 4 * k));
  }

  floats(i: number): number[] {
    const [s, n] = this.vector(i, 4);
    return Array.from({ length: n }, (_, k) => this.bb.readFloat32(s + 4 * k));
  }

  longs(i: number): number[] {
    const [s, n] = this.vector(i, 8);
    return Array.from({ length: n }, (_, k) => Number(this.bb.readInt64(s + 8 * k)));
  }

  bytes(i: number): Uint8Array {
    const [s, n] = this.vector(i, 1);
    return this.bb.bytes().subarray(s, s + n);
  }

  string(i: number): string {
    return new TextDecoder().decode(this.bytes(i));
  }
}

interface Const {
  entry: TensorEntry;
  bytes: Uint8Array;
  dtype: StoredDtype;
  stored: number[];
  transform: 'none' | 'ohwi' | 'depthwise';
  quant: { scale: number[]; zero: number[]; axis: number } | null;
}

/** Opens a `.tflite` model (first subgraph's constant tensors). */
export async function openTflite(file: string): Promise<Model> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fsp.readFile(file));
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new EsdlabError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', code === 'ENOENT' ? 'file not found' : 'cannot read file', { file });
  }
  if (bytes.length < 8 || String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]) !== 'TFL3') {
    throw new EsdlabError('PARSE_ERROR', 'not a TFLite flatbuffer (file identifier TFL3 missing)', { file });
  }
  const consts: Const[] = [];
  try {
    const bb = new ByteBuffer(bytes);
    const model = new Table(bb, bb.readUint32(0));
    const codes = model.tables(1).map((c) => Math.max(c.scalar(0, 'i8', 0), c.scalar(3, 'i32', 0)));
    const buffers = model.tables(4);
    const subgraphs = model.tables(2);
    if (!subgraphs.length) throw new Bad('model has no subgraph');
    const sg = subgraphs[0];
    const tensors = sg.tables(0);
    // operator uses: which tensor feeds which op's weight input; DEQUANTIZE forwards to its input
    const use = new Map<number, number>();
    const dequantOf = new Map<number, number>();
    const ops = sg.tables(3);
    for (const op of ops) {
      const code = codes[op.scalar(0, 'u32', 0)] ?? -1;
      const ins = op.ints(1);
      const outs = op.ints(2);
      if (code === OP.DEQUANTIZE && ins.length && outs.length) dequantOf.set(outs[0], ins[0]);
      if ((code === OP.CONV_2D || code === OP.DEPTHWISE_CONV_2D || code === OP.FULLY_CONNECTED || code === OP.BATCH_MATMUL) && ins.length > 1) use.set(ins[1], code);
      if (code === OP.TRANSPOSE_CONV && ins.length > 1) use.set(ins[1], code);
      if (code === OP.EMBEDDING_LOOKUP && ins.length > 1) use.set(ins[1], code);
    }
    for (const [out, inp] of dequantOf) if (use.has(out) && !use.has(inp)) use.set(inp, use.get(out) as number);
    const seen = new Set<string>();
    tensors.forEach((t, idx) => {
      const shape = t.ints(0);
      const type = t.scalar(1, 'i8', 0);
      const bi = t.scalar(2, 'u32', 0);
      const name = t.string(3) || `tensor_${idx}`;
      const buf = buffers[bi];
      if (!buf || shape.length < 2) return;
      let data = buf.bytes(0);
      if (!data.length) {
        const off = buf.scalar(1, 'i64', 0);
        const size = buf.scalar(2, 'i64', 0);
        if (off > 1 && size > 0) {
          if (off + size > bytes.length) throw new EsdlabError('TRUNCATED', `buffer ${bi} at bytes ${off}..${off + size} is beyond the file`, { file, tensor: name });
          data = bytes.subarray(off, off + size);
        }
      }
      if (!data.length) return; // not a constant
      const dtype = TYPES[type];
      if (!dtype) throw new EsdlabError('UNSUPPORTED_DTYPE', `unsupported TFLite tensor type ${type}`, { file, tensor: name });
      if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new EsdlabError('INVALID_SHAPE', `invalid shape [${shape.join(', ')}]`, { file, tensor: name });
      if (data.length !== shapeSize(shape) * DTYPE_SIZE[dtype]) throw new EsdlabError('INVALID_SHAPE', `shape [${shape.join(', ')}] of ${dtype} needs ${shapeSize(shape) * DTYPE_SIZE[dtype]} bytes but its buffer has ${data.length}`, { file, tensor: name });
      if (seen.has(name)) return;
      seen.add(name);
      const q = t.table(4);
      const scale = q ? q.floats(2) : [];
      const zero = q ? q.longs(3) : [];
      const quant = (dtype === 'I8' || dtype === 'U8' || dtype === 'I16') && scale.length ? { scale, zero, axis: q ? q.scalar(6, 'i32', 0) : 0 } : null;
      const code = use.get(idx);
      let hint: TypeHint | undefined;
      let transform: Const['transform'] = 'none';
      let listed = shape.slice();
      if (shape.length === 4 && code !== OP.DEPTHWISE_CONV_2D) {
        transform = 'ohwi';
        const [o, h, w, i] = shape;
        listed = [h, w, i, o];
        hint = 'conv2d';
      } else if (shape.length === 4) {
        transform = 'depthwise';
        const [, h, w, c] = shape;
        listed = [h, w, c, 1];
        hint = 'conv2d';
      } else if (code === OP.FULLY_CONNECTED || code === OP.BATCH_MATMUL) hint = 'dense';
      else if (code === OP.EMBEDDING_LOOKUP) hint = 'embedding';
      const dequantized = quant ? `${dtype === 'U8' ? 'uint8' : dtype === 'I8' ? 'int8' : 'int16'} affine: scale*(q-zero_point) (${scale.length > 1 ? `per channel, axis ${quant.axis}` : `scale=${scale[0]}, zero_point=${zero[0] ?? 0}`})` : null;
      consts.push({ entry: { name, shape: listed, dtype, dequantized, ...(hint ? { typeHint: hint } : {}) }, bytes: data, dtype, stored: shape, transform, quant });
    });
  } catch (e) {
    if (e instanceof EsdlabError) throw e;
    throw new EsdlabError('PARSE_ERROR', `malformed TFLite flatbuffer: ${(e as Error).message}`, { file });
  }
  const byName = new Map(consts.map((c) => [c.entry.name, c]));
  return {
    format: 'tflite', source: file, convLayout: 'keras', tensors: consts.map((c) => c.entry),
    readTensor(name: string): Promise<DenseTensor> {
      const c = byName.get(name);
      if (!c) return Promise.reject(new EsdlabError('NOT_FOUND', 'no such tensor', { file, tensor: name }));
      let v: NumericArray = decode(c.dtype, c.bytes);
      if (c.quant) {
        const { scale, zero, axis } = c.quant;
        const out = new Float64Array(v.length);
        const inner = c.stored.slice(axis + 1).reduce((a, b) => a * b, 1);
        const dim = c.stored[axis] ?? 1;
        for (let k = 0; k < v.length; k++) {
          const ch = scale.length > 1 ? Math.floor(k / inner) % dim : 0;
          out[k] = (scale[ch] ?? scale[0]) * (v[k] - (zero[ch] ?? zero[0] ?? 0));
        }
        v = out;
      }
      if (c.transform === 'ohwi') {
        const [o, h, w, i] = c.stored;
        const t = v instanceof Float64Array ? new Float64Array(v.length) : new Float32Array(v.length);
        for (let a = 0; a < o; a++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let b = 0; b < i; b++) {
          t[((y * w + x) * i + b) * o + a] = v[((a * h + y) * w + x) * i + b];
        }
        v = t;
      }
      return Promise.resolve({ data: v, shape: c.entry.shape.slice() });
    },
    close: () => Promise.resolve(),
  };
}
