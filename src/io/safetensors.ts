/**
 * safetensors loader: one file, or a sharded checkpoint (`model.safetensors.index.json` or a
 * directory of `*.safetensors` shards). Only the JSON header is read when opening; each tensor's
 * bytes are read at their offset when asked for. Every header inconsistency (lying header length,
 * offsets outside the file, shape/byte-count mismatch, unknown dtype) is a typed error.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { EsdlabError } from '../core/errors';
import { shapeSize, type DenseTensor } from '../core/matrix';
import type { TensorEntry } from '../core/modelLayers';
import { DTYPE_SIZE, isStoredDtype, type StoredDtype } from './dtypes';
import type { Model, ReadOptions } from './model';
import { RandomAccessFile } from './randomAccessFile';

/** Largest accepted header (the format's own reference implementation uses 100 MB). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** One tensor's place in a safetensors file. */
export interface SafetensorsEntry {
  /** Tensor name. */
  name: string;
  /** Stored dtype. */
  dtype: StoredDtype;
  /** Shape. */
  shape: number[];
  /** Absolute byte offset of the first element in the file. */
  offset: number;
  /** Byte length. */
  length: number;
}

/** A parsed safetensors header. */
export interface SafetensorsHeader {
  /** Tensors sorted by offset (file order). */
  entries: SafetensorsEntry[];
  /** The `__metadata__` string map, if any. */
  metadata: Record<string, string>;
}

/**
 * Parses and validates a safetensors header given the first bytes of the file (at least 8 + header
 * length) and the file size.
 */
export function parseSafetensorsHeader(head: Uint8Array, fileSize: number, file: string): SafetensorsHeader {
  if (fileSize < 8 || head.byteLength < 8) throw new EsdlabError('TRUNCATED', 'file shorter than the 8-byte safetensors header length', { file });
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const n64 = dv.getBigUint64(0, true);
  if (n64 > BigInt(fileSize - 8)) throw new EsdlabError('TRUNCATED', `header length ${n64} exceeds the file (${fileSize} bytes)`, { file, offset: 0 });
  const n = Number(n64);
  if (n > MAX_HEADER_BYTES) throw new EsdlabError('PARSE_ERROR', `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`, { file, offset: 0 });
  if (head.byteLength < 8 + n) throw new EsdlabError('TRUNCATED', 'header cut short', { file, offset: 8 });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(8, 8 + n)));
  } catch (e) {
    throw new EsdlabError('PARSE_ERROR', `header is not valid UTF-8 JSON: ${(e as Error).message}`, { file, offset: 8 });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new EsdlabError('PARSE_ERROR', 'header is not a JSON object', { file, offset: 8 });
  const dataStart = 8 + n;
  const entries: SafetensorsEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) metadata = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
      continue;
    }
    const loc = { file, tensor: name };
    if (typeof raw !== 'object' || raw === null) throw new EsdlabError('PARSE_ERROR', 'header entry is not an object', loc);
    const { dtype, shape, data_offsets: offs } = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!isStoredDtype(dtype)) throw new EsdlabError('UNSUPPORTED_DTYPE', `unsupported dtype ${JSON.stringify(dtype)}`, loc);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new EsdlabError('INVALID_SHAPE', `invalid shape ${JSON.stringify(shape)}`, loc);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0) || offs[1] < offs[0]) {
      throw new EsdlabError('PARSE_ERROR', `invalid data_offsets ${JSON.stringify(offs)}`, loc);
    }
    const want = shapeSize(shape as number[]) * DTYPE_SIZE[dtype];
    const length = (offs[1] as number) - (offs[0] as number);
    if (want !== length) throw new EsdlabError('INVALID_SHAPE', `shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${want} bytes but data_offsets span ${length}`, loc);
    if (dataStart + (offs[1] as number) > fileSize) throw new EsdlabError('TRUNCATED', `data ends at byte ${dataStart + (offs[1] as number)} beyond the file (${fileSize} bytes)`, loc);
    entries.push({ name, dtype, shape: (shape as number[]).slice(), offset: dataStart + (offs[0] as number), length });
  }
  entries.sort((a, b) => a.offset - b.offset || (a.name < b.name ? -1 : 1));
  return { entries, metadata };
}

/** Reads a safetensors header from an open file. */
export async function readSafetensorsHeader(f: RandomAccessFile): Promise<SafetensorsHeader> {
  if (f.size < 8) throw new EsdlabError('TRUNCATED', 'file shorter than the 8-byte safetensors header length', { file: f.path });
  const lenBytes = await f.readAt(0, 8);
  const n64 = new DataView(lenBytes.buffer).getBigUint64(0, true);
  const n = n64 > BigInt(f.size - 8) ? f.size - 8 : Number(n64);
  const head = n64 > BigInt(f.size - 8) || n > MAX_HEADER_BYTES ? lenBytes : await f.readAt(0, 8 + n);
  return parseSafetensorsHeader(head, f.size, f.path);
}

