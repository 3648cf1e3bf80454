import { histogramJsDistance, randomizeLayer, shuffleTensor, wwRandDistance } from '../src/core/randomize';
import { gaussianMatrix } from '../src/core/randomMatrices';
import { isEsdlabError } from '../src/core/errors';
import { createRng } from '../src/core/rng';

describe('element shuffle', () => {
  test('is a seeded permutation of the entries', () => {
    const W = gaussianMatrix(30, 20, { seed: 3 });
    const a = shuffleTensor(W, 5), b = shuffleTensor(W, 5), c = shuffleTensor(W, 6);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    expect(Array.from(a.data).sort()).toEqual(Array.from(W.data).sort());
    expect(a.shape).toEqual([30, 20]);
    expect(Array.from(W.data)).toEqual(Array.from(gaussianMatrix(30, 20, { seed: 3 }).data)); // input untouched
  });
});

describe("WeightWatcher's rand_distance", () => {
  test('hand-computed JS distance of two probability vectors', () => {
    // p = (1,3)/4, q = (3,1)/4, m = (1/2, 1/2): KL(p‖m) = ¼ln(½) + ¾ln(3/2) — same for q
    const kl = 0.25 * Math.log(0.5) + 0.75 * Math.log(1.5);
    expect(wwRandDistance([1, 3], [3, 1])).toBeCloseTo(Math.sqrt(kl), 14);
    expect(wwRandDistance([2, 6], [6, 2])).toBeCloseTo(Math.sqrt(kl), 14); // scale-free
    expect(wwRandDistance([1, 2, 3], [1, 2, 3])).toBe(0);
    // disjoint supports reach √ln2
    expect(wwRandDistance([0, 1], [1, 0])).toBeCloseTo(Math.sqrt(Math.log(2)), 14);
  });
  test('matches weightwatcher RMT_Util.jensen_shannon_distance (reference/mpfit/randdist_reference.json) to 1e-12', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const fs = require('fs') as typeof import('fs');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const path = require('path') as typeof import('path');
    const dir = path.join(__dirname, 'reference', 'mpfit');
    const evals = new Map<string, number[]>();
    for (const c of JSON.parse(fs.readFileSync(path.join(dir, 'mpfit_reference.json'), 'utf8')).cases) evals.set(c.name, c.evals);
    const ref = JSON.parse(fs.readFileSync(path.join(dir, 'randdist_reference.json'), 'utf8')) as { pairs: Array<{ p: string; q: string; rand_distance: number }> };
    expect(ref.pairs.length).toBe(4);
    for (const pr of ref.pairs) {
      const d = wwRandDistance(evals.get(pr.p) as number[], evals.get(pr.q) as number[]);
      if (pr.rand_distance === 0) expect(d).toBe(0);
      else expect(Math.abs(d / pr.rand_distance - 1)).toBeLessThan(1e-12);
    }
  });
  test('length mismatch is a typed error', () => {
    let err: unknown;
    try { wwRandDistance([1, 2], [1]); } catch (e) { err = e; }
    expect(isEsdlabError(err)).toBe(true);
  });
});

describe('histogram JS distance', () => {
  test('0 for identical samples, 1 for disjoint ones, symmetric', () => {
    const r = createRng(1);
    const a = Array.from({ length: 500 }, () => r.normal());
    expect(histogramJsDistance(a, a)).toBe(0);
    expect(histogramJsDistance([0, 0.1, 0.2], [10, 10.1, 10.2], { bins: 10 })).toBeCloseTo(1, 12);
    const b = a.map((x) => x + 1);
    expect(histogramJsDistance(a, b)).toBeCloseTo(histogramJsDistance(b, a), 14);
    expect(histogramJsDistance(a, b)).toBeGreaterThan(0.3);
  });
});

describe('randomizeLayer', () => {
  test('Gaussian W: shuffled ESD ≈ original, no traps, soft rank ≈ 1', () => {
    const r = randomizeLayer(gaussianMatrix(300, 150, { seed: 9 }), { seed: 1 });
    expect(r.num_traps).toBe(0);
    expect(r.ww_softrank as number).toBeGreaterThan(0.9);
    expect(r.ww_softrank as number).toBeLessThan(1.1);
    expect(r.rand_distance as number).toBeLessThan(0.05);
    expect(r.rand_hist_distance as number).toBeLessThan(0.35);
    expect(r.rand_eigenvalues.length).toBe(150);
    expect(r.normalize).toBe('N');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  test('low-rank signal: shuffling destroys it (large distances, soft rank ≪ 1)', () => {
    const N = 200, M = 100;
    const rng = createRng(4);
    const u = Array.from({ length: N }, () => rng.normal());
    const v = Array.from({ length: M }, () => rng.normal());
    const data = new Float64Array(N * M);
    for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) data[i * M + j] = u[i] * v[j] + 0.05 * rng.normal();
    const r = randomizeLayer({ data, shape: [N, M] }, { seed: 2 });
    expect(r.ww_softrank as number).toBeLessThan(0.2);
    expect(r.rand_distance as number).toBeGreaterThan(0.3);
    expect(r.rand_hist_distance as number).toBeGreaterThan(0.5);
  });

  test('a few huge entries survive shuffling: correlation traps', () => {
    const W = gaussianMatrix(200, 100, { seed: 5 });
    W.data[17] = 80; W.data[5000] = -90; W.data[12345] = 100;
    const r = randomizeLayer(W, { seed: 3 });
    expect(r.num_traps).toBe(3);
    expect(r.trap_eigenvalues[0]).toBeGreaterThan(r.trap_threshold);
    expect(r.rand_num_spikes).toBeGreaterThanOrEqual(3);
  });

  test('NaN is rejected with its position', () => {
    const W = gaussianMatrix(20, 10, { seed: 1 });
    W.data[23] = NaN;
    let err: unknown;
    try { randomizeLayer(W, { name: 'fc1' }); } catch (e) { err = e; }
    expect(isEsdlabError(err)).toBe(true);
    expect((err as Error).message).toMatch(/fc1/);
    expect((err as Error).message).toMatch(/\[2, 3\]/);
  });
});
