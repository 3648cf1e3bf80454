import * as fs from 'fs';
import * as path from 'path';
import { hurwitzZeta, hurwitzZetaDerivative, hurwitzZetaWithDerivative, riemannZeta } from '../src/core/zeta';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('hurwitzZeta: closed forms', () => {
  const PI = Math.PI;
  const CATALAN = 0.915965594177219015054603514932;
  it.each([
    ['ζ(2) = π²/6', 2, 1, (PI * PI) / 6],
    ['ζ(4) = π⁴/90', 4, 1, PI ** 4 / 90],
    ['ζ(6) = π⁶/945', 6, 1, PI ** 6 / 945],
    ['ζ(3) = Apéry', 3, 1, 1.2020569031595942854],
    ['ζ(2, ½) = π²/2', 2, 0.5, (PI * PI) / 2],
    ['ζ(2, ¼) = π² + 8G', 2, 0.25, PI * PI + 8 * CATALAN],
    ['ζ(4, ½) = 15 ζ(4)', 4, 0.5, (15 * PI ** 4) / 90],
    ['ζ(2, 3) = π²/6 − 1 − 1/4', 2, 3, (PI * PI) / 6 - 1.25],
  ])('%s', (_l, s, q, v) => {
    expect(rel(hurwitzZeta(s as number, q as number), v as number)).toBeLessThan(3e-15);
  });
  it('ζ′(2) = −0.93754825431584375370 (Glaisher–Kinkelin closed form)', () => {
    expect(rel(hurwitzZetaDerivative(2, 1), -0.9375482543158437537)).toBeLessThan(3e-15);
  });
  it('recurrence ζ(s, q) − ζ(s, q+1) = q^(−s) holds across the direct-sum / asymptotic switch', () => {
    for (const s of [1.05, 1.5, 2.7, 9, 33]) {
      for (const q of [0.3, 1, 7.5, 19.9, 20, 44.5, 1e4]) {
        const d = hurwitzZeta(s, q) - hurwitzZeta(s, q + 1);
        expect(Math.abs(d - q ** -s)).toBeLessThan(1e-14 * hurwitzZeta(s, q));
      }
    }
  });
  it('the derivative matches a central difference of ζ', () => {
    for (const [s, q] of [[1.7, 2], [2.4, 12], [5, 1.5]]) {
      const h = 1e-5;
      const fd = (hurwitzZeta(s + h, q) - hurwitzZeta(s - h, q)) / (2 * h);
      expect(rel(hurwitzZetaDerivative(s, q), fd)).toBeLessThan(1e-8);
      const both = hurwitzZetaWithDerivative(s, q);
      expect(both.value).toBe(hurwitzZeta(s, q));
      expect(both.derivative).toBe(hurwitzZetaDerivative(s, q));
    }
  });
  it('riemannZeta is ζ(s, 1)', () => { expect(riemannZeta(2.5)).toBe(hurwitzZeta(2.5, 1)); });
  it('rejects s ≤ 1, q ≤ 0 and non-finite arguments with a typed error', () => {
    expect(() => hurwitzZeta(1, 1)).toThrow(/s must be/);
    expect(() => hurwitzZeta(2, 0)).toThrow(/q must be/);
    expect(() => hurwitzZeta(Number.NaN, 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('hurwitzZeta: mpmath values (test/reference/powerlaw/zeta.json, 40 digits)', () => {
  const file = path.join(__dirname, 'reference', 'powerlaw', 'zeta.json');
  const ref = JSON.parse(fs.readFileSync(file, 'utf8')) as { values: { s: number; q: number; zeta: number; dzeta: number }[] };
  it('has a grid of values', () => { expect(ref.values.length).toBeGreaterThan(100); });
  it('ζ(s, q) and ∂ζ/∂s agree to 1e-13 relative for 1 < s ≤ 50, 0.1 ≤ q ≤ 1e6', () => {
    let worst = 0, worstD = 0;
    for (const v of ref.values) {
      if (v.zeta === 0) continue; // underflow in float64
      worst = Math.max(worst, rel(hurwitzZeta(v.s, v.q), v.zeta));
      if (v.dzeta !== 0) worstD = Math.max(worstD, rel(hurwitzZetaDerivative(v.s, v.q), v.dzeta));
    }
    expect(worst).toBeLessThan(1e-13);
    expect(worstD).toBeLessThan(1e-13);
  });
});
