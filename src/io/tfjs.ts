/**
 * TensorFlow.js model loader: graph models and layers models (`model.json` + binary shards), and bare
 * weight manifests (`*-weights_manifest.json`). Weights are float32, int32, or quantized by the tfjs
 * converter: float16, or affine uint8/uint16 (value = q·scale + min), which is dequantized here and
 * recorded in the tensor's `dequantized` field. Layer types come from the graph's ops (Conv2D, MatMul,
 * …) or the layers model's Keras classes. Tensor bytes are read lazily from the shard files.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { EsdlabError } from '../core/errors';
import { shapeSize, type DenseTensor, type NumericArray } from '../core/matrix';
import type { TypeHint, TensorEntry } from '../core/modelLayers';
import { allocFor, decodeInto, type StoredDtype } from './dtypes';
import type { Model } from './model';
import { RandomAccessFile } from './randomAccessFile';

interface Quantization { dtype: string; scale?: number; min?: number; original_dtype?: string }
interface WeightSpec { name: string; shape: number[]; dtype: string; quantization?: Quantization }
interface Group { paths: string[]; weights: WeightSpec[] }

interface Placed {
  entry: TensorEntry;
  group: number;
  offset: number;
  stored: StoredDtype;
  count: number;
  affine: { scale: number; min: number } | null;
}

const GRAPH_OP_TYPES: Record<string, TypeHint> = {
  Conv2D: 'conv2d', _FusedConv2D: 'conv2d', DepthwiseConv2dNative: 'conv2d', FusedDepthwiseConv2dNative: 'conv2d',
  Conv2DBackpropInput: 'conv2d', Conv1D: 'conv1d', MatMul: 'dense', _FusedMatMul: 'dense', BatchMatMulV2: 'dense',
  Einsum: 'dense', GatherV2: 'embedding', ResourceGather: 'embedding', FusedBatchNorm: 'norm', FusedBatchNormV3: 'norm',
};

const KERAS_TYPES: Record<string, TypeHint> = {
  Dense: 'dense', Conv2D: 'conv2d', Conv1D: 'conv1d', DepthwiseConv2D: 'conv2d', SeparableConv2D: 'conv2d',
  Conv2DTranspose: 'conv2d', Embedding: 'embedding', BatchNormalization: 'norm', LayerNormalization: 'norm',
  LSTM: 'dense', GRU: 'dense', SimpleRNN: 'dense',
};

function storedOf(dtype: string, file: string, tensor: string): StoredDtype {
  switch (dtype) {
    case 'float32': return 'F32';
    case 'float16': return 'F16';
    case 'int32': return 'I32';
    case 'uint8': return 'U8';
    case 'uint16': return 'U16';
    case 'bool': return 'BOOL';
    default: throw new EsdlabError('UNSUPPORTED_DTYPE', `unsupported tfjs weight dtype ${JSON.stringify(dtype)}`, { file, tensor });
  }
}

function typeHintsFromTopology(topology: unknown): Map<string, TypeHint> {
  const hints = new Map<string, TypeHint>();
  if (typeof topology !== 'object' || topology === null) return hints;
  const nodes = (topology as { node?: unknown }).node;
  if (Array.isArray(nodes)) {
    for (const n of nodes as { op?: unknown; input?: unknown }[]) {
      const t = typeof n?.op === 'string' ? GRAPH_OP_TYPES[n.op] : undefined;
      if (!t || !Array.isArray(n.input)) continue;
      const inputs = (n.input as unknown[]).filter((s): s is string => typeof s === 'string').map((s) => s.replace(/^\^/, '').replace(/:\d+$/, ''));
      // the weight operand: filter for convs, second operand for matmuls, params for gathers
      const idx = t === 'embedding' ? 0 : 1;
      if (inputs[idx] !== undefined && !hints.has(inputs[idx])) hints.set(inputs[idx], t);
      if (t === 'dense' && inputs[0] !== undefined && !hints.has(inputs[0])) hints.set(inputs[0], t);
    }
  }
  const cfg = (topology as { model_config?: { config?: unknown }; config?: unknown }).model_config?.config ?? (topology as { config?: unknown }).config;
  const layers = (cfg as { layers?: unknown } | undefined)?.layers;
  if (Array.isArray(layers)) {
    for (const l of layers as { class_name?: unknown; config?: { name?: unknown } }[]) {
      const t = typeof l?.class_name === 'string' ? KERAS_TYPES[l.class_name] : undefined;
      if (t && typeof l.config?.name === 'string') hints.set(`layer:${l.config.name}`, t);
    }
  }
  return hints;
}

function hintFor(name: string, hints: Map<string, TypeHint>): TypeHint | undefined {
  const direct = hints.get(name);
  if (direct) return direct;
  const parts = name.split('/');
  for (let i = parts.length - 2; i >= 0; i--) {
    const t = hints.get(`layer:${parts[i]}`);
    if (t) return t;
  }
  return undefined;
}

function checkShardPath(p: unknown, file: string): string {
  if (typeof p !== 'string' || p.length === 0 || path.isAbsolute(p) || p.split(/[\\/]/).some((s) => s === '..') || p.includes('\0')) {
    throw new EsdlabError('FORBIDDEN', `weight shard path ${JSON.stringify(p)} must be a relative path inside the model directory`, { file });
  }
  return p;
}

/**
 * Opens a TF.js model (`model.json` of a graph or layers model, or a bare weights manifest JSON
 * array). Only the JSON is read now; shard bytes are read per tensor.
 */
