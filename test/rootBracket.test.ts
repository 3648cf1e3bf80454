import { brentRoot } from '../src/core/rootBracket';

describe('brentRoot', () => {
  it('finds closed-form roots to full precision', () => {
    expect(Math.abs(brentRoot((x) => x * x - 2, 0, 2) - Math.SQRT2)).toBeLessThan(4e-16);
    expect(Math.abs(brentRoot((x) => Math.cos(x) - x, 0, 1) - 0.7390851332151607)).toBeLessThan(1e-15); // Dottie number
    expect(Math.abs(brentRoot((x) => Math.exp(x) - 10, -5, 5) - Math.LN10)).toBeLessThan(1e-15);
  });
  it('returns an endpoint that is a root', () => {
    expect(brentRoot((x) => x - 1, 1, 3)).toBe(1);
  });
  it('rejects a bracket without a sign change', () => {
    expect(() => brentRoot((x) => x * x + 1, -1, 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
