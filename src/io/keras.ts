/**
 * Keras models in HDF5: legacy `.h5` files (`model.save('m.h5')`, `save_weights`: datasets under
 * `model_weights/<layer>/…/kernel`) and Keras 3 `.keras` zips (`model.weights.h5` with
 * `layers/<layer>/vars/<i>`). HDF5 is read by h5wasm (the HDF5 C library compiled to WebAssembly)
 * from an in-memory copy of the file, in a worker thread with a time limit per request. Layer types come from the model config's Keras class names, or
 * from the layer path's name (`dense_1`, `conv2d`…). Kernels are in Keras layout (kh, kw, in, out).
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { EsdlabError } from '../core/errors';
import type { DenseTensor, NumericArray } from '../core/matrix';
import type { TensorEntry, TypeHint } from '../core/modelLayers';
import { decode } from './dtypes';
import type { Model } from './model';
import { ZipArchive } from './zipArchive';

/** One dataset as the worker lists it. */
interface DatasetInfo { path: string; shape: number[]; type: number; size: number; signed: boolean }

/**
 * The HDF5 side runs in a worker thread: the HDF5 library can loop forever on some corrupted files,
 * and a worker can be terminated when a request exceeds its time limit (synchronous WebAssembly in
 * the main thread could not be interrupted).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const vm = require('vm');
const code = fs.readFileSync(workerData.lib, 'utf8');
const h5wasm = vm.runInThisContext('(function(){' + code + '\\n;return h5wasm;})()', { filename: workerData.lib });
h5wasm.ready.then((M) => {
  const p = '/model.h5';
  M.FS.writeFile(p, workerData.bytes);
  let f;
  try { f = new h5wasm.File(p, 'r'); } catch (e) { parentPort.postMessage({ error: 'cannot open: ' + e.message }); return; }
  if (!f || f.file_id === undefined || f.file_id < 0n) { parentPort.postMessage({ error: 'cannot open the HDF5 file' }); return; }
  const datasets = new Map();
  let config = null;
  try {
    const a = f.attrs && f.attrs.model_config;
    if (a && typeof a.value === 'string') config = a.value;
    const root = f.get('model_weights') ? 'model_weights' : (f.get('layers') ? 'layers' : '');
    const list = [];
    const walk = (g, prefix, depth) => {
      if (depth > 32) return;
      for (const k of g.keys()) {
        const path = prefix ? prefix + '/' + k : k;
        const c = g.get(k);
        if (!c) continue;
        if (c.type === 'Group') walk(c, path, depth + 1);
        else if (c.type === 'Dataset') {
          const m = c.metadata;
          if (m.type !== 0 && m.type !== 1) continue;
          datasets.set(path, c);
          list.push({ path, shape: (c.shape || []).map(Number), type: m.type, size: m.size, signed: !!m.signed });
        }
      }
    };
    walk(root ? f.get(root) : f, root, 0);
    parentPort.postMessage({ list, config, root });
  } catch (e) { parentPort.postMessage({ error: 'malformed HDF5 structure: ' + e.message }); return; }
  parentPort.on('message', (msg) => {
    try {
      const d = datasets.get(msg.path);
      let v = d.value;
      if (!ArrayBuffer.isView(v)) { parentPort.postMessage({ id: msg.id, error: 'dataset is not a numeric array' }); return; }
      if (!(v instanceof Float32Array) && !(v instanceof Float64Array) && !(d.metadata.type === 1 && d.metadata.size === 2 && v instanceof Uint16Array)) {
        v = d.metadata.size === 8 ? Float64Array.from(v, Number) : Float32Array.from(v, Number);
      } else v = v.slice();
      parentPort.postMessage({ id: msg.id, data: v }, [v.buffer]);
    } catch (e) { parentPort.postMessage({ id: msg.id, error: 'cannot read dataset: ' + e.message }); }
  });
}, (e) => parentPort.postMessage({ error: 'h5wasm failed to start: ' + e.message }));
`;

/** Path of h5wasm's self-contained IIFE build (its exports map offers only ESM). */
async function h5wasmPath(): Promise<string> {
  let dir = __dirname;
  for (;;) {
    const f = path.join(dir, 'node_modules', 'h5wasm', 'dist', 'iife', 'h5wasm.js');
    try {
      await fsp.access(f);
      return f;
    } catch { /* look further up */ }
    const up = path.dirname(dir);
    if (up === dir) throw new EsdlabError('UNSUPPORTED_FORMAT', 'reading Keras HDF5 files needs the npm package h5wasm (npm install h5wasm)');
    dir = up;
  }
}