export async function openTfjs(jsonPath: string): Promise<Model> {
  let json: unknown;
  try {
    json = JSON.parse(await fsp.readFile(jsonPath, 'utf8'));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new EsdlabError('NOT_FOUND', 'file not found', { file: jsonPath });
    throw new EsdlabError('PARSE_ERROR', `not valid JSON: ${(e as Error).message}`, { file: jsonPath });
  }
  let groups: unknown;
  let format = 'tfjs-weights';
  let topology: unknown = null;
  if (Array.isArray(json)) groups = json;
  else if (typeof json === 'object' && json !== null) {
    groups = (json as { weightsManifest?: unknown }).weightsManifest;
    topology = (json as { modelTopology?: unknown }).modelTopology ?? null;
    const f = (json as { format?: unknown }).format;
    format = f === 'graph-model' ? 'tfjs-graph' : f === 'layers-model' ? 'tfjs-layers' : Array.isArray((topology as { node?: unknown } | null)?.node) ? 'tfjs-graph' : 'tfjs-layers';
  }
  if (!Array.isArray(groups)) throw new EsdlabError('PARSE_ERROR', 'no weightsManifest array (is this a TF.js model.json?)', { file: jsonPath });
  const hints = typeHintsFromTopology(topology);
  const dir = path.dirname(jsonPath);
  const parsed: Group[] = [];
  for (const g of groups as unknown[]) {
    const paths = (g as { paths?: unknown })?.paths;
    const weights = (g as { weights?: unknown })?.weights;
    if (!Array.isArray(paths) || !Array.isArray(weights)) throw new EsdlabError('PARSE_ERROR', 'weightsManifest group lacks paths/weights arrays', { file: jsonPath });
    parsed.push({ paths: paths.map((p) => checkShardPath(p, jsonPath)), weights: weights as WeightSpec[] });
  }
  const placed: Placed[] = [];
  const groupBytes: number[] = [];
  parsed.forEach((g, gi) => {
    let offset = 0;
    for (const w of g.weights) {
      const name = typeof w?.name === 'string' ? w.name : '';
      if (!name) throw new EsdlabError('PARSE_ERROR', 'weight without a name', { file: jsonPath });
      if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new EsdlabError('INVALID_SHAPE', `invalid shape ${JSON.stringify(w.shape)}`, { file: jsonPath, tensor: name });
      const count = shapeSize(w.shape);
      const q = w.quantization;
      let stored: StoredDtype;
      let affine: Placed['affine'] = null;
      let dequantized: string | null = null;
      if (q) {
        stored = storedOf(q.dtype, jsonPath, name);
        if (stored === 'U8' || stored === 'U16') {
          if (typeof q.scale !== 'number' || typeof q.min !== 'number' || !Number.isFinite(q.scale) || !Number.isFinite(q.min)) {
            throw new EsdlabError('PARSE_ERROR', `quantized weight lacks a finite scale/min`, { file: jsonPath, tensor: name });
          }
          affine = { scale: q.scale, min: q.min };
          dequantized = `${q.dtype} affine: q*scale+min (scale=${q.scale}, min=${q.min})`;
        } else if (stored !== 'F16') throw new EsdlabError('UNSUPPORTED_DTYPE', `unsupported quantization dtype ${JSON.stringify(q.dtype)}`, { file: jsonPath, tensor: name });
      } else {
        if (w.dtype === 'string') throw new EsdlabError('UNSUPPORTED_DTYPE', 'string weights are not supported', { file: jsonPath, tensor: name });
        stored = storedOf(w.dtype, jsonPath, name);
      }
      const size = stored === 'F32' || stored === 'I32' ? 4 : stored === 'F16' || stored === 'U16' ? 2 : 1;
      placed.push({
        entry: { name, shape: w.shape.slice(), dtype: stored, dequantized, typeHint: hintFor(name, hints) },
        group: gi, offset, stored, count, affine,
      });
      offset += count * size;
    }
    groupBytes.push(offset);
  });
  // shard sizes: check now that the manifest's byte count matches the files (lying manifests fail early)
  const shardSizes: number[][] = [];
  for (let gi = 0; gi < parsed.length; gi++) {
    const sizes: number[] = [];
    for (const p of parsed[gi].paths) {
      const full = path.join(dir, p);
      try {
        sizes.push((await fsp.stat(full)).size);
      } catch {
        throw new EsdlabError('NOT_FOUND', `weight shard ${p} not found`, { file: jsonPath });
      }
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total < groupBytes[gi]) throw new EsdlabError('TRUNCATED', `weights need ${groupBytes[gi]} bytes but the shards of group ${gi} hold ${total}`, { file: jsonPath });
    shardSizes.push(sizes);
  }
  const byName = new Map<string, Placed>();
  for (const p of placed) {
    if (byName.has(p.entry.name)) throw new EsdlabError('PARSE_ERROR', 'weight appears twice in the manifest', { file: jsonPath, tensor: p.entry.name });
    byName.set(p.entry.name, p);
  }
  const open = new Map<string, RandomAccessFile>();
  const fileOf = async (rel: string): Promise<RandomAccessFile> => {
    let f = open.get(rel);
    if (!f) {
      f = await RandomAccessFile.open(path.join(dir, rel));
      open.set(rel, f);
    }
    return f;
  };
  async function readRange(gi: number, offset: number, length: number, tensor: string): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let pos = 0;
    let shardStart = 0;
    const g = parsed[gi];
    for (let s = 0; s < g.paths.length && pos < length; s++) {
      const size = shardSizes[gi][s];
      const from = offset + pos;
      if (from < shardStart + size) {
        const n = Math.min(length - pos, shardStart + size - from);
        const f = await fileOf(g.paths[s]);
        out.set(await f.readAt(from - shardStart, n, tensor), pos);
        pos += n;
      }
      shardStart += size;
    }
    if (pos < length) throw new EsdlabError('TRUNCATED', 'weight data runs past the last shard', { file: jsonPath, tensor });
    return out;
  }
  return {
    format, source: jsonPath, convLayout: 'keras', tensors: placed.map((p) => p.entry),
    async readTensor(name: string): Promise<DenseTensor> {
      const p = byName.get(name);
      if (!p) throw new EsdlabError('NOT_FOUND', 'no such tensor', { file: jsonPath, tensor: name });
      const size = p.stored === 'F32' || p.stored === 'I32' ? 4 : p.stored === 'F16' || p.stored === 'U16' ? 2 : 1;
      const bytes = await readRange(p.group, p.offset, p.count * size, name);
      // dequantized values are kept in float64 (q*scale+min is not exact in float32)
      const data: NumericArray = p.affine ? new Float64Array(p.count) : allocFor(p.stored, p.count);
      decodeInto(p.stored, bytes, data, 0);
      if (p.affine) for (let i = 0; i < data.length; i++) data[i] = data[i] * p.affine.scale + p.affine.min;
      return { data, shape: p.entry.shape.slice() };
    },
    async close(): Promise<void> {
      const files = [...open.values()];
      open.clear();
      await Promise.all(files.map((f) => f.close()));
    },
  };
}
