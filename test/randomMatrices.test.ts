import { exponentialSample, gaussianMatrix, lognormalSample, lomaxMatrix, lomaxSample, paretoMatrix, paretoSample, powerLawSample } from '../src/core/randomMatrices';

/** Empirical P(|x| > t) compared to the closed form within 5 binomial standard deviations. */
function expectTail(data: ArrayLike<number>, t: number, p: number) {
  let k = 0;
  for (let i = 0; i < data.length; i++) if (Math.abs(data[i]) > t) k++;
  const n = data.length;
  expect(Math.abs(k / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n) + 1e-12);
}

describe('random matrices', () => {
  it('are deterministic per seed and honour dtype and shape', () => {
    const a = gaussianMatrix(30, 20, { seed: 4 }), b = gaussianMatrix(30, 20, { seed: 4 }), c = gaussianMatrix(30, 20, { seed: 5 });
    expect(a.shape).toEqual([30, 20]);
    expect(a.data).toEqual(b.data);
    expect(a.data[0]).not.toBe(c.data[0]);
    expect(paretoMatrix(3, 4, 2, { dtype: 'float32' }).data).toBeInstanceOf(Float32Array);
  });
  it('Gaussian entries have the requested variance', () => {
    const d = gaussianMatrix(400, 500, { seed: 1, sigma: 3 }).data;
    let s2 = 0;
    for (const x of d) s2 += x * x;
    expect(Math.abs(s2 / d.length - 9)).toBeLessThan(5 * 9 * Math.sqrt(2 / d.length)); // 5 sd of the sample variance
  });
  it('true Pareto: P(|x| > t) = (t/s)^−μ for t ≥ s, |x| ≥ s, symmetric signs', () => {
    const d = paretoMatrix(500, 400, 1.5, { seed: 2, scale: 2 }).data;
    let neg = 0, min = Infinity;
    for (const x of d) { if (x < 0) neg++; min = Math.min(min, Math.abs(x)); }
    expect(min).toBeGreaterThanOrEqual(2);
    expect(Math.abs(neg / d.length - 0.5)).toBeLessThan(0.005);
    for (const t of [2.5, 4, 10, 50]) expectTail(d, t, (t / 2) ** -1.5);
  });
  it("Lomax (numpy's pareto): P(x > t) = (1 + t)^−μ, all positive with signs 'positive'", () => {
    const d = lomaxMatrix(500, 400, 3, { seed: 3, signs: 'positive' }).data;
    expect(d.reduce((a, b) => Math.min(a, b), Infinity)).toBeGreaterThanOrEqual(0);
    for (const t of [0.1, 0.5, 1, 3]) expectTail(d, t, (1 + t) ** -3);
  });
  it('powerLawSample follows p(x) ∝ x^−α above xmin (the CSN MLE recovers α)', () => {
    const x = powerLawSample(200000, 2.5, { xmin: 3, seed: 9 });
    let s = 0;
    let lo = Infinity;
    for (const v of x) { lo = Math.min(lo, v); s += Math.log(v / 3); }
    expect(lo).toBeGreaterThanOrEqual(3);
    const alphaHat = 1 + x.length / s;
    expect(Math.abs(alphaHat - 2.5)).toBeLessThan(5 * (1.5 / Math.sqrt(x.length)));
    expectTail(x, 6, 2 ** -1.5);
  });
  it('exponential and lognormal samples have their closed-form means', () => {
    const e = exponentialSample(200000, 2, { xmin: 1, seed: 1 });
    expect(e.reduce((a, b) => a + b, 0) / e.length).toBeCloseTo(1.5, 2);
    const l = lognormalSample(200000, 0, 0.5, { seed: 1 });
    expect(l.reduce((a, b) => a + b, 0) / l.length).toBeCloseTo(Math.exp(0.125), 2);
  });
  it('1-D samples: lomaxSample is numpy pareto(μ) (mean 1/(μ−1)), paretoSample is Pareto-I (mean μ/(μ−1))', () => {
    const l = lomaxSample(400000, 4, { seed: 5 });
    const p = paretoSample(400000, 4, { seed: 5 });
    expect(l).toHaveLength(400000);
    // closed-form means; sd of the mean = sd/√n with Var = μ/((μ−1)²(μ−2)) for both
    const sdMean = Math.sqrt(4 / (9 * 2) / 400000);
    expect(Math.abs(l.reduce((a, b) => a + b, 0) / l.length - 1 / 3)).toBeLessThan(5 * sdMean);
    expect(Math.abs(p.reduce((a, b) => a + b, 0) / p.length - 4 / 3)).toBeLessThan(5 * sdMean);
  });
  it('rejects bad parameters with typed errors', () => {
    expect(() => paretoMatrix(0, 3, 2)).toThrow(/positive integers/);
    expect(() => lomaxMatrix(2, 3, -1)).toThrow(/mu must be/);
    expect(() => powerLawSample(10, 1)).toThrow(/alpha must be > 1/);
    expect(() => gaussianMatrix(2, 2, { dtype: 'int8' as never })).toThrow(/dtype/);
  });
});
