/**
 * Downloads model files over HTTP(S) into a local cache directory, with progress, then they are read
 * like local files. Hugging Face ids (`hf:org/model[@revision]`) resolve to the repository's
 * `model.safetensors.index.json` (and its shards), `model.safetensors`, `pytorch_model.bin.index.json` (and
 * its shards) or `pytorch_model.bin`, in that order. The endpoint is `ESDLAB_HF_ENDPOINT` (default `https://huggingface.co`); the cache is
 * `ESDLAB_CACHE` (default `~/.cache/esdlab`). A file already in the cache is not downloaded again.
 */
import { createHash } from 'crypto';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EsdlabError } from '../core/errors';

/** Download progress: bytes so far and the total when the server sent a length. */
export interface DownloadProgress {
  url: string;
  received: number;
  total: number | null;
}

/** Options of {@link downloadFile} and {@link fetchModelFiles}. */
export interface DownloadOptions {
  /** Cache directory (default `ESDLAB_CACHE` or `~/.cache/esdlab`). */
  cacheDir?: string;
  /** Called as bytes arrive. */
  onDownload?: (p: DownloadProgress) => void;
  /** Refuse files larger than this many bytes (default: no limit). */
  maxBytes?: number;
  /** Hugging Face endpoint (default `ESDLAB_HF_ENDPOINT` or `https://huggingface.co`). */
  hfEndpoint?: string;
}

/** The cache directory in use. */
export function cacheDirOf(o: DownloadOptions = {}): string {
  return o.cacheDir ?? process.env.ESDLAB_CACHE ?? path.join(os.homedir(), '.cache', 'esdlab');
}

/** True for `http(s)://…` and `hf:…` model references. */
export function isRemote(ref: string): boolean {
  return /^https?:\/\//i.test(ref) || ref.startsWith('hf:');
}

function safeName(name: string, url: string): string {
  const base = decodeURIComponent(name).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  if (!base) throw new EsdlabError('INVALID_ARGUMENT', 'URL has no file name', { file: url });
  return base;
}

/** The cache folder for files that share one base URL (so an index and its shards sit together). */
function folderFor(baseUrl: string, o: DownloadOptions): string {
  return path.join(cacheDirOf(o), createHash('sha256').update(baseUrl).digest('hex').slice(0, 24));
}

class HttpStatusError extends EsdlabError {
  constructor(readonly status: number, url: string) {
    super(status === 404 ? 'NOT_FOUND' : 'IO_ERROR', `HTTP ${status}`, { file: url });
  }
}

/**
 * Downloads `url` into `dir/name` (atomically: to a temporary file, then renamed) unless it is already
 * there, and returns the local path.
 */
