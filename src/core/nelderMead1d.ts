/**
 * One-dimensional Nelder–Mead minimization that follows, step for step, the algorithm SciPy's
 * `scipy.optimize.fmin` runs with its defaults (non-adaptive coefficients ρ=1, χ=2, ψ=½, σ=½;
 * initial simplex {x0, 1.05·x0} or {0, 0.00025}; stop when the simplex spread in x is ≤ xtol AND in f
 * is ≤ ftol, or after 200 iterations / 200 function calls). powerlaw 1.5 fits its numerical MLEs
 * with exactly this call, so emulating it reproduces powerlaw's answers (which are only accurate to
 * about xtol = 1e-4) instead of the true optimum. Use it only for compatibility modes; exact fits
 * solve the score equation instead.
 */

/** Result of {@link nelderMead1d}. */
export interface NelderMead1dResult {
  /** The best point found. */
  x: number;
  /** f(x). */
  fx: number;
  /** Number of iterations (SciPy's count, starting at 1). */
  iterations: number;
  /** Number of function evaluations. */
  evaluations: number;
  /** 0 = converged, 1 = max function evaluations reached, 2 = max iterations reached. */
  warnflag: 0 | 1 | 2;
}

/** Options of {@link nelderMead1d} (SciPy fmin's defaults). */
export interface NelderMead1dOptions {
  /** Absolute tolerance on x (default 1e-4). */
  xtol?: number;
  /** Absolute tolerance on f (default 1e-4). */
  ftol?: number;
  /** Max iterations (default 200). */
  maxiter?: number;
  /** Max function evaluations (default 200). */
  maxfun?: number;
}

/**
 * Minimizes f from x0 with SciPy-fmin-compatible 1-D Nelder–Mead (see the module comment).
 * @param f objective (must return a number; NaN compares as in NumPy: never "less than")
 * @param x0 starting point
 */
export function nelderMead1d(f: (x: number) => number, x0: number, options: NelderMead1dOptions = {}): NelderMead1dResult {
  const xtol = options.xtol ?? 1e-4;
  const ftol = options.ftol ?? 1e-4;
  const maxiter = options.maxiter ?? 200;
  const maxfun = options.maxfun ?? 200;
  let calls = 0;
  const STOP = {};
  const F = (x: number): number => {
    if (calls >= maxfun) throw STOP; // SciPy raises _MaxFuncCallError here and abandons the step
    calls++;
    return f(x);
  };
  // simplex: s0 (best), s1 (worst) after sorting
  let s0 = x0;
  let s1 = x0 !== 0 ? 1.05 * x0 : 0.00025;
  let f0 = Number.POSITIVE_INFINITY;
  let f1 = Number.POSITIVE_INFINITY;
  // stable argsort of two values (NumPy's argsort on 2 elements keeps order on ties; NaN sorts last)
  const sort = (): void => {
    if (lessNp(f1, f0)) { const t = s0; s0 = s1; s1 = t; const u = f0; f0 = f1; f1 = u; }
  };
  try { f0 = F(s0); f1 = F(s1); } catch (e) { if (e !== STOP) throw e; }
  sort();
  let iterations = 1;
  while (calls < maxfun && iterations < maxiter) {
    try {
      if (Math.abs(s1 - s0) <= xtol && Math.abs(f0 - f1) <= ftol) break;
      const xbar = s0; // centroid of all but the worst point (N = 1)
      const xr = 2 * xbar - s1;
      const fxr = F(xr);
      let doshrink = false;
      if (fxr < f0) {
        const xe = 3 * xbar - 2 * s1;
        const fxe = F(xe);
        if (fxe < fxr) { s1 = xe; f1 = fxe; } else { s1 = xr; f1 = fxr; }
      } else if (fxr < f0 /* fsim[-2] is fsim[0] when N = 1 */) {
        s1 = xr; f1 = fxr;
      } else if (fxr < f1) {
        const xc = 1.5 * xbar - 0.5 * s1;
        const fxc = F(xc);
        if (fxc <= fxr) { s1 = xc; f1 = fxc; } else doshrink = true;
      } else {
        const xcc = 0.5 * xbar + 0.5 * s1;
        const fxcc = F(xcc);
        if (fxcc < f1) { s1 = xcc; f1 = fxcc; } else doshrink = true;
      }
      if (doshrink) {
        s1 = s0 + 0.5 * (s1 - s0);
        f1 = F(s1);
      }
      iterations++;
    } catch (e) {
      if (e !== STOP) throw e;
    }
    sort();
  }
  const warnflag: 0 | 1 | 2 = calls >= maxfun ? 1 : iterations >= maxiter ? 2 : 0;
  return { x: s0, fx: Math.min(f0, f1), iterations, evaluations: calls, warnflag };
}

/** NumPy's sort order for floats: NaN is larger than everything. */
function lessNp(a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return a < b;
}