interface Located { file: RandomAccessFile; entry: SafetensorsEntry }

function makeModel(format: string, source: string, located: Located[], files: RandomAccessFile[]): Model {
  const byName = new Map<string, Located>();
  const tensors: TensorEntry[] = [];
  for (const l of located) {
    if (byName.has(l.entry.name)) throw new EsdlabError('PARSE_ERROR', 'tensor appears twice', { file: l.file.path, tensor: l.entry.name });
    byName.set(l.entry.name, l);
    tensors.push({ name: l.entry.name, shape: l.entry.shape, dtype: l.entry.dtype });
  }
  let closed = false;
  return {
    format, source, convLayout: 'pytorch', tensors,
    async readTensor(name: string, options?: ReadOptions): Promise<DenseTensor> {
      const l = byName.get(name);
      if (!l) throw new EsdlabError('NOT_FOUND', 'no such tensor', { file: source, tensor: name });
      const e = l.entry;
      const data = await l.file.readTensor(e.offset, e.dtype, shapeSize(e.shape), name, options?.reuse);
      return { data, shape: e.shape.slice() };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all(files.map((f) => f.close()));
    },
  };
}

async function openAll(paths: string[]): Promise<RandomAccessFile[]> {
  const files: RandomAccessFile[] = [];
  try {
    for (const p of paths) files.push(await RandomAccessFile.open(p));
  } catch (e) {
    await Promise.all(files.map((f) => f.close()));
    throw e;
  }
  return files;
}

async function fromFiles(format: string, source: string, paths: string[]): Promise<Model> {
  const files = await openAll(paths);
  try {
    const located: Located[] = [];
    for (const f of files) for (const entry of (await readSafetensorsHeader(f)).entries) located.push({ file: f, entry });
    return makeModel(format, source, located, files);
  } catch (e) {
    await Promise.all(files.map((f) => f.close()));
    throw e;
  }
}

/** Opens one `.safetensors` file (header only). */
export function openSafetensors(file: string): Promise<Model> {
  return fromFiles('safetensors', file, [file]);
}

/**
 * Opens a sharded checkpoint from its `*.safetensors.index.json` (`{weight_map: {tensor: shard}}`):
 * shards in order of first appearance in the weight map, tensors in file order within each shard.
 */
export async function openSafetensorsIndex(indexFile: string): Promise<Model> {
  let json: unknown;
  try {
    json = JSON.parse(await fsp.readFile(indexFile, 'utf8'));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new EsdlabError('NOT_FOUND', 'file not found', { file: indexFile });
    throw new EsdlabError('PARSE_ERROR', `index is not valid JSON: ${(e as Error).message}`, { file: indexFile });
  }
  const map = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new EsdlabError('PARSE_ERROR', 'index has no weight_map object', { file: indexFile });
  const dir = path.dirname(indexFile);
  const shards: string[] = [];
  for (const [tensor, shard] of Object.entries(map as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\') || shard === '..' || shard === '.') {
      throw new EsdlabError('FORBIDDEN', `shard name ${JSON.stringify(shard)} is not a plain file name in the index directory`, { file: indexFile, tensor });
    }
    if (!shards.includes(shard)) shards.push(shard);
  }
  const model = await fromFiles('safetensors-sharded', indexFile, shards.map((s) => path.join(dir, s)));
  const listed = new Set(Object.keys(map as object));
  for (const t of model.tensors) {
    if (!listed.has(t.name)) {
      await model.close();
      throw new EsdlabError('PARSE_ERROR', 'tensor found in a shard but not listed in the index weight_map', { file: indexFile, tensor: t.name });
    }
  }
  if (model.tensors.length !== listed.size) {
    const have = new Set(model.tensors.map((t) => t.name));
    const missing = [...listed].find((n) => !have.has(n)) as string;
    await model.close();
    throw new EsdlabError('NOT_FOUND', 'tensor listed in the index weight_map is missing from its shard', { file: indexFile, tensor: missing });
  }
  return model;
}

/** Opens every `*.safetensors` file of a directory as one model (shards sorted by file name). */
export async function openSafetensorsDir(dir: string): Promise<Model> {
  const names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.safetensors')).sort();
  if (!names.length) throw new EsdlabError('NOT_FOUND', 'no .safetensors files in the directory', { file: dir });
  return fromFiles(names.length > 1 ? 'safetensors-sharded' : 'safetensors', dir, names.map((n) => path.join(dir, n)));
}
