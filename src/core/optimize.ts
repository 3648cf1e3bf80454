/**
 * Small, dependable numerical optimizers for maximum-likelihood fits: Nelder–Mead (with restarts)
 * for a few parameters, Brent's method for one-dimensional minimization on an interval, a
 * grid-then-Brent 1-D minimizer for profiles that may not be unimodal, and a bracketing 1-D
 * minimizer on the whole line (root finding lives in rootBracket.ts). All are deterministic and
 * allocation-light; objective functions may return `Infinity` (or NaN, treated as Infinity) to
 * express constraints.
 */

/** Result of a minimization. */
export interface MinimizeResult {
  /** The best point found. */
  x: number[];
  /** The objective at `x`. */
  fx: number;
  /** Objective evaluations used. */
  evaluations: number;
  /** True when the tolerance test was met (false: stopped by the evaluation budget). */
  converged: boolean;
}

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Initial simplex step per coordinate (default: 5% of |x0ᵢ|, or 0.00025 when x0ᵢ = 0, as scipy). */
  step?: number[];
  /** Stop when every vertex is within `xtol` of the best (absolute, per coordinate). Default 1e-10. */
  xtol?: number;
  /** … and the objective spread is ≤ ftol·(1 + |f_best|). Default 1e-14. */
  ftol?: number;
  /** Evaluation budget over all restarts. Default 20000. */
  maxEvaluations?: number;
  /** Restart from the best point until a restart improves f by less than ftol·(1+|f|). Default 3. */
  restarts?: number;
}

const clean = (v: number): number => (Number.isNaN(v) ? Infinity : v);

/**
 * Minimizes `f` by the Nelder–Mead simplex method (standard coefficients 1, 2, ½, ½), restarted
 * from the best vertex with a fresh simplex so that a collapsed simplex cannot stop it early.
 */
export function nelderMead(f: (x: number[]) => number, x0: number[], options: NelderMeadOptions = {}): MinimizeResult {
  const d = x0.length;
  const xtol = options.xtol ?? 1e-10;
  const ftol = options.ftol ?? 1e-14;
  const maxEval = options.maxEvaluations ?? 20000;
  const restarts = options.restarts ?? 3;
  let evals = 0;
  const F = (x: number[]): number => {
    evals++;
    return clean(f(x));
  };
  let best = x0.slice();
  let fbest = F(best);
  let converged = false;
  for (let round = 0; round <= restarts; round++) {
    const step = options.step && round === 0
      ? options.step
      : best.map((v) => (v !== 0 ? 0.05 * Math.abs(v) : 0.00025));
    const sim: number[][] = [best.slice()];
    const fs: number[] = [fbest];
    for (let i = 0; i < d; i++) {
      const p = best.slice();
      p[i] += step[i] !== 0 ? step[i] : 0.00025;
      sim.push(p);
      fs.push(F(p));
    }
    const fStart = fbest;
    let ok = false;
    while (evals < maxEval) {
      // order
      const idx = fs.map((_, i) => i).sort((a, b) => fs[a] - fs[b]);
      const s2 = idx.map((i) => sim[i]);
      const f2 = idx.map((i) => fs[i]);
      for (let i = 0; i <= d; i++) {
        sim[i] = s2[i];
        fs[i] = f2[i];
      }
      // convergence
      let xs = 0;
      for (let i = 1; i <= d; i++) for (let j = 0; j < d; j++) xs = Math.max(xs, Math.abs(sim[i][j] - sim[0][j]));
      const fsp = Math.abs(fs[d] - fs[0]);
      if (xs <= xtol && (fsp <= ftol * (1 + Math.abs(fs[0])) || !Number.isFinite(fs[d]))) {
        ok = true;
        break;
      }
      if (fsp === 0 && Number.isFinite(fs[0]) && xs <= xtol * 1e3) {
        ok = true;
        break;
      }
      const c = new Array<number>(d).fill(0);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[j] += sim[i][j] / d;
      const at = (t: number): number[] => c.map((cj, j) => cj + t * (sim[d][j] - cj));
      const xr = at(-1);
      const fr = F(xr);
      if (fr < fs[0]) {
        const xe = at(-2);
        const fe = F(xe);
        if (fe < fr) {
          sim[d] = xe;
          fs[d] = fe;
        } else {
          sim[d] = xr;
          fs[d] = fr;
        }
      } else if (fr < fs[d - 1]) {
        sim[d] = xr;
        fs[d] = fr;
      } else {
        const outside = fr < fs[d];
        const xc = at(outside ? -0.5 : 0.5);
        const fc = F(xc);
        if (fc < (outside ? fr : fs[d])) {
          sim[d] = xc;
          fs[d] = fc;
        } else {
          for (let i = 1; i <= d; i++) {
            sim[i] = sim[i].map((v, j) => sim[0][j] + 0.5 * (v - sim[0][j]));
            fs[i] = F(sim[i]);
          }
        }
      }
    }
    let bi = 0;
    for (let i = 1; i <= d; i++) if (fs[i] < fs[bi]) bi = i;
    if (fs[bi] <= fbest) {
      best = sim[bi].slice();
      fbest = fs[bi];
    }
    converged = ok;
    if (!ok) break;
    if (round > 0 && fStart - fbest <= ftol * (1 + Math.abs(fbest))) break;
  }
  return { x: best, fx: fbest, evaluations: evals, converged };
}

/** Result of a one-dimensional minimization. */
export interface Minimize1DResult {
  /** Minimizer. */
  x: number;
  /** Objective at `x`. */
  fx: number;
  /** Evaluations used. */
  evaluations: number;
  /** True when the interval shrank below the tolerance. */
  converged: boolean;
}

