/** The small optimizers behind the distribution fits, on problems with known minima. */
import { bracketMinimize, brentMinimize, gridBrentMinimize, nelderMead } from '../src/core/optimize';

describe('nelderMead', () => {
  test('Rosenbrock: minimum (1, 1)', () => {
    const r = nelderMead(([x, y]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2, [-1.2, 1], { xtol: 1e-12, ftol: 1e-20, maxEvaluations: 20000 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-8);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-8);
  });

  test('constraints expressed as Infinity / NaN are respected', () => {
    // minimum of (x−2)² + (y+1)² subject to x ≤ 1: (1, −1)
    const r = nelderMead(([x, y]) => (x > 1 ? Infinity : (x - 2) ** 2 + (y + 1) ** 2), [0, 0], { xtol: 1e-11, ftol: 1e-20 });
    expect(r.x[0]).toBeLessThanOrEqual(1);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.x[1] + 1)).toBeLessThan(1e-6);
    const q = nelderMead(([x]) => (x < 0 ? NaN : (x - 3) ** 2), [1]);
    expect(Math.abs(q.x[0] - 3)).toBeLessThan(1e-8);
  });

  test('stops at the evaluation budget and says so', () => {
    const r = nelderMead(([x, y]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2, [-1.2, 1], { maxEvaluations: 30 });
    expect(r.converged).toBe(false);
    expect(r.evaluations).toBeLessThanOrEqual(33);
  });
});

describe('one-dimensional', () => {
  test('brentMinimize finds cos minimum at π and an end-point minimum', () => {
    const r = brentMinimize(Math.cos, 2, 4, 1e-14);
    expect(Math.abs(r.x - Math.PI)).toBeLessThan(1e-7); // √ε-limited: f is flat to O(Δx²)
    expect(r.converged).toBe(true);
    const e = brentMinimize((x) => x, 0, 1);
    expect(e.x).toBeLessThan(1e-9);
  });

  test('gridBrentMinimize escapes a local minimum and flags bounds', () => {
    // global minimum at x ≈ 2.33 of a function with a local one near −1.4
    const f = (x: number): number => x ** 4 / 4 - x ** 3 / 3 - 2 * x * x + 0.5 * x;
    const g = gridBrentMinimize(f, -3, 4, 41);
    const h = 1e-6;
    expect(Math.abs((f(g.x + h) - f(g.x - h)) / (2 * h))).toBeLessThan(1e-6);
    expect(g.x).toBeGreaterThan(2);
    expect(g.atLowerBound || g.atUpperBound).toBe(false);
    const b = gridBrentMinimize((x) => -x, 0, 1, 11);
    expect(b.atUpperBound).toBe(true);
  });

  test('bracketMinimize walks to a far minimum and reports an unbounded descent', () => {
    const r = bracketMinimize((x) => (x - 1e6) ** 2, 0, 1, 1e-14);
    expect(Math.abs(r.x - 1e6)).toBeLessThan(1e-3);
    expect(r.converged).toBe(true);
    const u = bracketMinimize((x) => Math.exp(-x), 0, 1, 1e-12, 20);
    expect(u.converged).toBe(false);
    expect(u.x).toBeGreaterThan(1e5);
  });
});
