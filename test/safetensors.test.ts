import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isEsdlabError } from '../src/core/errors';
import { openSafetensors, openSafetensorsDir, openSafetensorsIndex, parseSafetensorsHeader } from '../src/io/safetensors';
import { MODELS, expectMatchesFixture } from './ioFixtures';

describe('safetensors loader (fixtures written by the safetensors package)', () => {
  for (const f of ['tiny_f64', 'tiny_f32', 'tiny_f16', 'tiny_bf16', 'tiny_i8']) {
    test(`${f}: names, shapes, values and eigenvalues match numpy`, async () => {
      const m = await openSafetensors(path.join(MODELS, `${f}.safetensors`));
      try {
        expect(m.format).toBe('safetensors');
        await expectMatchesFixture(m, `${f}.safetensors`);
      } finally {
        await m.close();
      }
    });
  }

  test('readTensor can decode into a buffer handed back (reuse): same memory, right values', async () => {
    const m = await openSafetensors(path.join(MODELS, 'tiny_f32.safetensors'));
    const a = await m.readTensor('embed_tokens.weight'); // 40x12
    const fresh = await m.readTensor('head.weight');
    const b = await m.readTensor('head.weight', { reuse: a.data }); // 10x24 fits in 480
    expect(b.data.buffer).toBe(a.data.buffer);
    expect(Array.from(b.data)).toEqual(Array.from(fresh.data));
    const c = await m.readTensor('conv.weight', { reuse: new Float64Array(1000) }); // wrong type: not reused
    expect(c.data).toBeInstanceOf(Float32Array);
    await m.close();
  });

  test('stored dtypes are reported', async () => {
    const m = await openSafetensors(path.join(MODELS, 'tiny_bf16.safetensors'));
    expect(new Set(m.tensors.map((t) => t.dtype))).toEqual(new Set(['BF16']));
    await m.close();
  });

  test('sharded checkpoint via model.safetensors.index.json', async () => {
    const m = await openSafetensorsIndex(path.join(MODELS, 'sharded', 'model.safetensors.index.json'));
    try {
      expect(m.format).toBe('safetensors-sharded');
      await expectMatchesFixture(m, 'sharded/model.safetensors.index.json');
    } finally {
      await m.close();
    }
  });

  test('sharded checkpoint as a directory of shards', async () => {
    const m = await openSafetensorsDir(path.join(MODELS, 'sharded'));
    try {
      await expectMatchesFixture(m, 'sharded/model.safetensors.index.json');
    } finally {
      await m.close();
    }
  });
});

function header(obj: unknown, dataBytes: number, declaredLen?: number): Uint8Array {
  const json = Buffer.from(JSON.stringify(obj), 'utf8');
  const buf = Buffer.alloc(8 + json.length + dataBytes);
  buf.writeBigUInt64LE(BigInt(declaredLen ?? json.length), 0);
  json.copy(buf, 8);
  return new Uint8Array(buf);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isEsdlabError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('safetensors header validation', () => {
  const ok = { w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] } };
  test('a valid header parses', () => {
    const b = header(ok, 24);
    const h = parseSafetensorsHeader(b, b.length, 'x');
    expect(h.entries).toEqual([{ name: 'w', dtype: 'F32', shape: [2, 3], offset: b.length - 24, length: 24 }]);
  });
  test('lying header length → TRUNCATED', () => {
    const b = header(ok, 24, 1e9);
    expect(codeOf(() => parseSafetensorsHeader(b, b.length, 'x'))).toBe('TRUNCATED');
  });
  test('shape/byte-count mismatch → INVALID_SHAPE naming the tensor', () => {
    const b = header({ w: { dtype: 'F32', shape: [2, 4], data_offsets: [0, 24] } }, 24);
    expect(() => parseSafetensorsHeader(b, b.length, 'f.safetensors')).toThrow(/tensor 'w'.*needs 32 bytes/);
  });
  test('dtype unknown → UNSUPPORTED_DTYPE', () => {
    const b = header({ w: { dtype: 'F8_E4M3', shape: [2, 3], data_offsets: [0, 6] } }, 6);
    expect(codeOf(() => parseSafetensorsHeader(b, b.length, 'x'))).toBe('UNSUPPORTED_DTYPE');
  });
  test('data past the end of file → TRUNCATED', () => {
    const b = header(ok, 10);
    expect(codeOf(() => parseSafetensorsHeader(b, b.length, 'x'))).toBe('TRUNCATED');
  });
  test('header not JSON → PARSE_ERROR', () => {
    const json = Buffer.from('{"w": [', 'utf8');
    const buf = Buffer.alloc(8 + json.length);
    buf.writeBigUInt64LE(BigInt(json.length), 0);
    json.copy(buf, 8);
    expect(codeOf(() => parseSafetensorsHeader(new Uint8Array(buf), buf.length, 'x'))).toBe('PARSE_ERROR');
  });
  test('negative or fractional dims → INVALID_SHAPE', () => {
    const b = header({ w: { dtype: 'F32', shape: [-1, 3], data_offsets: [0, 12] } }, 12);
    expect(codeOf(() => parseSafetensorsHeader(b, b.length, 'x'))).toBe('INVALID_SHAPE');
  });

  test('reads only the header and the requested tensor (lazy): a file with a huge unread tail', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-st-'));
    const f = path.join(dir, 'big.safetensors');
    // 64 MB sparse tensor after a small one: opening and reading the small one must not touch it
    const b = Buffer.from(header({ small: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, big: { dtype: 'F32', shape: [16 * 1024 * 1024], data_offsets: [8, 8 + 64 * 1024 * 1024] } }, 8));
    b.writeFloatLE(1.5, b.length - 8);
    b.writeFloatLE(-2, b.length - 4);
    fs.writeFileSync(f, b);
    fs.truncateSync(f, b.length + 64 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    const m = await openSafetensors(f);
    const t = await m.readTensor('small');
    expect(Array.from(t.data)).toEqual([1.5, -2]);
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
    await m.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