export async function downloadFile(url: string, dir: string, name: string, o: DownloadOptions = {}): Promise<string> {
  const dest = path.join(dir, safeName(name, url));
  try {
    if ((await fsp.stat(dest)).isFile()) return dest;
  } catch { /* not cached */ }
  await fsp.mkdir(dir, { recursive: true });
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (e) {
    throw new EsdlabError('IO_ERROR', `download failed: ${(e as Error).message}`, { file: url });
  }
  if (!res.ok || !res.body) throw new HttpStatusError(res.status, url);
  const lenHeader = res.headers.get('content-length');
  const total = lenHeader !== null && /^\d+$/.test(lenHeader) ? Number(lenHeader) : null;
  if (o.maxBytes !== undefined && total !== null && total > o.maxBytes) throw new EsdlabError('FORBIDDEN', `file is ${total} bytes, over the ${o.maxBytes}-byte limit`, { file: url });
  const tmp = `${dest}.part-${process.pid}-${Date.now()}`;
  const fh = await fsp.open(tmp, 'w');
  let received = 0;
  try {
    const reader = res.body.getReader();
    o.onDownload?.({ url, received, total });
    for (;;) {
      let chunk: { done: boolean; value?: Uint8Array };
      try {
        chunk = await reader.read();
      } catch (e) {
        throw new EsdlabError('TRUNCATED', `download broke off after ${received}${total !== null ? ` of ${total}` : ''} bytes: ${(e as Error).message}`, { file: url });
      }
      const { done, value } = chunk;
      if (done || !value) break;
      received += value.byteLength;
      if (o.maxBytes !== undefined && received > o.maxBytes) throw new EsdlabError('FORBIDDEN', `download exceeds the ${o.maxBytes}-byte limit`, { file: url });
      await fh.write(value);
      o.onDownload?.({ url, received, total });
    }
    if (total !== null && received !== total) throw new EsdlabError('TRUNCATED', `download ended after ${received} of ${total} bytes`, { file: url });
  } catch (e) {
    await fh.close();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await fsp.rename(tmp, dest);
  return dest;
}

async function tryDownload(url: string, dir: string, name: string, o: DownloadOptions): Promise<string | null> {
  try {
    return await downloadFile(url, dir, name, o);
  } catch (e) {
    if (e instanceof HttpStatusError && e.status === 404) return null;
    throw e;
  }
}

/** Downloads a sharded index's shards (listed in its `weight_map`) next to it. */
async function fetchShards(indexPath: string, baseUrl: string, dir: string, o: DownloadOptions): Promise<void> {
  let map: unknown;
  try {
    map = (JSON.parse(await fsp.readFile(indexPath, 'utf8')) as { weight_map?: unknown }).weight_map;
  } catch (e) {
    throw new EsdlabError('PARSE_ERROR', `index is not valid JSON: ${(e as Error).message}`, { file: indexPath });
  }
  if (typeof map !== 'object' || map === null) throw new EsdlabError('PARSE_ERROR', 'index has no weight_map object', { file: indexPath });
  const shards = [...new Set(Object.values(map as Record<string, unknown>))];
  for (const s of shards) {
    if (typeof s !== 'string' || !/^[A-Za-z0-9._-]+$/.test(s) || s.startsWith('.')) throw new EsdlabError('FORBIDDEN', `shard name ${JSON.stringify(s)} is not a plain file name`, { file: indexPath });
    await downloadFile(baseUrl + encodeURIComponent(s), dir, s, o);
  }
}

/**
 * Fetches a remote model into the cache and returns the local path to open: for a URL, the file (and,
 * for a `*.index.json`, its shards; for a TF.js `model.json`, its weight files); for `hf:org/model`,
 * the best checkpoint file the repository has.
 */
export async function fetchModelFiles(ref: string, o: DownloadOptions = {}): Promise<string> {
  if (ref.startsWith('hf:')) {
    const m = /^hf:([A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@([A-Za-z0-9._/-]+))?$/.exec(ref);
    if (!m) throw new EsdlabError('INVALID_ARGUMENT', `expected hf:org/model[@revision], got ${JSON.stringify(ref)}`);
    const endpoint = (o.hfEndpoint ?? process.env.ESDLAB_HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
    const base = `${endpoint}/${m[1]}/resolve/${m[2] ?? 'main'}/`;
    const dir = folderFor(base, o);
    const index = await tryDownload(base + 'model.safetensors.index.json', dir, 'model.safetensors.index.json', o);
    if (index) {
      await fetchShards(index, base, dir, o);
      return index;
    }
    const got = await tryDownload(base + 'model.safetensors', dir, 'model.safetensors', o);
    if (got) return got;
    const ptIndex = await tryDownload(base + 'pytorch_model.bin.index.json', dir, 'pytorch_model.bin.index.json', o);
    if (ptIndex) {
      await fetchShards(ptIndex, base, dir, o);
      return ptIndex;
    }
    const pt = await tryDownload(base + 'pytorch_model.bin', dir, 'pytorch_model.bin', o);
    if (pt) return pt;
    throw new EsdlabError('NOT_FOUND', 'repository has no model.safetensors(.index.json) or pytorch_model.bin(.index.json)', { file: ref });
  }
  let u: URL;
  try {
    u = new URL(ref);
  } catch {
    throw new EsdlabError('INVALID_ARGUMENT', 'not a valid URL', { file: ref });
  }
  const parts = u.pathname.split('/');
  const name = parts.pop() ?? '';
  const base = `${u.origin}${parts.join('/')}/`;
  const dir = folderFor(base, o);
  const local = await downloadFile(u.toString(), dir, name || 'download', o);
  if (name.endsWith('.index.json')) await fetchShards(local, base, dir, o);
  else if (name.endsWith('.json')) {
    // a TF.js model.json: fetch the weight shards it lists
    let manifest: unknown;
    try {
      const j = JSON.parse(await fsp.readFile(local, 'utf8')) as unknown;
      manifest = Array.isArray(j) ? j : (j as { weightsManifest?: unknown }).weightsManifest;
    } catch (e) {
      throw new EsdlabError('PARSE_ERROR', `not valid JSON: ${(e as Error).message}`, { file: ref });
    }
    if (Array.isArray(manifest)) {
      for (const g of manifest as { paths?: unknown }[]) {
        for (const p of Array.isArray(g?.paths) ? g.paths : []) {
          if (typeof p !== 'string' || !/^[A-Za-z0-9._-]+$/.test(p) || p.startsWith('.')) throw new EsdlabError('FORBIDDEN', `weight path ${JSON.stringify(p)} is not a plain file name`, { file: ref });
          await downloadFile(base + encodeURIComponent(p), dir, p, o);
        }
      }
    }
  }
  return local;
}
