import * as fs from 'fs';
import * as path from 'path';
import { parseNpy, readNpy } from '../src/io/npy';
import { isEsdlabError } from '../src/core/errors';

const DIR = path.join(__dirname, 'reference', 'npy');
interface Case { file: string; dtype: string; fortran?: boolean; shape?: number[]; values?: number[]; unsupported?: boolean }
const cases: Case[] = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8'));

function errorOf(f: () => unknown): { code: string; message: string } {
  try { f(); } catch (e) { if (isEsdlabError(e)) return { code: e.code, message: e.message }; throw e; }
  throw new Error('expected an EsdlabError');
}
/** A v1.0 .npy file built by hand (header padded to 64 bytes like numpy). */
function npyBytes(header: string, body: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  let h = header;
  while ((pre + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const out = new Uint8Array(pre + h.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, h.length, true); else dv.setUint32(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[pre + i] = h.charCodeAt(i);
  out.set(body, pre + h.length);
  return out;
}

describe('readNpy on files written by numpy', () => {
  for (const c of cases.filter((x) => !x.unsupported && x.dtype !== '<c8')) {
    it(`${c.file} (${c.dtype}${c.fortran ? ', Fortran order' : ''})`, () => {
      const t = readNpy(path.join(DIR, c.file));
      expect(t.dtype).toBe(c.dtype);
      expect(t.fortranOrder).toBe(c.fortran);
      expect(t.shape).toEqual(c.shape);
      expect(Array.from(t.data)).toEqual(c.values);
      expect(t.data).toBeInstanceOf(/f8|i4|i8/.test(c.dtype) ? Float64Array : Float32Array);
    });
  }
  it('refuses complex and pickled object arrays with UNSUPPORTED_DTYPE (never unpickles)', () => {
    for (const f of ['a_c8.npy', 'a_object.npy']) {
      const e = errorOf(() => readNpy(path.join(DIR, f)));
      expect(e.code).toBe('UNSUPPORTED_DTYPE');
      expect(e.message).toContain(f);
    }
  });
});

describe('parseNpy error handling', () => {
  const good = fs.readFileSync(path.join(DIR, 'a_f4.npy'));
  it('rejects a bad magic', () => {
    const e = errorOf(() => parseNpy(new TextEncoder().encode('hello world, not numpy'), 'x.npy'));
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.message).toBe('[x.npy, byte 0] not a .npy file (bad magic; expected \\x93NUMPY)');
  });
  it('reports a truncated body with its byte offset', () => {
    const e = errorOf(() => parseNpy(good.subarray(0, good.length - 3), 'w.npy'));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toMatch(/needs 48 bytes, file has 45/);
  });
  it('reports a header length past the end of the file', () => {
    const b = Uint8Array.from(good.subarray(0, 40));
    expect(errorOf(() => parseNpy(b)).code).toBe('TRUNCATED');
  });
  it('rejects a lying header (body longer than the shape) and malformed dicts', () => {
    const body = new Uint8Array(4 * 7);
    expect(errorOf(() => parseNpy(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", body))).message).toMatch(/4 extra/);
    expect(errorOf(() => parseNpy(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", body))).code).toBe('PARSE_ERROR');
    expect(errorOf(() => parseNpy(npyBytes("{'descr': '<f4', 'shape': (7,), }", body))).message).toMatch(/fortran_order/);
    expect(errorOf(() => parseNpy(npyBytes("{'descr': '<f4', 'fortran_order': __import__('os'), 'shape': (7,), }", body))).code).toBe('PARSE_ERROR');
    expect(errorOf(() => parseNpy(npyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (7,), }", body))).code).toBe('UNSUPPORTED_DTYPE');
    expect(errorOf(() => parseNpy(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", body))).code).toBe('INVALID_SHAPE');
  });
  it('reads format version 2.0 and scalars (shape ())', () => {
    const body = new Uint8Array(8);
    new DataView(body.buffer).setFloat64(0, 2.5, true);
    const t = parseNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", body, 2));
    expect(t.shape).toEqual([]);
    expect(Array.from(t.data)).toEqual([2.5]);
  });
  it('maps missing files and directories to NOT_FOUND / IO_ERROR', () => {
    expect(errorOf(() => readNpy('/nonexistent/w.npy')).code).toBe('NOT_FOUND');
    expect(errorOf(() => readNpy(DIR)).code).toBe('IO_ERROR');
  });
});
