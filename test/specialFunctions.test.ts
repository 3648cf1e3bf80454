/**
 * Special functions against closed forms, published values and mpmath (50-digit) values committed in
 * test/reference/alternatives/special.json (made by test/reference/alternatives/make_reference.py).
 */
import {
  chiSquareCdf1,
  chiSquareSf1,
  erf,
  erfc,
  erfcx,
  expint1,
  gamma,
  gammaP,
  gammaQ,
  lnErfc,
  lnGamma,
  lnErfcDiff,
  lnErfcDiffDelta,
  lnUpperGamma,
  log1mexp,
  upperGamma,
} from '../src/core/specialFunctions';
import { isEsdlabError } from '../src/core/errors';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ref = require('./reference/alternatives/special.json');

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('closed forms and published values', () => {
  test('Γ(1/2) = √π, Γ(n) = (n−1)!, Γ(−1/2) = −2√π', () => {
    expect(rel(Math.exp(lnGamma(0.5)), Math.sqrt(Math.PI))).toBeLessThan(1e-15);
    expect(gamma(5)).toBe(24);
    expect(rel(gamma(10.5), 1133278.3889487855)).toBeLessThan(1e-14); // (19!!/2^10)·√π
    expect(rel(gamma(-0.5), -2 * Math.sqrt(Math.PI))).toBeLessThan(1e-14);
    expect(lnGamma(1)).toBeCloseTo(0, 15);
    expect(lnGamma(2)).toBeCloseTo(0, 15);
    expect(lnGamma(0)).toBe(Infinity);
  });

  test('erf/erfc: erfc(0) = 1, symmetry, A&S 7.1 table values', () => {
    expect(erfc(0)).toBe(1);
    expect(erf(0)).toBe(0);
    expect(rel(erf(0.5), 0.5204998778130465)).toBeLessThan(1e-15);
    expect(rel(erf(1), 0.8427007929497149)).toBeLessThan(1e-15);
    expect(rel(erfc(2), 0.004677734981047266)).toBeLessThan(1e-14);
    expect(rel(erfc(-1.3), 2 - erfc(1.3))).toBeLessThan(1e-15);
    expect(erf(-0.7)).toBe(-erf(0.7));
    // erfcx(x) ~ 1/(x√π) (1 − 1/(2x²) + 3/(4x⁴)) for large x
    const x = 1e4;
    expect(rel(erfcx(x), (1 / (x * Math.sqrt(Math.PI))) * (1 - 1 / (2 * x * x) + 3 / (4 * x ** 4)))).toBeLessThan(1e-15);
    expect(erfc(40)).toBe(0);
    expect(rel(lnErfc(40), -1600 + Math.log(erfcx(40)))).toBeLessThan(1e-15);
  });

  test('Γ(0, x) = E₁(x) (A&S 5.1 values), Γ(1, x) = e^{−x}, Γ(1/2, x) = √π erfc(√x)', () => {
    expect(rel(expint1(1), 0.21938393439552027368)).toBeLessThan(1e-14);
    expect(rel(expint1(0.5), 0.55977359477616081175)).toBeLessThan(1e-14);
    expect(rel(expint1(2), 0.04890051070806111957)).toBeLessThan(1e-14);
    // E₁(x) = −γ − ln x + x − x²/4 + … (A&S 5.1.11)
    expect(rel(expint1(1e-6), -0.5772156649015329 - Math.log(1e-6) + 1e-6 - 0.25e-12)).toBeLessThan(1e-15);
    for (const x of [1e-8, 0.3, 1.2, 1.6, 7, 60]) {
      expect(rel(upperGamma(1, x), Math.exp(-x))).toBeLessThan(3e-14);
      expect(rel(upperGamma(0.5, x), Math.sqrt(Math.PI) * erfc(Math.sqrt(x)))).toBeLessThan(2e-14);
    }
  });

  test('recurrence Γ(s+1, x) = sΓ(s, x) + x^s e^{−x} holds for negative s', () => {
    for (const s of [-0.3, -1.7, -2.5, -6.2]) {
      for (const x of [0.01, 0.7, 1.4, 2.2, 9]) {
        const lhs = upperGamma(s + 1, x);
        const rhs = s * upperGamma(s, x) + Math.pow(x, s) * Math.exp(-x);
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-13 * Math.max(Math.abs(lhs), Math.pow(x, s) * Math.exp(-x)));
      }
    }
  });

  test('chi-square (1 dof): cdf(3.841459) = 0.95, cdf(6.634897) = 0.99, sf keeps tiny tails', () => {
    expect(chiSquareCdf1(3.841458820694124)).toBeCloseTo(0.95, 15);
    expect(chiSquareCdf1(6.634896601021214)).toBeCloseTo(0.99, 15);
    expect(chiSquareCdf1(0)).toBe(0);
    expect(chiSquareSf1(0)).toBe(1);
    expect(rel(chiSquareSf1(100), erfc(Math.sqrt(50)))).toBeLessThan(1e-15);
    expect(chiSquareSf1(100)).toBeGreaterThan(1e-24);
    expect(chiSquareSf1(100)).toBeLessThan(2e-23); // 1.5e-23
  });
});

