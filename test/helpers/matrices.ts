/** Test matrices with spectra known in closed form (shared by the eigen, esd and metrics tests). */
import { createRng } from '../../src/core/rng';

/** Householder reflector H = I − 2vvᵀ/(vᵀv) as a dense n×n row-major matrix (orthogonal). */
export function reflector(n: number, seed: number): Float64Array {
  const r = createRng(seed);
  const v = Array.from({ length: n }, () => r.normal());
  const vv = v.reduce((s, x) => s + x * x, 0);
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * n + j] = (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
  return H;
}

/** rows × m matrix W = U[:, :m] · diag(s) · V (U, V reflectors, m = s.length): its singular values are exactly s. */
export function withSingularValues(rows: number, s: number[], seed: number): Float64Array {
  const m = s.length;
  const U = reflector(rows, seed), V = reflector(m, seed + 1);
  const W = new Float64Array(rows * m);
  for (let i = 0; i < rows; i++) for (let j = 0; j < m; j++) {
    let acc = 0;
    for (let k = 0; k < m; k++) acc += U[i * rows + k] * s[k] * V[k * m + j];
    W[i * m + j] = acc;
  }
  return W;
}
