/**
 * Zip archives (`.npz`, PyTorch `.pt`/`.pth`/`.bin`) read lazily through yauzl: the central
 * directory is read on open, each entry's bytes when asked for. Zip-bomb limits: a maximum number of
 * entries, a maximum declared size per entry and in total, and a maximum compression ratio; yauzl
 * checks that no entry inflates past its declared size. Nothing is ever written to disk.
 */
import * as yauzl from 'yauzl';
import type { Readable } from 'stream';
import { EsdlabError } from '../core/errors';

/** Limits applied when opening and reading an archive. */
export interface ZipLimits {
  /** Most entries accepted (default 100 000). */
  maxEntries?: number;
  /** Largest declared uncompressed size of one entry, bytes (default 16 GiB). */
  maxEntryBytes?: number;
  /** Largest declared uncompressed total, bytes (default 64 GiB). */
  maxTotalBytes?: number;
  /** Largest uncompressed/compressed ratio of a compressed entry over 1 MiB (default 200). */
  maxRatio?: number;
}

/** One entry of the central directory. */
export interface ZipEntryInfo {
  /** Path inside the archive. */
  name: string;
  /** Declared uncompressed size. */
  size: number;
  /** Stored compressed size. */
  compressedSize: number;
  /** True when deflated (false when stored). */
  compressed: boolean;
}

function zipError(e: unknown, file: string, tensor?: string): EsdlabError {
  if (e instanceof EsdlabError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const code = /end of central directory|unexpected EOF|too (short|small)|premature|truncat|beyond|out of range/i.test(msg) ? 'TRUNCATED' : 'PARSE_ERROR';
  return new EsdlabError(code, `bad zip archive: ${msg}`, { file, ...(tensor !== undefined ? { tensor } : {}) });
}

/** An open zip archive. Call {@link ZipArchive.close} when done. */
export class ZipArchive {
  private constructor(
    /** The archive's path. */
    readonly path: string,
    private readonly zip: yauzl.ZipFile,
    private readonly byName: Map<string, yauzl.Entry>,
    /** Entries in central-directory order. */
    readonly entries: ZipEntryInfo[],
  ) {}

  /** Opens `file` and reads its central directory, enforcing `limits`. */
  static async open(file: string, limits: ZipLimits = {}): Promise<ZipArchive> {
    const maxEntries = limits.maxEntries ?? 100000;
    const maxEntryBytes = limits.maxEntryBytes ?? 16 * 2 ** 30;
    const maxTotal = limits.maxTotalBytes ?? 64 * 2 ** 30;
    const maxRatio = limits.maxRatio ?? 200;
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, z) => {
        if (err || !z) {
          const code = (err as { code?: string } | null)?.code;
          reject(code === 'ENOENT' ? new EsdlabError('NOT_FOUND', 'file not found', { file }) : zipError(err, file));
        } else resolve(z);
      });
    });
    if (zip.entryCount > maxEntries) {
      zip.close();
      throw new EsdlabError('FORBIDDEN', `zip has ${zip.entryCount} entries, over the limit of ${maxEntries}`, { file });
    }
    const byName = new Map<string, yauzl.Entry>();
    const entries: ZipEntryInfo[] = [];
    let total = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('error', (e) => reject(zipError(e, file)));
        zip.on('end', () => resolve());
        zip.on('entry', (e: yauzl.Entry) => {
          const name = e.fileName;
          if (name.endsWith('/')) { zip.readEntry(); return; }
          const compressed = e.compressionMethod !== 0;
          if (e.compressionMethod !== 0 && e.compressionMethod !== 8) return reject(new EsdlabError('UNSUPPORTED_FORMAT', `zip entry uses compression method ${e.compressionMethod} (only stored and deflate are supported)`, { file, tensor: name }));
          if (e.isEncrypted()) return reject(new EsdlabError('UNSUPPORTED_FORMAT', 'encrypted zip entry', { file, tensor: name }));
          if (e.uncompressedSize > maxEntryBytes) return reject(new EsdlabError('FORBIDDEN', `zip entry declares ${e.uncompressedSize} bytes, over the ${maxEntryBytes}-byte limit`, { file, tensor: name }));
          total += e.uncompressedSize;
          if (total > maxTotal) return reject(new EsdlabError('FORBIDDEN', `zip declares more than ${maxTotal} bytes uncompressed in total (zip bomb?)`, { file }));
          if (compressed && e.uncompressedSize > 2 ** 20 && e.uncompressedSize / Math.max(1, e.compressedSize) > maxRatio) {
            return reject(new EsdlabError('FORBIDDEN', `zip entry compression ratio ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}:1 exceeds ${maxRatio}:1 (zip bomb?)`, { file, tensor: name }));
          }
          if (byName.has(name)) return reject(new EsdlabError('PARSE_ERROR', 'duplicate zip entry name', { file, tensor: name }));
          byName.set(name, e);
          entries.push({ name, size: e.uncompressedSize, compressedSize: e.compressedSize, compressed });
          zip.readEntry();
        });
        zip.readEntry();
      });
    } catch (e) {
      zip.close();
      throw e;
    }
    return new ZipArchive(file, zip, byName, entries);
  }

  /** True when the archive has an entry of this name. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  private stream(e: yauzl.Entry, opts: { start?: number; end?: number }): Promise<Readable> {
    return new Promise((resolve, reject) => {
      this.zip.openReadStream(e, opts as yauzl.ZipFileOptions, (err, s) => (err || !s ? reject(zipError(err, this.path, e.fileName)) : resolve(s)));
    });
  }

  /**
   * Reads `length` bytes of entry `name` from byte `start` of its uncompressed content (default:
   * all of it). Stored entries are read at the offset directly; deflated ones are inflated from the
   * start and cut.
   */
  async read(name: string, start = 0, length?: number): Promise<Uint8Array> {
    const e = this.byName.get(name);
    if (!e) throw new EsdlabError('NOT_FOUND', 'no such entry in the archive', { file: this.path, tensor: name });
    const size = e.uncompressedSize;
    const len = length ?? size - start;
    if (start < 0 || len < 0 || start + len > size) throw new EsdlabError('TRUNCATED', `needs bytes ${start}..${start + len} of a ${size}-byte entry`, { file: this.path, tensor: name });
    const out = new Uint8Array(len);
    if (len === 0) return out;
    const direct = e.compressionMethod === 0;
    const s = await this.stream(e, direct ? { start, end: start + len } : {});
    let pos = direct ? start : 0; // position in the entry of the next chunk
    let filled = 0;
    await new Promise<void>((resolve, reject) => {
      s.on('data', (chunk: Buffer) => {
        const from = Math.max(start, pos);
        const to = Math.min(start + len, pos + chunk.length);
        if (to > from) {
          out.set(chunk.subarray(from - pos, to - pos), from - start);
          filled += to - from;
        }
        pos += chunk.length;
        if (filled === len) {
          s.destroy();
          resolve();
        }
      });
      s.on('error', (err) => reject(zipError(err, this.path, name)));
      s.on('end', () => (filled === len ? resolve() : reject(new EsdlabError('TRUNCATED', `entry ended after ${filled} of ${len} bytes`, { file: this.path, tensor: name }))));
      s.on('close', () => (filled === len ? resolve() : reject(new EsdlabError('TRUNCATED', `entry stream closed after ${filled} of ${len} bytes`, { file: this.path, tensor: name }))));
    });
    return out;
  }

  /** Closes the archive. */
  close(): void {
    this.zip.close();
  }
}
