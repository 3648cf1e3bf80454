import { esd, esdSpectrum } from '../src/core/esd';
import { isEsdlabError } from '../src/core/errors';
import { withSingularValues as withSV } from './helpers/matrices';

const sortedSq = (s: number[], f = 1) => s.map((x) => x * x * f).sort((a, b) => a - b);
const expectClose = (got: number[], want: number[], rel = 1e-12) => {
  expect(got).toHaveLength(want.length);
  const sc = Math.max(...want);
  got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(rel * sc));
};

describe('esd (dense)', () => {
  const s = [0.5, 1, 2, 3, 5];
  const W = withSV(12, s, 1);
  it('defaults to X = WᵀW/N and records the options', () => {
    const r = esd({ data: W, shape: [12, 5] });
    expectClose(r.eigenvalues, sortedSq(s, 1 / 12));
    expect([r.N, r.M, r.Q, r.normalize, r.layerType, r.rf, r.slices, r.conv2dScaling, r.backend]).toEqual([12, 5, 2.4, 'N', 'dense', 1, 1, 1, 'ts']);
    expect(r.options).toEqual({ normalize: 'N', layerType: 'auto', layout: 'auto', pool: true, conv2dScale: 'none' });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
  it("normalize 'none' gives λ = σ², the same for W and Wᵀ, nested arrays and ml-matrix-like input", () => {
    const r = esd({ data: W, shape: [12, 5] }, { normalize: 'none' });
    expectClose(r.eigenvalues, sortedSq(s));
    const Wt = new Float64Array(60);
    for (let i = 0; i < 12; i++) for (let j = 0; j < 5; j++) Wt[j * 12 + i] = W[i * 5 + j];
    const rt = esd({ data: Wt, shape: [5, 12] }, { normalize: 'none' });
    expect([rt.N, rt.M]).toEqual([12, 5]);
    expectClose(rt.eigenvalues, sortedSq(s));
    const nested = Array.from({ length: 12 }, (_, i) => Array.from(W.subarray(i * 5, i * 5 + 5)));
    expectClose(esd(nested, { normalize: 'none' }).eigenvalues, sortedSq(s));
    const ml = { rows: 5, columns: 12, get: (i: number, j: number) => Wt[i * 12 + j] };
    expectClose(esd(ml, { normalize: 'none' }).eigenvalues, sortedSq(s));
  });
  it('reads Float32 input (eigenvalues of the rounded matrix, float64 accumulation)', () => {
    const r = esd({ data: Float32Array.from(W), shape: [12, 5] }, { normalize: 'none' });
    expectClose(r.eigenvalues, sortedSq(s), 1e-6);
  });
  it('rejects NaN/Inf with the index and bad options with typed errors', () => {
    const bad = W.slice(); bad[13] = Infinity;
    try { esd({ data: bad, shape: [12, 5] }, { name: 'fc1' }); throw new Error('no error'); } catch (e) {
      expect(isEsdlabError(e) && e.code).toBe('NON_FINITE');
      expect((e as Error).message).toBe("[tensor 'fc1', at [2, 3]] +Inf value");
    }
    expect(() => esd({ data: W, shape: [12, 5] }, { normalize: 'n' as never })).toThrow(/normalize must be/);
    expect(() => esd({ data: W, shape: [12, 5] }, { conv2dScale: 'yes' as never })).toThrow(/conv2dScale/);
  });
  it('uses an explicit backend and records its name', () => {
    const calls: number[][] = [];
    const r = esd({ data: W, shape: [12, 5] }, {
      normalize: 'none',
      backend: { name: 'fake', gramEigenvalues: (_d, rows, cols) => { calls.push([rows, cols]); return new Float64Array(cols).fill(1); } },
    });
    expect(r.backend).toBe('fake');
    expect(calls).toEqual([[12, 5]]);
  });
});

describe('esd (conv)', () => {
  // PyTorch conv2d (out=10, in=4, 2, 2) whose 4 slices have known singular values.
  const out = 10, inC = 4, kh = 2, kw = 2;
  const sv = [[1, 2, 3, 4], [0.5, 0.6, 0.7, 0.8], [10, 1, 1, 1], [2, 2, 3, 9]];
  const slices = sv.map((s, i) => withSV(out, s, 10 + 2 * i)); // each out×in
  const pt = new Float64Array(out * inC * kh * kw);
  for (let t = 0; t < 4; t++) for (let o = 0; o < out; o++) for (let c = 0; c < inC; c++) pt[(o * inC + c) * 4 + t] = slices[t][o * inC + c];
  const allSq = sortedSq(sv.flat());
  it('pools the kh·kw slice spectra into one ESD of M·rf values', () => {
    const r = esd({ data: pt, shape: [out, inC, kh, kw] }, { normalize: 'none' });
    expect([r.layerType, r.layout, r.N, r.M, r.rf, r.slices]).toEqual(['conv2d', 'pytorch', 10, 4, 4, 4]);
    expectClose(r.eigenvalues, allSq);
    expectClose(esd({ data: pt, shape: [out, inC, kh, kw] }).eigenvalues, allSq.map((x) => x / 10));
  });
  it('gives the same ESD for the Keras layout (kh,kw,in,out)', () => {
    const ks = new Float64Array(pt.length);
    for (let t = 0; t < 4; t++) for (let o = 0; o < out; o++) for (let c = 0; c < inC; c++) ks[(t * inC + c) * out + o] = slices[t][o * inC + c];
    const r = esd({ data: ks, shape: [kh, kw, inC, out] }, { normalize: 'none' });
    expect(r.layout).toBe('keras');
    expectClose(r.eigenvalues, allSq);
  });
  it("applies WeightWatcher's conv2d scaling: ×1/2 pooled, ×kh·kw/2 per slice", () => {
    const pooled = esd({ data: pt, shape: [out, inC, kh, kw] }, { normalize: 'none', conv2dScale: 'ww' });
    expect(pooled.conv2dScaling).toBe(0.5);
    expectClose(pooled.eigenvalues, allSq.map((x) => x / 2));
    const per = esd({ data: pt, shape: [out, inC, kh, kw] }, { normalize: 'none', conv2dScale: 'ww', pool: false });
    expect(per.conv2dScaling).toBe(2);
    expect(per.perSlice).toHaveLength(4);
    per.perSlice!.forEach((p, i) => {
      expect(p.position).toEqual([Math.floor(i / 2), i % 2]);
      expectClose(p.eigenvalues, sortedSq(sv[i], 2));
    });
    expect(esd({ data: pt, shape: [out, inC, kh, kw] }).perSlice).toBeUndefined();
  });
  it('does not swap N and M for out < in (WeightWatcher quirk) and handles conv1d', () => {
    const sw = new Float64Array(pt.length); // (in=4 as out, out=10 as in): transpose each slice
    for (let t = 0; t < 4; t++) for (let o = 0; o < out; o++) for (let c = 0; c < inC; c++) sw[(c * out + o) * 4 + t] = slices[t][o * inC + c];
    const r = esd({ data: sw, shape: [inC, out, kh, kw] }, { normalize: 'none' });
    expect([r.N, r.M, r.Q]).toEqual([10, 4, 2.5]);
    expectClose(r.eigenvalues, allSq);
    const c1 = esd({ data: pt, shape: [out, inC, 4] }, { normalize: 'none', conv2dScale: 'ww' });
    expect([c1.layerType, c1.rf, c1.conv2dScaling]).toEqual(['conv1d', 4, 1]);
    expectClose(c1.eigenvalues, allSq);
  });
  it('esdSpectrum exposes per-slice Float64Arrays', () => {
    const sp = esdSpectrum({ data: Float32Array.from(pt), shape: [out, inC, kh, kw] }, { normalize: 'none' });
    expect(sp.eigenvalues).toBeInstanceOf(Float64Array);
    expect(sp.sliceEigenvalues).toHaveLength(4);
    expectClose(Array.from(sp.sliceEigenvalues[2]), sortedSq(sv[2]), 1e-6);
  });
});

describe('esd vs numpy / WeightWatcher on the committed reference matrices', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const fs = require('fs') as typeof import('fs');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const path = require('path') as typeof import('path');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { readNpy } = require('../src/io/npy') as typeof import('../src/io/npy');
  const DIR = path.join(__dirname, 'reference', 'weightwatcher');
  const ref = JSON.parse(fs.readFileSync(path.join(DIR, 'weightwatcher.json'), 'utf8'));
  for (const [name, r] of Object.entries(ref.esd as Record<string, { svd_squared_per_slice: number[][]; eigvalsh_gram_per_slice: number[][]; ww_get_ESD: number[] }>)) {
    it(`${name}: eigenvalues = numpy svd(W)² to 1e-10·λmax (per slice and pooled), and = WeightWatcher's get_ESD (unscaled)`, () => {
      const W = readNpy(path.join(DIR, `${name}.weight.npy`));
      const per = esd(W, { normalize: 'none', pool: false });
      r.svd_squared_per_slice.forEach((want, i) => expectClose(per.perSlice ? per.perSlice[i].eigenvalues : per.eigenvalues, want, 1e-10));
      expectClose(per.eigenvalues, r.svd_squared_per_slice.flat().sort((a, b) => a - b), 1e-10);
      r.eigvalsh_gram_per_slice.forEach((want, i) => expectClose(per.perSlice ? per.perSlice[i].eigenvalues : per.eigenvalues, want, 1e-10));
      // WeightWatcher 0.7.5.5's get_ESD() does NOT apply its conv2d scaling (analyze() does: see analyzeLayer.test.ts).
      expectClose(esd(W, { normalize: 'none' }).eigenvalues, r.ww_get_ESD, 1e-10);
      const lmaxWW = Math.max(...r.ww_get_ESD);
      const lmaxScaled = Math.max(...esd(W, { normalize: 'none', conv2dScale: 'ww' }).eigenvalues);
      expect(Math.abs(lmaxScaled / (per.layerType === 'conv2d' ? lmaxWW / 2 : lmaxWW) - 1)).toBeLessThan(1e-12);
      const n = esd(W);
      expectClose(n.eigenvalues, r.svd_squared_per_slice.flat().sort((a, b) => a - b).map((x) => x / n.N), 1e-10);
    });
  }
});

describe('esd overflow', () => {
  it('reports eigenvalues beyond float64 as a NON_FINITE error, not Infinity', () => {
    const W = Float64Array.from({ length: 8 }, (_, i) => (i + 1) * 1e200);
    try { esd({ data: W, shape: [4, 2] }, { normalize: 'none', name: 'big' }); throw new Error('no error'); } catch (e) {
      expect(isEsdlabError(e) && e.code).toBe('NON_FINITE');
      expect((e as Error).message).toMatch(/exceed the float64 range/);
    }
  });
});
