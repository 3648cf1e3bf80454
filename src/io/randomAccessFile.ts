/**
 * Positional reads from a file: the loaders read a header, then each tensor's bytes on demand at
 * their offset, so a model file is never held in memory whole. Tensor bytes are decoded chunk by
 * chunk straight into the output array (float32 little-endian data is read into it directly).
 */
import { promises as fsp } from 'fs';
import { EsdlabError } from '../core/errors';
import type { NumericArray } from '../core/matrix';
import { DTYPE_SIZE, allocFor, decodeInto, type StoredDtype } from './dtypes';

const CHUNK = 8 * 1024 * 1024;

/** An open file read at explicit offsets. Call {@link RandomAccessFile.close} when done. */
export class RandomAccessFile {
  private constructor(
    /** Path the file was opened from (used in error messages). */
    readonly path: string,
    private readonly handle: fsp.FileHandle,
    /** File size in bytes. */
    readonly size: number,
  ) {}

  /** Opens `path` for reading; NOT_FOUND / IO_ERROR on failure. */
  static async open(path: string): Promise<RandomAccessFile> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(path, 'r');
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new EsdlabError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', code === 'ENOENT' ? 'file not found' : `cannot open: ${(e as Error).message}`, { file: path });
    }
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      throw new EsdlabError('IO_ERROR', 'not a regular file', { file: path });
    }
    return new RandomAccessFile(path, handle, st.size);
  }

  /** Reads exactly `length` bytes at `offset` (TRUNCATED if the file ends first). */
  async readAt(offset: number, length: number, tensor?: string): Promise<Uint8Array> {
    const buf = new Uint8Array(length);
    await this.readInto(buf, offset, tensor);
    return buf;
  }

  private async readInto(buf: Uint8Array, offset: number, tensor?: string): Promise<void> {
    if (offset < 0 || offset + buf.byteLength > this.size) {
      throw new EsdlabError('TRUNCATED', `needs bytes ${offset}..${offset + buf.byteLength} but the file has ${this.size}`, { file: this.path, ...(tensor !== undefined ? { tensor } : {}), offset });
    }
    let done = 0;
    while (done < buf.byteLength) {
      const { bytesRead } = await this.handle.read(buf, done, Math.min(buf.byteLength - done, 1 << 30), offset + done);
      if (bytesRead === 0) throw new EsdlabError('TRUNCATED', 'unexpected end of file', { file: this.path, offset: offset + done });
      done += bytesRead;
    }
  }

  /**
   * Reads `count` little-endian elements of `dtype` at `offset` and decodes them to floats
   * (Float64Array for F64/I64, Float32Array otherwise). `reuse`: an array of the same element type
   * whose memory may be overwritten (a view of its first `count` elements is returned), so a loop
   * over tensors does not leave one dead buffer per tensor for the garbage collector.
   */
  async readTensor(offset: number, dtype: StoredDtype, count: number, tensor?: string, reuse?: NumericArray | null): Promise<NumericArray> {
    const size = DTYPE_SIZE[dtype];
    const wantF64 = dtype === 'F64' || dtype === 'I64';
    // the whole buffer behind `reuse` (it may be a shorter view from an earlier reuse)
    const whole = !reuse ? null : wantF64 ? (reuse instanceof Float64Array ? new Float64Array(reuse.buffer, reuse.byteOffset) : null)
      : (reuse instanceof Float32Array ? new Float32Array(reuse.buffer, reuse.byteOffset) : null);
    const out = whole && whole.length >= count ? whole.subarray(0, count) : allocFor(dtype, count);
    if (dtype === 'F32' || dtype === 'F64') {
      await this.readInto(new Uint8Array(out.buffer, out.byteOffset, count * size), offset, tensor);
      return out;
    }
    const per = Math.max(1, Math.floor(CHUNK / size));
    const scratch = new Uint8Array(Math.min(count, per) * size);
    for (let i = 0; i < count; i += per) {
      const n = Math.min(per, count - i);
      const view = scratch.subarray(0, n * size);
      await this.readInto(view, offset + i * size, tensor);
      decodeInto(dtype, view, out, i);
    }
    return out;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}
