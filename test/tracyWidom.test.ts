import { TW1, countAbove, spikeThresholds, twScale } from '../src/core/tracyWidom';
import { mpEdges } from '../src/core/marchenkoPastur';
import { createRng } from '../src/core/rng';
import { tsGramEigenvalues } from '../src/core/eigen';

describe('Tracy–Widom scale', () => {
  test("equals Johnstone's scale (√N+√M)(1/√N+1/√M)^(1/3)/N written with N, M", () => {
    for (const [N, M] of [[200, 100], [1000, 1000], [4096, 384], [300, 299]]) {
      const Q = N / M;
      const johnstone = ((Math.sqrt(N) + Math.sqrt(M)) * Math.cbrt(1 / Math.sqrt(N) + 1 / Math.sqrt(M))) / N;
      expect(twScale(mpEdges(Q).lambdaPlus, Q, M) / johnstone).toBeCloseTo(1, 12);
      // scales like σ² (s_TW has the units of λ)
      const s = 1.7;
      expect(twScale(mpEdges(Q, s).lambdaPlus, Q, M, s) / johnstone).toBeCloseTo(s * s, 10);
    }
  });

  test('table values of §4 (ww TW quantity): M=128,Q=1 → 0.0992; M=1000,Q=4 → 0.0086', () => {
    expect(twScale(4, 1, 128)).toBeCloseTo(0.0992, 4);
    expect(twScale(2.25, 4, 128)).toBeCloseTo(0.0338, 4);
    expect(twScale(2.25, 4, 1000)).toBeCloseTo(0.0086, 4);
    expect(twScale(1.706, 10.67, 384)).toBeCloseTo(0.0083, 4);
  });

  test('TW1 constants: sd² = 1.6077810346', () => {
    expect(TW1.sd * TW1.sd).toBeCloseTo(1.607781034581, 6);
  });

  test('thresholds: τ = λ⁺ + 3 s_TW and ww λ⁺ + √TW', () => {
    const t = spikeThresholds(1, 4, 1000);
    expect(t.lambdaPlus).toBe(2.25);
    expect(t.tau).toBeCloseTo(2.25 + 3 * twScale(2.25, 4, 1000), 14);
    expect(t.tauWW).toBeCloseTo(2.25 + Math.sqrt(twScale(2.25, 4, 1000)), 14);
    expect(countAbove([1, 2, 3, 3], 2)).toBe(2);
  });

  test('simulated Gaussian λmax: (λmax − λ⁺)/s_TW has TW₁-like mean and spread; never above λ⁺ + 3 s_TW in most draws', () => {
    const rng = createRng(7);
    const N = 240, M = 120, Q = N / M;
    const { lambdaPlus } = mpEdges(Q);
    const s = twScale(lambdaPlus, Q, M);
    const z: number[] = [];
    for (let r = 0; r < 60; r++) {
      const W = new Float64Array(N * M);
      for (let i = 0; i < W.length; i++) W[i] = rng.normal();
      const ev = tsGramEigenvalues(W, N, M);
      z.push((ev[M - 1] / N - lambdaPlus) / s);
    }
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / (z.length - 1));
    // TW1 mean −1.21, sd 1.27; finite-size corrections at M = 120 shift the mean by a few tenths
    expect(mean).toBeGreaterThan(-2.0);
    expect(mean).toBeLessThan(-0.5);
    expect(sd).toBeGreaterThan(0.8);
    expect(sd).toBeLessThan(1.8);
    expect(z.filter((v) => v > 3).length).toBeLessThanOrEqual(2);
  });
});
