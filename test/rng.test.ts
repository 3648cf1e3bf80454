import { createRng } from '../src/core/rng';

describe('createRng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = createRng(42), b = createRng(42), c = createRng(43);
    const xa = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(xa);
    expect(c.next()).not.toBe(xa[0]);
  });
  it('uniform moments match U(0,1): mean 1/2, variance 1/12 (closed form)', () => {
    const r = createRng(1);
    let s = 0, s2 = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) { const u = r.next(); expect(u).toBeGreaterThanOrEqual(0); expect(u).toBeLessThan(1); s += u; s2 += u * u; }
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
  });
  it('normal deviates have mean 0, variance 1, kurtosis 3 (closed form)', () => {
    const r = createRng(7);
    const n = 200000;
    let s = 0, s2 = 0, s4 = 0;
    for (let i = 0; i < n; i++) { const z = r.normal(); s += z; s2 += z * z; s4 += z ** 4; }
    expect(s / n).toBeCloseTo(0, 2);
    expect(s2 / n).toBeCloseTo(1, 1);
    expect(s4 / n / (s2 / n) ** 2).toBeGreaterThan(2.9);
    expect(s4 / n / (s2 / n) ** 2).toBeLessThan(3.1);
  });
});
