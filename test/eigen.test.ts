import { symmetricEigenvalues, tridiagonalEigenvalues, tsGramEigenvalues, tsSpectrumBackend } from '../src/core/eigen';
import { gramMatrix, transposeMatrix } from '../src/core/gram';
import { getSpectrumBackend } from '../src/core/spectrumBackend';
import { createRng } from '../src/core/rng';
import { reflector, withSingularValues } from './helpers/matrices';



const maxRelErr = (got: ArrayLike<number>, want: number[]): number => {
  const scale = Math.max(...want.map(Math.abs));
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / scale);
  return e;
};

describe('tridiagonalEigenvalues', () => {
  it('reproduces the closed form 2 − 2cos(kπ/(n+1)) of the 1-D Laplacian tridiag(−1, 2, −1)', () => {
    for (const n of [1, 2, 3, 10, 200]) {
      const d = new Float64Array(n).fill(2);
      const e = new Float64Array(n).fill(-1);
      const got = tridiagonalEigenvalues(d, e);
      const want = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort((a, b) => a - b);
      expect(maxRelErr(got, want)).toBeLessThan(1e-14);
    }
  });
});

describe('symmetricEigenvalues', () => {
  it('finds the spectrum of Q·diag(λ)·Qᵀ (Q a reflector) for mixed-sign, repeated and zero eigenvalues', () => {
    const lam = [-3, -1e-3, 0, 0, 1, 1, 1, 2.5, 7, 1e4];
    const n = lam.length;
    const Q = reflector(n, 5);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[i * n + k] * lam[k] * Q[j * n + k];
      A[i * n + j] = s;
    }
    const copy = A.slice();
    const got = symmetricEigenvalues(A, n);
    expect(A).toEqual(copy); // not overwritten by default
    expect(maxRelErr(got, [...lam].sort((a, b) => a - b))).toBeLessThan(1e-14);
  });
  it('handles sizes 0, 1 and 2 and a diagonal matrix', () => {
    expect(Array.from(symmetricEigenvalues(new Float64Array(0), 0))).toEqual([]);
    expect(Array.from(symmetricEigenvalues(Float64Array.of(4), 1))).toEqual([4]);
    const two = symmetricEigenvalues(Float64Array.of(2, 1, 1, 2), 2);
    expect(two[0]).toBeCloseTo(1, 14);
    expect(two[1]).toBeCloseTo(3, 14);
    expect(Array.from(symmetricEigenvalues(Float64Array.of(5, 0, 0, 0, -2, 0, 0, 0, 3), 3))).toEqual([-2, 3, 5]);
  });
  it('rejects a data length that does not match n', () => {
    expect(() => symmetricEigenvalues(new Float64Array(5), 2)).toThrow(/needs 4 values/);
  });
});

describe('gramMatrix', () => {
  it('equals the naive WᵀW for Float32 and Float64 inputs of odd sizes (all blocking edges)', () => {
    const r = createRng(3);
    for (const [rows, cols] of [[1, 1], [7, 5], [13, 9], [401, 6], [450, 11]] as const) {
      const w64 = Float64Array.from({ length: rows * cols }, () => r.normal());
      const w32 = Float32Array.from(w64);
      for (const w of [w64, w32]) {
        const G = gramMatrix(w, rows, cols);
        for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) {
          let s = 0;
          for (let k = 0; k < rows; k++) s += w[k * cols + i] * w[k * cols + j];
          expect(Math.abs(G[i * cols + j] - s)).toBeLessThan(1e-12 * rows);
        }
      }
    }
  });
  it('transposeMatrix keeps the element type', () => {
    const t = transposeMatrix(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3);
    expect(t).toBeInstanceOf(Float32Array);
    expect(Array.from(t)).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

describe('ts spectrum backend', () => {
  it('is registered as the fallback and named ts', () => {
    expect(getSpectrumBackend().name).toBe('ts');
    expect(tsSpectrumBackend.gramEigenvalues).toBe(tsGramEigenvalues);
  });
  it('returns exactly the squared singular values of a matrix built with known singular values', () => {
    const s = [0.01, 0.5, 1, 1, 2, 3.5, 10, 40];
    const W = withSingularValues(300, s, 11);
    const got = tsGramEigenvalues(W, 300, s.length);
    const want = s.map((x) => x * x).sort((a, b) => a - b);
    expect(maxRelErr(got, want)).toBeLessThan(1e-13);
    const got32 = tsGramEigenvalues(Float32Array.from(W), 300, s.length);
    expect(maxRelErr(got32, want)).toBeLessThan(1e-6);
  });
  it('clamps rounding negatives of a rank-deficient Gram matrix to 0', () => {
    const W = withSingularValues(64, [0, 0, 0, 1, 2, 3], 21);
    const got = tsGramEigenvalues(W, 64, 6);
    for (const v of got) expect(v).toBeGreaterThanOrEqual(0);
    expect(got[2]).toBeLessThan(1e-13);
    expect(got[5]).toBeCloseTo(9, 12);
  });
  it('is correct at a size with many QL sweeps (M = 300 with a clustered spectrum)', () => {
    const s = Array.from({ length: 300 }, (_, i) => 1 + (i % 3) * 1e-9 + Math.floor(i / 3));
    const W = withSingularValues(320, s, 31);
    const got = tsGramEigenvalues(W, 320, 300);
    expect(maxRelErr(got, s.map((x) => x * x).sort((a, b) => a - b))).toBeLessThan(1e-12);
  });
});

describe('extreme magnitudes', () => {
  it('scales float64 entries near 1e152 / 1e-140 by an exact power of two (no overflow/underflow)', () => {
    const s = [1, 2, 3];
    const W = withSingularValues(50, s, 41);
    for (const f of [1e152, 1e-140]) {
      const got = tsGramEigenvalues(W.map((x) => x * f), 50, 3);
      got.forEach((g, i) => expect(Math.abs(g / f / f / (s[i] * s[i]) - 1)).toBeLessThan(1e-12));
    }
  });
});
