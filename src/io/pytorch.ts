/**
 * PyTorch checkpoints written by `torch.save` (zip format, PyTorch ≥ 1.6): `.pt`, `.pth`, `.bin`, and
 * sharded `pytorch_model.bin.index.json`. The archive's `data.pkl` is read with the restricted pickle
 * reader (state dicts only; nothing executed); tensors are views of storages `data/<key>`, whose bytes
 * are read from the zip when a tensor is asked for (contiguous tensors read just their range).
 * Nested dicts (`{'state_dict': {...}}`, `{'model': {...}}`) are flattened with `.`-joined names.
 * Legacy (non-zip) files are refused with an UNSUPPORTED_FORMAT error.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { EsdlabError } from '../core/errors';
import { shapeSize, type DenseTensor, type NumericArray } from '../core/matrix';
import type { TensorEntry } from '../core/modelLayers';
import { DTYPE_SIZE, allocFor, decodeInto, type StoredDtype } from './dtypes';
import type { Model } from './model';
import { readPickle, torchStorageFromPid, type PickledTensor } from './pickle';
import { ZipArchive, type ZipLimits } from './zipArchive';

interface Found { name: string; tensor: PickledTensor; zip: ZipArchive; prefix: string }

function isTensor(v: unknown): v is PickledTensor {
  return typeof v === 'object' && v !== null && (v as PickledTensor).kind === 'tensor';
}

function collect(v: unknown, prefix: string, out: Array<{ name: string; tensor: PickledTensor }>, depth: number): void {
  if (depth > 8) return;
  if (isTensor(v)) { out.push({ name: prefix, tensor: v }); return; }
  if (v instanceof Map) {
    for (const [k, x] of v) if (typeof k === 'string' || typeof k === 'number') collect(x, prefix ? `${prefix}.${k}` : String(k), out, depth + 1);
  }
}

async function readArchive(file: string, limits: ZipLimits): Promise<{ zip: ZipArchive; prefix: string; tensors: Array<{ name: string; tensor: PickledTensor }> }> {
  const zip = await ZipArchive.open(file, limits);
  try {
    const pkl = zip.entries.find((e) => e.name === 'data.pkl' || /^[^/]+\/data\.pkl$/.test(e.name));
    if (!pkl) {
      throw new EsdlabError('UNSUPPORTED_FORMAT', zip.entries.some((e) => e.name.endsWith('.npy')) ? 'this zip is a NumPy .npz archive, not a PyTorch checkpoint' : 'zip archive has no data.pkl: not a torch.save checkpoint', { file });
    }
    const prefix = pkl.name.slice(0, pkl.name.length - 'data.pkl'.length);
    const bo = `${prefix}byteorder`;
    if (zip.has(bo)) {
      const order = new TextDecoder().decode(await zip.read(bo)).trim();
      if (order !== 'little') throw new EsdlabError('UNSUPPORTED_FORMAT', `byte order '${order}' is not supported (little-endian only)`, { file });
    }
    if (pkl.size > 1024 * 2 ** 20) throw new EsdlabError('FORBIDDEN', `data.pkl is ${pkl.size} bytes; a state dict's pickle is far smaller`, { file });
    const root = readPickle(await zip.read(pkl.name), { file: `${file}:${pkl.name}`, persistentLoad: (pid) => torchStorageFromPid(pid, file) });
    const tensors: Array<{ name: string; tensor: PickledTensor }> = [];
    collect(root, '', tensors, 0);
    for (const { name, tensor: t } of tensors) {
      const entry = `${prefix}data/${t.storage.key}`;
      const e = zip.entries.find((x) => x.name === entry);
      if (!e) throw new EsdlabError('NOT_FOUND', `storage record ${entry} missing from the archive`, { file, tensor: name });
      const item = DTYPE_SIZE[t.storage.dtype as StoredDtype];
      if (e.size !== t.storage.numel * item) throw new EsdlabError('INVALID_SHAPE', `storage ${t.storage.key} should hold ${t.storage.numel} ${t.storage.dtype} (${t.storage.numel * item} bytes) but has ${e.size}`, { file, tensor: name });
      if (shapeSize(t.shape) > 2 ** 31 - 1) throw new EsdlabError('INVALID_SHAPE', `tensor of shape [${t.shape.join(', ')}] has too many elements`, { file, tensor: name });
      let maxIndex = t.offset;
      for (let d = 0; d < t.shape.length; d++) if (t.shape[d] > 0) maxIndex += (t.shape[d] - 1) * t.stride[d];
      if (shapeSize(t.shape) > 0 && maxIndex >= t.storage.numel) throw new EsdlabError('INVALID_SHAPE', `tensor of shape [${t.shape.join(', ')}] reaches element ${maxIndex} of a ${t.storage.numel}-element storage`, { file, tensor: name });
    }
    return { zip, prefix, tensors };
  } catch (e) {
    zip.close();
    throw e;
  }
}

function isContiguous(t: PickledTensor): boolean {
  let expect = 1;
  for (let d = t.shape.length - 1; d >= 0; d--) {
    if (t.shape[d] !== 1 && t.stride[d] !== expect) return false;
    expect *= t.shape[d];
  }
  return true;
}

async function readFound(f: Found): Promise<DenseTensor> {
  const t = f.tensor;
  const dtype = t.storage.dtype as StoredDtype;
  const item = DTYPE_SIZE[dtype];
  const n = shapeSize(t.shape);
  const entry = `${f.prefix}data/${t.storage.key}`;
  let data: NumericArray;
  if (isContiguous(t)) {
    const bytes = await f.zip.read(entry, t.offset * item, n * item);
    data = allocFor(dtype, n);
    decodeInto(dtype, bytes, data, 0);
  } else {
    const all = allocFor(dtype, t.storage.numel);
    decodeInto(dtype, await f.zip.read(entry), all, 0);
    data = allocFor(dtype, n);
    const idx = new Array<number>(t.shape.length).fill(0);
    for (let k = 0; k < n; k++) {
      let off = t.offset;
      for (let d = 0; d < idx.length; d++) off += idx[d] * t.stride[d];
      data[k] = all[off];
      for (let d = idx.length - 1; d >= 0; d--) {
        if (++idx[d] < t.shape[d]) break;
        idx[d] = 0;
      }
    }
  }
  return { data, shape: t.shape.slice() };
}

function modelOf(format: string, source: string, found: Found[], zips: ZipArchive[]): Model {
  const byName = new Map<string, Found>();
  const tensors: TensorEntry[] = [];
  for (const f of found) {
    if (byName.has(f.name)) throw new EsdlabError('PARSE_ERROR', 'tensor appears twice', { file: source, tensor: f.name });
    byName.set(f.name, f);
    tensors.push({ name: f.name, shape: f.tensor.shape.slice(), dtype: f.tensor.storage.dtype });
  }
  let closed = false;
  return {
    format, source, convLayout: 'pytorch', tensors,
    readTensor(name: string): Promise<DenseTensor> {
      const f = byName.get(name);
      if (!f) return Promise.reject(new EsdlabError('NOT_FOUND', 'no such tensor', { file: source, tensor: name }));
      return readFound(f);
    },
    close(): Promise<void> {
      if (!closed) for (const z of zips) z.close();
      closed = true;
      return Promise.resolve();
    },
  };
}

/** Opens a `torch.save` zip checkpoint (state dict) lazily. */
export async function openPytorch(file: string, limits: ZipLimits = {}): Promise<Model> {
  const head = await fsp.open(file, 'r').then(async (h) => {
    try {
      const b = new Uint8Array(4);
      await h.read(b, 0, 4, 0);
      return b;
    } finally {
      await h.close();
    }
  }, (e: { code?: string }) => {
    throw new EsdlabError(e.code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', e.code === 'ENOENT' ? 'file not found' : 'cannot open file', { file });
  });
  if (head[0] === 0x80) {
    throw new EsdlabError('UNSUPPORTED_FORMAT', 'legacy (pre-1.6, non-zip) PyTorch serialization is not supported: re-save with torch.save(obj, f) in a current PyTorch, or convert to safetensors', { file });
  }
  if (head[0] !== 0x50 || head[1] !== 0x4b) throw new EsdlabError('UNSUPPORTED_FORMAT', 'not a zip-format PyTorch checkpoint', { file });
  const { zip, prefix, tensors } = await readArchive(file, limits);
  return modelOf('pytorch', file, tensors.map((t) => ({ ...t, zip, prefix })), [zip]);
}

/** Opens a sharded checkpoint from its `pytorch_model.bin.index.json` (`{weight_map: {tensor: shard}}`). */
export async function openPytorchIndex(indexFile: string, limits: ZipLimits = {}): Promise<Model> {
  let json: unknown;
  try {
    json = JSON.parse(await fsp.readFile(indexFile, 'utf8'));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new EsdlabError('NOT_FOUND', 'file not found', { file: indexFile });
    throw new EsdlabError('PARSE_ERROR', `index is not valid JSON: ${(e as Error).message}`, { file: indexFile });
  }
  const map = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null) throw new EsdlabError('PARSE_ERROR', 'index has no weight_map object', { file: indexFile });
  const shards: string[] = [];
  for (const s of Object.values(map as Record<string, unknown>)) {
    if (typeof s !== 'string' || !/^[A-Za-z0-9._-]+$/.test(s) || s.startsWith('.')) throw new EsdlabError('FORBIDDEN', `shard name ${JSON.stringify(s)} is not a plain file name`, { file: indexFile });
    if (!shards.includes(s)) shards.push(s);
  }
  const zips: ZipArchive[] = [];
  const found: Found[] = [];
  try {
    for (const s of shards) {
      const { zip, prefix, tensors } = await readArchive(path.join(path.dirname(indexFile), s), limits);
      zips.push(zip);
      for (const t of tensors) found.push({ ...t, zip, prefix });
    }
    return modelOf('pytorch-sharded', indexFile, found, zips);
  } catch (e) {
    for (const z of zips) z.close();
    throw e;
  }
}
