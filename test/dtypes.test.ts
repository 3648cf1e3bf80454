/**
 * Element decoding (src/io/dtypes.ts): the aligned typed-array fast paths and the general byte path
 * must give the same float32 values. References: IEEE-754 by construction — every one of the 65536
 * half and bfloat16 bit patterns, decoded from its bits independently of the code under test.
 */
import { decodeInto } from '../src/io/dtypes';

/** float16 bits → value, straight from the IEEE-754 definition. */
function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, f = h & 1023;
  if (e === 31) return f ? NaN : sign * Infinity;
  return e === 0 ? sign * f * 2 ** -24 : sign * (1 + f / 1024) * 2 ** (e - 15);
}
/** bfloat16 bits → value: the top half of a float32. */
function bf16(h: number): number {
  return new Float32Array(new Uint32Array([h << 16 >>> 0]).buffer)[0];
}
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

// all 65536 patterns, little-endian, placed at byte offset `shift` of a larger buffer
function patterns(shift: number): Uint8Array {
  const buf = new Uint8Array(131072 + shift);
  for (let h = 0; h < 65536; h++) { buf[shift + 2 * h] = h & 255; buf[shift + 2 * h + 1] = h >> 8; }
  return buf.subarray(shift);
}

describe('decodeInto', () => {
  test.each([
    ['F16', 0, 0, half], ['F16', 1, 0, half], ['F16', 0, 3, half],
    ['BF16', 0, 0, bf16], ['BF16', 1, 0, bf16], ['BF16', 0, 3, bf16],
  ] as const)('%s, byte shift %i, output offset %i: every bit pattern decodes exactly', (dtype, shift, off, ref) => {
    const out = new Float32Array(65536 + off).fill(7);
    decodeInto(dtype, patterns(shift), out, off);
    let bad = 0;
    for (let h = 0; h < 65536; h++) if (!same(out[off + h], Math.fround(ref(h)))) bad++;
    expect(bad).toBe(0);
    for (let i = 0; i < off; i++) expect(out[i]).toBe(7); // nothing written before the offset
  });
  test('F32 through the aligned view and through the byte path give the same bits', () => {
    const vals = Float32Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? -0 : Math.sin(i) * 10 ** ((i % 60) - 30)));
    const bytes = new Uint8Array(vals.buffer);
    const shifted = new Uint8Array(4001);
    shifted.set(bytes, 1);
    const a = new Float32Array(1000), b = new Float32Array(1000);
    decodeInto('F32', bytes, a, 0); // aligned: view + copy
    decodeInto('F32', shifted.subarray(1), b, 0); // unaligned: DataView path
    expect(Buffer.from(a.buffer).equals(Buffer.from(vals.buffer))).toBe(true);
    expect(Buffer.from(b.buffer).equals(Buffer.from(vals.buffer))).toBe(true);
  });
});