const KERAS_TYPES: Record<string, TypeHint> = {
  Dense: 'dense', EinsumDense: 'dense', Conv2D: 'conv2d', Conv1D: 'conv1d', DepthwiseConv2D: 'conv2d', SeparableConv2D: 'conv2d',
  Conv2DTranspose: 'conv2d', Embedding: 'embedding', BatchNormalization: 'norm', LayerNormalization: 'norm', GroupNormalization: 'norm',
  LSTM: 'dense', GRU: 'dense', SimpleRNN: 'dense',
};

/** Keras class name of a snake_case layer name (`dense_1` → Dense, `conv2d_transpose` → Conv2DTranspose). */
function hintFromSnake(name: string): TypeHint | undefined {
  const base = name.replace(/_\d+$/, '');
  const map: Record<string, TypeHint> = {
    dense: 'dense', einsum_dense: 'dense', conv2d: 'conv2d', conv1d: 'conv1d', depthwise_conv2d: 'conv2d', separable_conv2d: 'conv2d',
    conv2d_transpose: 'conv2d', embedding: 'embedding', batch_normalization: 'norm', layer_normalization: 'norm', lstm: 'dense', gru: 'dense',
  };
  return map[base];
}

function classHints(configJson: unknown): Map<string, TypeHint> {
  const out = new Map<string, TypeHint>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 32 || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) { for (const x of v) walk(x, depth + 1); return; }
    const o = v as { class_name?: unknown; config?: { name?: unknown; layers?: unknown } };
    if (typeof o.class_name === 'string' && typeof o.config?.name === 'string' && KERAS_TYPES[o.class_name]) out.set(o.config.name, KERAS_TYPES[o.class_name]);
    for (const x of Object.values(o)) walk(x, depth + 1);
  };
  walk(configJson, 0);
  return out;
}

function parseJsonAttr(v: unknown): unknown {
  if (typeof v !== 'string') return null;
  try { return JSON.parse(v); } catch { return null; }
}

/** Options of {@link openKeras}. */
export interface KerasOptions {
  /** Longest time one HDF5 request (listing, or reading a dataset) may take, ms (default 30 000). */
  timeoutMs?: number;
}