/**
 * Brent's method (golden section + parabolic interpolation) for a minimum of `f` on [a, b].
 * Converges to a local minimum; to the global one when `f` is unimodal on [a, b].
 * `xtol` is relative (with absolute floor 1e-300 scale), default 1e-12.
 */
export function brentMinimize(f: (x: number) => number, a: number, b: number, xtol = 1e-12, maxEvaluations = 500): Minimize1DResult {
  const golden = 0.3819660112501051;
  let lo = Math.min(a, b);
  let hi = Math.max(a, b);
  let x = lo + golden * (hi - lo);
  let w = x;
  let v = x;
  let fx = clean(f(x));
  let fw = fx;
  let fv = fx;
  let evals = 1;
  let dd = 0;
  let e = 0;
  while (evals < maxEvaluations) {
    const m = 0.5 * (lo + hi);
    const tol1 = xtol * Math.abs(x) + 1e-15;
    const tol2 = 2 * tol1;
    if (Math.abs(x - m) <= tol2 - 0.5 * (hi - lo)) return { x, fx, evaluations: evals, converged: true };
    let useGolden = true;
    if (Math.abs(e) > tol1) {
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      else q = -q;
      const eTemp = e;
      e = dd;
      if (Math.abs(p) < Math.abs(0.5 * q * eTemp) && p > q * (lo - x) && p < q * (hi - x)) {
        dd = p / q;
        const u = x + dd;
        if (u - lo < tol2 || hi - u < tol2) dd = m - x >= 0 ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) {
      e = x >= m ? lo - x : hi - x;
      dd = golden * e;
    }
    const u = Math.abs(dd) >= tol1 ? x + dd : x + (dd >= 0 ? tol1 : -tol1);
    const fu = clean(f(u));
    evals++;
    if (fu <= fx) {
      if (u >= x) lo = x;
      else hi = x;
      v = w; fv = fw;
      w = x; fw = fx;
      x = u; fx = fu;
    } else {
      if (u < x) lo = u;
      else hi = u;
      if (fu <= fw || w === x) {
        v = w; fv = fw;
        w = u; fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u; fv = fu;
      }
    }
  }
  return { x, fx, evaluations: evals, converged: false };
}

/**
 * Global-ish 1-D minimization on [a, b]: evaluates `f` on a uniform grid of `gridPoints` points,
 * then refines around the best grid point with {@link brentMinimize}. Robust for profiles that
 * are unimodal only near their optimum; reports whether the optimum sits on an end of [a, b].
 */
export function gridBrentMinimize(
  f: (x: number) => number,
  a: number,
  b: number,
  gridPoints = 41,
  xtol = 1e-12,
): Minimize1DResult & { atLowerBound: boolean; atUpperBound: boolean } {
  const h = (b - a) / (gridPoints - 1);
  let bi = 0;
  let fb = Infinity;
  const fsGrid: number[] = [];
  for (let i = 0; i < gridPoints; i++) {
    const v = clean(f(a + i * h));
    fsGrid.push(v);
    if (v < fb) {
      fb = v;
      bi = i;
    }
  }
  const lo = a + Math.max(0, bi - 1) * h;
  const hi = a + Math.min(gridPoints - 1, bi + 1) * h;
  const r = brentMinimize(f, lo, hi, xtol);
  let x = r.x;
  let fx = r.fx;
  if (fb < fx) {
    x = a + bi * h;
    fx = fb;
  }
  const edge = Math.max(h * 1e-6, Math.abs(x) * 1e-9);
  return {
    x,
    fx,
    evaluations: r.evaluations + gridPoints,
    converged: r.converged,
    atLowerBound: x - a <= edge,
    atUpperBound: b - x <= edge,
  };
}

/**
 * Minimizes a unimodal `f` over the whole real line: walks downhill from `x0` with steps
 * `step`, 2·step, 4·step, … until the objective rises (a bracket), then runs {@link brentMinimize}
 * on the bracket. Gives up expanding after `maxExpand` doublings and returns the best end point
 * (then `converged` is false: the infimum is approached at ±∞).
 */
export function bracketMinimize(f: (x: number) => number, x0: number, step: number, xtol = 1e-12, maxExpand = 80): Minimize1DResult {
  let a = x0;
  let fa = clean(f(a));
  let h = step !== 0 ? step : 1;
  let b = a + h;
  let fb = clean(f(b));
  let evals = 2;
  if (fb > fa) {
    // go the other way
    h = -h;
    b = a + h;
    fb = clean(f(b));
    evals++;
    if (fb > fa) {
      const r = brentMinimize(f, a - Math.abs(h), a + Math.abs(h), xtol);
      return { ...r, evaluations: r.evaluations + evals };
    }
  }
  // now fb ≤ fa: keep going in direction h
  let prev = a;
  for (let k = 0; k < maxExpand; k++) {
    h *= 2;
    const c = b + h;
    const fc = clean(f(c));
    evals++;
    if (fc > fb) {
      const lo = Math.min(prev, c);
      const hi = Math.max(prev, c);
      const r = brentMinimize(f, lo, hi, xtol);
      if (r.fx <= fb) return { ...r, evaluations: r.evaluations + evals };
      return { x: b, fx: fb, evaluations: r.evaluations + evals, converged: r.converged };
    }
    prev = b;
    b = c;
    fb = fc;
  }
  return { x: b, fx: fb, evaluations: evals, converged: false };
}
