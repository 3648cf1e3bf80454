import { layerMatrices } from '../src/core/layerMatrices';
import { isEsdlabError } from '../src/core/errors';

const seq = (n: number, T: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array) => T.from({ length: n }, (_, i) => i + 1);

describe('layerMatrices', () => {
  it('orients a 2-D matrix to rows ≥ cols, without copying when it already is', () => {
    const d = seq(6);
    const tall = layerMatrices({ data: d, shape: [3, 2] });
    expect(tall.slices[0].data).toBe(d);
    expect([tall.N, tall.M, tall.rf, tall.layerType, tall.layout]).toEqual([3, 2, 1, 'dense', null]);
    const wide = layerMatrices({ data: d, shape: [2, 3] });
    expect([wide.N, wide.M]).toEqual([3, 2]);
    expect(Array.from(wide.slices[0].data)).toEqual([1, 4, 2, 5, 3, 6]);
  });
  it('keeps Float32 storage for slices', () => {
    const r = layerMatrices({ data: seq(2 * 3 * 2 * 2, Float32Array), shape: [2, 3, 2, 2] });
    for (const s of r.slices) expect(s.data).toBeInstanceOf(Float32Array);
  });
  it('slices PyTorch conv2d (out,in,kh,kw) as W[:,:,i,j] in row-major kernel order', () => {
    // out=3, in=2, kh=1, kw=2 → element (o,c,0,j) = 100*o + 10*c + j
    const data = new Float64Array(3 * 2 * 1 * 2);
    for (let o = 0; o < 3; o++) for (let c = 0; c < 2; c++) for (let j = 0; j < 2; j++) data[(o * 2 + c) * 2 + j] = 100 * o + 10 * c + j;
    const r = layerMatrices({ data, shape: [3, 2, 1, 2] });
    expect(r.layout).toBe('pytorch');
    expect(r.kernel).toEqual([1, 2]);
    expect(r.rf).toBe(2);
    expect(r.slices.map((s) => s.position)).toEqual([[0, 0], [0, 1]]);
    expect(Array.from(r.slices[1].data)).toEqual([1, 11, 101, 111, 201, 211]);
    expect([r.N, r.M]).toEqual([3, 2]);
  });
  it('transposes PyTorch conv2d slices when out < in (N/M are the true per-slice sizes)', () => {
    const data = new Float64Array(2 * 3 * 2 * 2);
    for (let o = 0; o < 2; o++) for (let c = 0; c < 3; c++) for (let k = 0; k < 4; k++) data[(o * 3 + c) * 4 + k] = 100 * o + 10 * c + k;
    const r = layerMatrices({ data, shape: [2, 3, 2, 2] });
    expect([r.N, r.M, r.rf]).toEqual([3, 2, 4]);
    // slice (1,0) = W[:,:,1,0] (k = 2), transposed to in × out
    expect(Array.from(r.slices[2].data)).toEqual([2, 102, 12, 112, 22, 122]);
  });
  it('slices Keras conv2d (kh,kw,in,out) as W[i,j,:,:] and detects the layout by WW\'s rule', () => {
    const r = layerMatrices({ data: seq(3 * 3 * 4 * 8), shape: [3, 3, 4, 8] });
    expect(r.layout).toBe('keras');
    expect(r.kernel).toEqual([3, 3]);
    expect([r.N, r.M]).toEqual([8, 4]);
    expect(r.slices).toHaveLength(9);
    // slice (0,1) starts at element 32: in×out = 4×8, transposed to 8×4
    expect(r.slices[1].data[0]).toBe(33);
    expect(r.slices[1].data[1]).toBe(41);
    const forced = layerMatrices({ data: seq(3 * 3 * 4 * 8), shape: [3, 3, 4, 8] }, { layout: 'pytorch' });
    expect(forced.kernel).toEqual([4, 8]);
  });
  it('slices conv1d (out,in,k) per tap and treats a 2-D conv1d as HF Conv1D', () => {
    const data = new Float64Array(4 * 2 * 3);
    for (let o = 0; o < 4; o++) for (let c = 0; c < 2; c++) for (let t = 0; t < 3; t++) data[(o * 2 + c) * 3 + t] = 100 * o + 10 * c + t;
    const r = layerMatrices({ data, shape: [4, 2, 3] });
    expect([r.layerType, r.layout, r.rf, r.N, r.M]).toEqual(['conv1d', 'pytorch', 3, 4, 2]);
    expect(Array.from(r.slices[2].data)).toEqual([2, 12, 102, 112, 202, 212, 302, 312]);
    const k = layerMatrices({ data: seq(3 * 2 * 4), shape: [3, 2, 4] });
    expect(k.layout).toBe('keras');
    const hf = layerMatrices({ data: seq(6), shape: [2, 3] }, { layerType: 'conv1d' });
    expect([hf.layerType, hf.rf, hf.N, hf.M]).toEqual(['conv1d', 1, 3, 2]);
  });
  it('rejects bad shapes, mismatched layer types and NaN with the element index', () => {
    const err = (f: () => unknown) => { try { f(); } catch (e) { return e; } throw new Error('no error'); };
    const e1 = err(() => layerMatrices({ data: seq(4), shape: [4] }, { name: 'fc.weight' }));
    expect(isEsdlabError(e1) && e1.code).toBe('INVALID_SHAPE');
    expect((e1 as Error).message).toContain("tensor 'fc.weight'");
    expect(isEsdlabError(err(() => layerMatrices({ data: new Float64Array(0), shape: [0, 3] })))).toBe(true);
    expect((err(() => layerMatrices({ data: seq(6), shape: [2, 3] }, { layerType: 'conv2d' })) as Error).message).toMatch(/conv2d needs a 4-D/);
    const bad = seq(12); bad[7] = NaN;
    const e2 = err(() => layerMatrices({ data: bad, shape: [3, 4] }, { name: 'w' }));
    expect(isEsdlabError(e2) && e2.code).toBe('NON_FINITE');
    expect((e2 as Error).message).toContain('[1, 3]');
    expect(isEsdlabError(err(() => layerMatrices({ data: seq(6), shape: [2, 3] }, { layout: 'tf' as never })))).toBe(true);
  });
});
