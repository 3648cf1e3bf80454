import {
  mpCdf, mpDensity, mpEdges, mpKsDistance, mpMedian, mpMoments, mpQuantile, quarterCircleCdf, quarterCircleDensity,
} from '../src/core/marchenkoPastur';
import { isEsdlabError } from '../src/core/errors';

/** Composite Simpson rule of f over θ ∈ [0, π] after λ = λ⁻ + (λ⁺−λ⁻) sin²(θ/2) (independent of mpCdf's closed form). */
function integrateTheta(Q: number, sigma: number, g: (lambda: number) => number, upto = Math.PI, n = 20000): number {
  const { lambdaMinus: a, lambdaPlus: b } = mpEdges(Q, sigma);
  const f = (t: number): number => {
    const lam = a + (b - a) * Math.sin(t / 2) ** 2;
    // ρ dλ = Q (b−a)² sin²t / (8π σ² λ) dt  (finite at t = 0 even for Q = 1)
    const w = lam === 0 ? (Q * (b - a) * 4) / (8 * Math.PI * sigma * sigma) : (Q * (b - a) ** 2 * Math.sin(t) ** 2) / (8 * Math.PI * sigma * sigma * lam);
    return w * g(lam);
  };
  const h = upto / n;
  let s = f(0) + f(upto);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return (s * h) / 3;
}

describe('Marchenko–Pastur closed forms', () => {
  test('edges λ± = σ²(1 ± 1/√Q)²', () => {
    expect(mpEdges(2).lambdaMinus).toBeCloseTo(0.0857864, 6);
    expect(mpEdges(2).lambdaPlus).toBeCloseTo(2.9142136, 6);
    expect(mpEdges(4, 1)).toEqual({ lambdaMinus: 0.25, lambdaPlus: 2.25 });
    expect(mpEdges(4, 2)).toEqual({ lambdaMinus: 1, lambdaPlus: 9 });
    expect(mpEdges(1)).toEqual({ lambdaMinus: 0, lambdaPlus: 4 });
  });

  test.each([1, 1.01, 1.5, 2, 4, 8, 10.67, 100])('Q = %p: ∫ρ = 1, mean = σ², variance = σ⁴/Q (Simpson in θ)', (Q) => {
    for (const sigma of [1, 0.37, 2.5]) {
      const mass = integrateTheta(Q, sigma, () => 1);
      const mean = integrateTheta(Q, sigma, (l) => l);
      const second = integrateTheta(Q, sigma, (l) => l * l);
      expect(Math.abs(mass - 1)).toBeLessThan(1e-9);
      expect(Math.abs(mean / sigma ** 2 - 1)).toBeLessThan(1e-9);
      const m = mpMoments(Q, sigma);
      expect(m.mean).toBeCloseTo(sigma ** 2, 14);
      expect(Math.abs((second - mean * mean) / m.variance - 1)).toBeLessThan(1e-8);
    }
  });

  test('closed-form CDF agrees with independent quadrature of the density', () => {
    for (const Q of [1, 1.01, 2, 6.125]) {
      const { lambdaMinus: a, lambdaPlus: b } = mpEdges(Q, 1.3);
      for (const frac of [0.01, 0.1, 0.3, 0.5, 0.77, 0.99]) {
        const lam = a + frac * (b - a);
        const theta = 2 * Math.asin(Math.sqrt(frac));
        const ref = integrateTheta(Q, 1.3, () => 1, theta);
        expect(Math.abs(mpCdf(lam, Q, 1.3) - ref)).toBeLessThan(1e-10);
      }
      expect(mpCdf(a - 1e-9, Q, 1.3)).toBe(0);
      expect(mpCdf(b + 1e-9, Q, 1.3)).toBe(1);
    }
  });

  test('density is the derivative of the CDF', () => {
    for (const Q of [1, 2.25, 8]) {
      const { lambdaMinus: a, lambdaPlus: b } = mpEdges(Q);
      for (const frac of [0.2, 0.5, 0.9]) {
        const l = a + frac * (b - a);
        const h = 1e-6;
        const num = (mpCdf(l + h, Q) - mpCdf(l - h, Q)) / (2 * h);
        expect(Math.abs(num / mpDensity(l, Q) - 1)).toBeLessThan(1e-6);
      }
    }
    expect(mpDensity(-1, 2)).toBe(0);
    expect(mpDensity(10, 2)).toBe(0);
  });

  // Quantile table for σ² = 1 from phases-and-theory.md §2 (independent numpy replication, 4 decimals).
  const table: Array<[number, number, number, number]> = [
    [1, 0.1563, 0.6528, 1.6114],
    [1.5, 0.3059, 0.7724, 1.5396],
    [2, 0.3983, 0.8305, 1.4859],
    [2.25, 0.4328, 0.8496, 1.4642],
    [4, 0.5766, 0.916, 1.3655],
    [4.096, 0.5817, 0.918, 1.3617],
    [6.125, 0.6596, 0.9453, 1.3025],
    [10.67, 0.744, 0.9687, 1.2343],
  ];
  test.each(table)('quantiles Q = %p: 25%% %p, median %p, 75%% %p', (Q, q25, q50, q75) => {
    expect(Math.abs(mpQuantile(0.25, Q) - q25)).toBeLessThan(6e-5);
    expect(Math.abs(mpMedian(Q) - q50)).toBeLessThan(6e-5);
    expect(Math.abs(mpQuantile(0.75, Q) - q75)).toBeLessThan(6e-5);
    // σ scaling: quantiles scale with σ²
    expect(mpQuantile(0.5, Q, 3) / 9).toBeCloseTo(mpMedian(Q), 12);
  });

  test('quantile inverts the CDF', () => {
    for (const Q of [1, 1.2, 3, 50]) for (const p of [1e-6, 0.01, 0.5, 0.9, 0.999999]) {
      expect(mpCdf(mpQuantile(p, Q), Q)).toBeCloseTo(p, 10);
    }
    expect(mpQuantile(0, 2)).toBe(mpEdges(2).lambdaMinus);
    expect(mpQuantile(1, 2)).toBe(mpEdges(2).lambdaPlus);
  });

  test('quarter circle at Q = 1: density of ν = √λ, CDF consistent with MP', () => {
    // ρ(ν) = 2ν ρ_MP(ν²)
    for (const nu of [0.1, 0.7, 1.5, 1.99]) {
      expect(quarterCircleDensity(nu)).toBeCloseTo(2 * nu * mpDensity(nu * nu, 1), 12);
      expect(quarterCircleCdf(nu, 0.8)).toBeCloseTo(mpCdf(nu * nu, 1, 0.8), 12);
    }
    expect(quarterCircleDensity(2.5)).toBe(0);
    expect(quarterCircleCdf(3)).toBe(1);
    expect(quarterCircleDensity(0)).toBeCloseTo(2 / Math.PI, 14);
  });

  test('KS distance of exact MP quantiles is 1/(2n); a shifted sample is far', () => {
    const n = 400;
    const xs = Array.from({ length: n }, (_, i) => mpQuantile((i + 0.5) / n, 3));
    expect(mpKsDistance(xs, 3)).toBeCloseTo(0.5 / n, 9);
    expect(mpKsDistance(xs.map((x) => 1.5 * x), 3)).toBeGreaterThan(0.15);
  });

  test('invalid parameters are typed errors', () => {
    for (const f of [() => mpEdges(0.5), () => mpEdges(2, 0), () => mpEdges(NaN), () => mpQuantile(1.5, 2), () => mpCdf(NaN, 2)]) {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(isEsdlabError(err)).toBe(true);
    }
  });
});
