/**
 * ONNX models: the weights are the graph's initializers (including those inside `If`/`Loop`/`Scan`
 * subgraphs), decoded with the `onnx-proto` protobuf schema; layer types come from the nodes that use
 * them (Gemm/MatMul → dense, Conv → conv2d/conv1d, Gather → embedding, normalization ops → norm).
 * Tensor data may be `raw_data`, the typed repeated fields, or external data files (read lazily at
 * their offset). The `.onnx` file itself is read whole (protobuf needs it); use external data for
 * models too big for memory.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { EsdlabError } from '../core/errors';
import { shapeSize, type DenseTensor, type NumericArray } from '../core/matrix';
import type { TensorEntry, TypeHint } from '../core/modelLayers';
import { DTYPE_SIZE, allocFor, decode, type StoredDtype } from './dtypes';
import type { Model } from './model';
import { RandomAccessFile } from './randomAccessFile';

const DTYPES: Record<number, StoredDtype> = { 1: 'F32', 2: 'U8', 3: 'I8', 4: 'U16', 5: 'I16', 6: 'I32', 7: 'I64', 9: 'BOOL', 10: 'F16', 11: 'F64', 16: 'BF16' };

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'object' && v !== null && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : Number(v));

interface Init { proto: onnx.ITensorProto; dtype: StoredDtype; shape: number[] }

function hintUses(graph: onnx.IGraphProto, hints: Map<string, TypeHint>, inits: Map<string, unknown>, depth: number): void {
  if (depth > 16) return;
  for (const n of graph.node ?? []) {
    const ins = n.input ?? [];
    const set = (i: number, t: TypeHint): void => { if (ins[i] && !hints.has(ins[i])) hints.set(ins[i], t); };
    switch (n.opType) {
      case 'Gemm': set(1, 'dense'); if (inits.has(ins[0])) set(0, 'dense'); break;
      case 'MatMul': case 'MatMulInteger': set(1, 'dense'); if (inits.has(ins[0])) set(0, 'dense'); break;
      case 'Conv': case 'ConvInteger': case 'ConvTranspose': set(1, 'conv2d'); break;
      case 'Gather': set(0, 'embedding'); break;
      case 'BatchNormalization': case 'InstanceNormalization': case 'LayerNormalization': case 'GroupNormalization':
        for (let i = 1; i < ins.length; i++) set(i, 'norm');
        break;
      default: break;
    }
    for (const a of n.attribute ?? []) {
      if (a.g) hintUses(a.g, hints, inits, depth + 1);
      for (const g of a.graphs ?? []) hintUses(g, hints, inits, depth + 1);
    }
  }
}

function collectInits(graph: onnx.IGraphProto, out: onnx.ITensorProto[], depth: number): void {
  if (depth > 16) return;
  for (const t of graph.initializer ?? []) out.push(t);
  for (const n of graph.node ?? []) {
    for (const a of n.attribute ?? []) {
      if (a.g) collectInits(a.g, out, depth + 1);
      for (const g of a.graphs ?? []) collectInits(g, out, depth + 1);
    }
  }
}

function typedValues(t: onnx.ITensorProto, dtype: StoredDtype, count: number, file: string, name: string): NumericArray {
  const fail = (got: number): never => { throw new EsdlabError('INVALID_SHAPE', `shape needs ${count} values but the tensor holds ${got}`, { file, tensor: name }); };
  if (dtype === 'F32') { const d = t.floatData ?? []; if (d.length !== count) fail(d.length); return Float32Array.from(d); }
  if (dtype === 'F64') { const d = t.doubleData ?? []; if (d.length !== count) fail(d.length); return Float64Array.from(d); }
  if (dtype === 'I64') { const d = t.int64Data ?? []; if (d.length !== count) fail(d.length); return Float64Array.from(d, num); }
  const d = t.int32Data ?? [];
  if (d.length !== count) fail(d.length);
  if (dtype === 'F16' || dtype === 'BF16') {
    const b = new Uint8Array(count * 2);
    for (let i = 0; i < count; i++) { b[2 * i] = d[i] & 0xff; b[2 * i + 1] = (d[i] >> 8) & 0xff; }
    return decode(dtype, b);
  }
  const out = allocFor(dtype, count);
  for (let i = 0; i < count; i++) out[i] = d[i];
  return out;
}

/** Opens an `.onnx` model (initializers as tensors, layer types from the graph). */
export async function openOnnx(file: string): Promise<Model> {
  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new EsdlabError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', code === 'ENOENT' ? 'file not found' : 'cannot read file', { file });
  }
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const msg = (e as Error).message;
    throw new EsdlabError(/index out of range|premature|truncat/i.test(msg) ? 'TRUNCATED' : 'PARSE_ERROR', `not a valid ONNX protobuf: ${msg}`, { file });
  }
  if (!model.graph) throw new EsdlabError('PARSE_ERROR', 'ONNX model has no graph', { file });
  const protos: onnx.ITensorProto[] = [];
  collectInits(model.graph, protos, 0);
  const byName = new Map<string, Init>();
  for (const t of protos) {
    const name = t.name ?? '';
    if (!name) throw new EsdlabError('PARSE_ERROR', 'initializer without a name', { file });
    if (byName.has(name)) continue; // the same initializer referenced from two subgraphs
    const dtype = DTYPES[t.dataType ?? 0];
    if (!dtype) throw new EsdlabError('UNSUPPORTED_DTYPE', `unsupported ONNX data type ${t.dataType}`, { file, tensor: name });
    const shape = (t.dims ?? []).map(num);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new EsdlabError('INVALID_SHAPE', `invalid dims [${shape.join(', ')}]`, { file, tensor: name });
    byName.set(name, { proto: t, dtype, shape });
  }
  const hints = new Map<string, TypeHint>();
  hintUses(model.graph, hints, byName, 0);
  const tensors: TensorEntry[] = [...byName.entries()].map(([name, i]) => {
    const h = hints.get(name);
    return { name, shape: i.shape.slice(), dtype: i.dtype, ...(h ? { typeHint: h } : {}) };
  });
  const dir = path.dirname(file);
  const externals = new Map<string, RandomAccessFile>();
  return {
    format: 'onnx', source: file, convLayout: 'pytorch', tensors,
    async readTensor(name: string): Promise<DenseTensor> {
      const i = byName.get(name);
      if (!i) throw new EsdlabError('NOT_FOUND', 'no such tensor', { file, tensor: name });
      const count = shapeSize(i.shape);
      const size = DTYPE_SIZE[i.dtype];
      const t = i.proto;
      let data: NumericArray;
      if (t.dataLocation === 1) {
        const kv = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
        const loc = kv.get('location') ?? '';
        if (!loc || path.isAbsolute(loc) || loc.split(/[\\/]/).includes('..') || loc.includes('\0')) {
          throw new EsdlabError('FORBIDDEN', `external data location ${JSON.stringify(loc)} must be a relative path inside the model directory`, { file, tensor: name });
        }
        const offset = Number(kv.get('offset') ?? '0');
        const length = kv.has('length') ? Number(kv.get('length')) : count * size;
        if (!Number.isSafeInteger(offset) || offset < 0 || length !== count * size) {
          throw new EsdlabError('INVALID_SHAPE', `external data offset/length (${kv.get('offset')}, ${kv.get('length')}) do not fit ${count} ${i.dtype} values`, { file, tensor: name });
        }
        let f = externals.get(loc);
        if (!f) {
          f = await RandomAccessFile.open(path.join(dir, loc));
          externals.set(loc, f);
        }
        data = await f.readTensor(offset, i.dtype, count, name);
      } else if (t.rawData && t.rawData.length > 0) {
        if (t.rawData.length !== count * size) throw new EsdlabError('INVALID_SHAPE', `shape [${i.shape.join(', ')}] of ${i.dtype} needs ${count * size} bytes but raw_data has ${t.rawData.length}`, { file, tensor: name });
        data = decode(i.dtype, t.rawData);
      } else {
        data = typedValues(t, i.dtype, count, file, name);
      }
      return { data, shape: i.shape.slice() };
    },
    async close(): Promise<void> {
      const fs = [...externals.values()];
      externals.clear();
      await Promise.all(fs.map((f) => f.close()));
    },
  };
}