describe('mpmath / scipy reference values', () => {
  test('erf, erfc, lnErfc to 2e-15 relative', () => {
    for (const [x, v] of ref.erf) expect(rel(erf(x), v)).toBeLessThan(2e-15);
    for (const [x, v] of ref.erfc) expect(rel(erfc(x), v)).toBeLessThan(4e-15);
    for (const [x, v] of ref.lnErfc) expect(rel(lnErfc(x), v)).toBeLessThan(2e-15);
  });

  test('lnGamma to 1e-14 (absolute for |value| < 1)', () => {
    for (const [x, v] of ref.lnGamma) expect(Math.abs(lnGamma(x) - v) / Math.max(1, Math.abs(v))).toBeLessThan(1e-14);
  });

  test('ln Γ(s, x) for s from −40 to 60 and x from 1e−12 to 5000', () => {
    let worst = 0;
    for (const [s, x, v] of ref.lnUpperGamma) {
      const e = Math.abs(lnUpperGamma(s, x) - v) / Math.max(1, Math.abs(v));
      worst = Math.max(worst, e);
    }
    expect(ref.lnUpperGamma.length).toBeGreaterThan(200);
    expect(worst).toBeLessThan(5e-14);
  });

  test('regularized P and Q', () => {
    for (const [s, x, v] of ref.gammaQ) expect(rel(gammaQ(s, x), v)).toBeLessThan(5e-14);
    for (const [s, x, v] of ref.gammaP) expect(rel(gammaP(s, x), v)).toBeLessThan(1e-13);
  });

  test('ln(erfc(a) − erfc(a + δ)) for tiny intervals, far tails and both signs', () => {
    for (const [a, d, v] of ref.lnErfcDiffDelta) {
      expect(rel(lnErfcDiffDelta(a, d), v)).toBeLessThan(1e-9);
      if (d > 1e-3) expect(rel(lnErfcDiff(a, a + d), v)).toBeLessThan(1e-12);
    }
    expect(log1mexp(-1e-20)).toBeCloseTo(Math.log(1e-20), 12);
    expect(log1mexp(-50)).toBe(Math.log1p(-Math.exp(-50)));
  });

  test('chi-square cdf matches scipy.stats.chi2.cdf(x, 1)', () => {
    for (const [x, vScipy, vMp] of ref.chi2cdf1) {
      expect(Math.abs(chiSquareCdf1(x) - vMp)).toBeLessThan(3e-16);
      expect(Math.abs(chiSquareCdf1(x) - vScipy)).toBeLessThan(1e-15);
    }
  });
});

describe('bad input', () => {
  test('typed errors, never NaN', () => {
    expect.assertions(3);
    try {
      lnUpperGamma(1, -1);
    } catch (e) {
      expect(isEsdlabError(e)).toBe(true);
    }
    try {
      erf(NaN);
    } catch (e) {
      expect(isEsdlabError(e)).toBe(true);
    }
    try {
      gammaQ(-1, 2);
    } catch (e) {
      expect(isEsdlabError(e)).toBe(true);
    }
  });
});
