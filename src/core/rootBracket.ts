/**
 * Brent's bracketed root finder (Brent 1973, "zeroin"): inverse quadratic interpolation and secant
 * steps safeguarded by bisection. Used to solve monotone score equations (truncated power-law and
 * zeta MLEs) to full double precision.
 */
import { EsdlabError } from './errors';

/**
 * Finds x in [a, b] with f(x) = 0, given f(a) and f(b) of opposite signs (or one of them 0).
 * Converges to |b − a| ≤ 4·eps·|x| + tol.
 * @param f continuous function
 * @param a one end of the bracket
 * @param b the other end
 * @param tol absolute tolerance added to the relative one (default 0)
 * @param maxIter iteration cap (default 200)
 * @throws EsdlabError INVALID_ARGUMENT when the bracket does not change sign, NOT_CONVERGED on the cap
 */
export function brentRoot(f: (x: number) => number, a: number, b: number, tol = 0, maxIter = 200): number {
  let fa = f(a), fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (!(fa * fb < 0)) {
    throw new EsdlabError('INVALID_ARGUMENT', `brentRoot: f(${a}) = ${fa} and f(${b}) = ${fb} do not bracket a root`);
  }
  let c = a, fc = fa, d = b - a, e = d;
  for (let it = 0; it < maxIter; it++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) { c = a; fc = fa; d = b - a; e = d; }
    if (Math.abs(fc) < Math.abs(fb)) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa; }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      let p: number, q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * xm * s; q = 1 - s;
      } else {
        const qq = fa / fc, r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q; else p = -p;
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) { e = d; d = p / q; } else { d = xm; e = d; }
    } else { d = xm; e = d; }
    a = b; fa = fb;
    b += Math.abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1);
    fb = f(b);
  }
  throw new EsdlabError('NOT_CONVERGED', `brentRoot: no convergence in ${maxIter} iterations`);
}
