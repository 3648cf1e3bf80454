/**
 * Gram matrices with float64 accumulation. The hot path of every ESD: for a row-major `rows × cols`
 * matrix W (rows ≥ cols in the ESD pipeline) it forms the `cols × cols` matrix WᵀW.
 *
 * The input is read as stored: a Float32Array is never copied into a float64 array as a whole.
 * Instead a panel of at most {@link GRAM_PANEL_ROWS} rows is transposed into a small float64 buffer
 * and multiplied by a 4×4 register-blocked kernel (16 running sums, 8 loads per 16 multiply-adds).
 */
import type { NumericArray } from './matrix';

/** Rows of W transposed into the float64 panel buffer per pass (tuned on a 2-vCPU Xeon; 128–256 are equal). */
export const GRAM_PANEL_ROWS = 192;

/**
 * Returns G = (sW)ᵀ(sW) (`cols × cols`, full symmetric, row-major) of the row-major `rows × cols`
 * matrix `data`, accumulated in float64. `scale` s (default 1) is applied while reading; pass a power of
 * two to keep it exact (see {@link gramScale}). `data` is not modified.
 */
export function gramMatrix(data: NumericArray, rows: number, cols: number, scale = 1): Float64Array {
  const m = cols;
  const G = new Float64Array(m * m);
  if (m === 0 || rows === 0) return G;
  const kbMax = Math.min(GRAM_PANEL_ROWS, rows);
  const T = new Float64Array(m * kbMax);
  const m4 = m - (m % 4);
  for (let k0 = 0; k0 < rows; k0 += kbMax) {
    const kb = Math.min(kbMax, rows - k0);
    // Transpose rows k0..k0+kb-1 into T (m × kb, row stride kb).
    for (let r = 0; r < kb; r++) {
      const src = (k0 + r) * m;
      if (scale === 1) for (let i = 0; i < m; i++) T[i * kb + r] = data[src + i];
      else for (let i = 0; i < m; i++) T[i * kb + r] = data[src + i] * scale;
    }
    // 4×4 blocks on and above the block diagonal.
    for (let i = 0; i < m4; i += 4) {
      const a0 = i * kb, a1 = a0 + kb, a2 = a1 + kb, a3 = a2 + kb;
      for (let j = i; j < m4; j += 4) {
        const b0 = j * kb, b1 = b0 + kb, b2 = b1 + kb, b3 = b2 + kb;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
        let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
        let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let r = 0; r < kb; r++) {
          const x0 = T[a0 + r], x1 = T[a1 + r], x2 = T[a2 + r], x3 = T[a3 + r];
          const y0 = T[b0 + r], y1 = T[b1 + r], y2 = T[b2 + r], y3 = T[b3 + r];
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
          s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
          s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        let g = i * m + j;
        G[g] += s00; G[g + 1] += s01; G[g + 2] += s02; G[g + 3] += s03; g += m;
        G[g] += s10; G[g + 1] += s11; G[g + 2] += s12; G[g + 3] += s13; g += m;
        G[g] += s20; G[g + 1] += s21; G[g + 2] += s22; G[g + 3] += s23; g += m;
        G[g] += s30; G[g + 1] += s31; G[g + 2] += s32; G[g + 3] += s33;
      }
    }
    // Remaining columns b ≥ m4: plain dot products for every a ≤ b.
    for (let b = m4; b < m; b++) {
      const bb = b * kb;
      for (let a = 0; a <= b; a++) {
        const aa = a * kb;
        let s = 0;
        for (let r = 0; r < kb; r++) s += T[aa + r] * T[bb + r];
        G[a * m + b] += s;
      }
    }
  }
  // Mirror the upper triangle into the lower one.
  for (let i = 1; i < m; i++) {
    const ri = i * m;
    for (let j = 0; j < i; j++) G[ri + j] = G[j * m + i];
  }
  return G;
}

/**
 * A power of two s such that the Gram matrix of s·W neither overflows nor underflows float64
 * (max |s·w|² · rows stays near 1e100 when it would otherwise leave [1e-250, 1e250]); 1 otherwise.
 * Multiplying by a power of two is exact, so eigenvalues of the scaled Gram matrix divided by s² are
 * those of the unscaled one.
 */
export function gramScale(data: NumericArray, rows: number): number {
  let mx = 0;
  for (let i = 0; i < data.length; i++) { const a = Math.abs(data[i]); if (a > mx) mx = a; }
  if (mx === 0 || !Number.isFinite(mx)) return 1;
  const big = mx * mx * Math.max(rows, 1);
  if (big < 1e250 && mx * mx > 1e-250) return 1;
  // target max|s·w| ≈ 1e50/√rows
  const e = Math.round(Math.log2(1e50 / Math.sqrt(Math.max(rows, 1)) / mx));
  return Math.pow(2, e);
}

/**
 * Returns the transpose (`cols × rows`, row-major) of a row-major `rows × cols` matrix, in an array
 * of the same element type as the input (a Float32Array stays Float32Array).
 */
export function transposeMatrix<T extends NumericArray>(data: T, rows: number, cols: number): T {
  const out = (data instanceof Float32Array ? new Float32Array(rows * cols) : new Float64Array(rows * cols)) as T;
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(cols, j0 + B);
      for (let i = i0; i < i1; i++) {
        const ri = i * cols;
        for (let j = j0; j < j1; j++) out[j * rows + i] = data[ri + j];
      }
    }
  }
  return out;
}