/** Opens a Keras `.h5`/`.hdf5` file or a Keras 3 `.keras` archive. */
export async function openKeras(file: string, options: KerasOptions = {}): Promise<Model> {
  const timeoutMs = options.timeoutMs ?? 30000;
  let bytes: Uint8Array;
  let config: unknown = null;
  const isZip = await fsp.open(file, 'r').then(async (h) => {
    try { const b = new Uint8Array(4); await h.read(b, 0, 4, 0); return b[0] === 0x50 && b[1] === 0x4b; } finally { await h.close(); }
  }, (e: { code?: string }) => { throw new EsdlabError(e.code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', e.code === 'ENOENT' ? 'file not found' : 'cannot open file', { file }); });
  if (isZip) {
    const zip = await ZipArchive.open(file);
    try {
      if (!zip.has('model.weights.h5')) throw new EsdlabError('PARSE_ERROR', '.keras archive has no model.weights.h5', { file });
      bytes = await zip.read('model.weights.h5');
      if (zip.has('config.json')) config = parseJsonAttr(new TextDecoder().decode(await zip.read('config.json')));
    } finally {
      zip.close();
    }
  } else {
    bytes = await fsp.readFile(file);
  }
  if (bytes.length < 8 || bytes[0] !== 0x89 || bytes[1] !== 0x48 || bytes[2] !== 0x44 || bytes[3] !== 0x46) throw new EsdlabError('PARSE_ERROR', 'not an HDF5 file (bad signature)', { file });
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { lib: await h5wasmPath(), bytes }, stdout: true, stderr: true });
  worker.stdout.resume();
  worker.stderr.resume(); // the HDF5 library prints its error stack; errors reach the caller as EsdlabErrors
  const pending = new Map<number, { resolve: (v: { data?: NumericArray | Uint16Array; error?: string }) => void }>();
  let failure: string | null = null;
  let nextId = 0;
  const first = new Promise<{ list?: DatasetInfo[]; config?: string | null; root?: string; error?: string }>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (e) => resolve({ error: e.message }));
    worker.once('exit', () => resolve({ error: 'HDF5 worker exited' }));
  });
  worker.on('message', (m: { id?: number; data?: NumericArray | Uint16Array; error?: string }) => {
    if (m.id !== undefined) { pending.get(m.id)?.resolve(m); pending.delete(m.id); }
  });
  const die = (why: string): void => {
    failure = why;
    for (const p of pending.values()) p.resolve({ error: why });
    pending.clear();
    void worker.terminate();
  };
  worker.on('error', (e) => die(`HDF5 worker failed: ${e.message}`));
  worker.on('exit', () => { if (!failure) die('HDF5 worker exited'); });
  const withTimeout = <T>(p: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const t = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        die(`${what} did not finish within ${timeoutMs} ms`);
        reject(new EsdlabError('PARSE_ERROR', `${what} did not finish within ${timeoutMs} ms (malformed HDF5 file?)`, { file }));
      }, timeoutMs);
    });
    return Promise.race([p, t]).finally(() => clearTimeout(timer));
  };
  const head = await withTimeout(first, 'reading the HDF5 structure');
  if (head.error || !head.list) {
    die('failed');
    throw new EsdlabError('PARSE_ERROR', `HDF5 file could not be read: ${head.error ?? 'no datasets'}`, { file });
  }
  if (!config && head.config) config = parseJsonAttr(head.config);
  const hints = classHints(config);
  const root = head.root ?? '';
  const tensors: TensorEntry[] = [];
  const paths = new Map<string, DatasetInfo>();
  for (const d of head.list) {
    const rel = root && d.path.startsWith(`${root}/`) ? d.path.slice(root.length + 1) : d.path;
    const layer = rel.split('/')[0];
    const hint = hints.get(layer) ?? hintFromSnake(layer);
    paths.set(rel, d);
    tensors.push({ name: rel, shape: d.shape, dtype: `${d.type === 1 ? 'F' : d.signed ? 'I' : 'U'}${8 * d.size}`, ...(hint ? { typeHint: hint } : {}) });
  }
  let closed = false;
  return {
    format: isZip ? 'keras' : 'keras-h5', source: file, convLayout: 'keras', tensors,
    async readTensor(name: string): Promise<DenseTensor> {
      const d = paths.get(name);
      if (!d) throw new EsdlabError('NOT_FOUND', 'no such tensor', { file, tensor: name });
      if (failure) throw new EsdlabError('PARSE_ERROR', failure, { file, tensor: name });
      const id = nextId++;
      const reply = await withTimeout(new Promise<{ data?: NumericArray | Uint16Array; error?: string }>((resolve) => {
        pending.set(id, { resolve });
        worker.postMessage({ id, path: d.path });
      }), `reading ${name}`);
      if (reply.error || !reply.data) throw new EsdlabError('PARSE_ERROR', reply.error ?? 'no data', { file, tensor: name });
      // re-wrap by tag: the arrays come from the worker's realm (instanceof may fail in sandboxes)
      const raw = reply.data;
      const tag = Object.prototype.toString.call(raw);
      const data: NumericArray = tag === '[object Uint16Array]' ? decode('F16', new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength))
        : tag === '[object Float64Array]' ? new Float64Array(raw.buffer, raw.byteOffset, raw.length)
          : new Float32Array(raw.buffer, raw.byteOffset, raw.length);
      if (data.length !== d.shape.reduce((a, b) => a * b, 1)) throw new EsdlabError('INVALID_SHAPE', 'dataset size does not match its shape', { file, tensor: name });
      return { data, shape: d.shape.slice() };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      failure = 'closed';
      await worker.terminate();
    },
  };
}
