/**
 * Discrete (integer-valued) versions of the alternative distributions, as powerlaw 1.5 defines them
 * (`discrete=True`): analytic normalizers for the power law (Hurwitz zeta), the exponential
 * (geometric series) and the truncated power law (Σ x^{−α} e^{−λx}, powerlaw's Lerch Φ), and
 * powerlaw's default `discrete_approximation='round'` for the others — the continuous mass in
 * [x − ½, x + ½], normalized by the mass above xmin − ½ (and below xmax + ½).
 *
 * Differences from powerlaw 1.5, on purpose: with `xmax` the exponential and truncated power law
 * sum the support up to and INCLUDING xmax (powerlaw's `1/C − 1/Cxmax` drops the mass at xmax).
 *
 * The truncated-power-law normalizer Σ_{x ≥ a} (x/xmin)^{−α} e^{−λ(x−xmin)} adds 64 terms directly and
 * the rest by the Euler–Maclaurin formula around the exact integral (an upper incomplete gamma
 * function), with corrections up to the fifth derivative: relative error < 1e-13.
 *
 * Fitting: closed forms (exponential), concave 1-D/profile problems (power law, truncated power law),
 * a profile in β (stretched exponential) and a restarted Nelder–Mead started from the continuous fit
 * (lognormal). This module is used through fitDistribution / logLikelihoods in alternatives.ts.
 */

import type { DistributionName, DistributionParams } from './alternatives';
import { EsdlabError } from './errors';
import { bracketMinimize, brentMinimize, gridBrentMinimize, nelderMead } from './optimize';
import { lnErfcDiffDeltaRel, lnErfcRatio, lnUpperGamma, log1mexp } from './specialFunctions';
import { hurwitzZeta } from './zeta';

/** Sufficient data of a discrete tail. */
export interface DiscreteTail {
  /** Number of values. */
  n: number;
  /** Lower end (> 0.5). */
  xmin: number;
  /** Upper end or null. */
  xmax: number | null;
  /** Σ ln(x/xmin). */
  s1: number;
  /** Σ (x − xmin). */
  s2: number;
  /** Distinct values, ascending. */
  uniq: Float64Array;
  /** Multiplicity of each distinct value. */
  cnt: Float64Array;
  /** Mean and population standard deviation of ln x. */
  ybar: number;
  ysd: number;
}

/** What a discrete fit returns to alternatives.ts. */
export interface DiscreteFitOutcome {
  /** Fitted parameters. */
  params: DistributionParams;
  /** Optimizer met its tolerance. */
  converged: boolean;
  /** Active constraint in words, or null. */
  boundary: string | null;
  /** Method in words. */
  method: string;
  /** Log-likelihood evaluations. */
  evaluations: number;
}

const SQRT2 = Math.SQRT2;

function req(v: number | null | undefined, name: string, dist: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new EsdlabError('INVALID_ARGUMENT', `${dist}: parameter ${name} is missing or NaN`);
  }
  return v;
}

/** ln λ of a stretched exponential: `lnLambda` when given, else ln(Lambda) (NaN when invalid). */
export function stretchedLnLambda(p: DistributionParams): number {
  if (typeof p.lnLambda === 'number' && !Number.isNaN(p.lnLambda)) return p.lnLambda;
  const L = req(p.Lambda, 'Lambda', 'stretched_exponential');
  return L > 0 ? Math.log(L) : NaN;
}

/** {Lambda, lnLambda, beta} with Lambda null when e^{lnLambda} overflows. */
export function stretchedParams(lnLambda: number, beta: number): DistributionParams {
  const L = Math.exp(lnLambda);
  return { Lambda: Number.isFinite(L) ? L : null, lnLambda, beta };
}

/** The boundary note of a stretched exponential at the smallest β searched (1e-12). */
export function stretchedLowerBoundary(p: DistributionParams): string {
  return `beta at the search limit 1e-12: the supremum is at beta → 0, where the stretched exponential degenerates into the power law` +
    (p.Lambda === null ? ' (Lambda overflows a double: null; see lnLambda)' : '');
}

/** ln Σ_{x = a0, a0+1, …} (x/xmin)^{−α} e^{−λ(x − xmin)} (α ≥ 1, λ ≥ 0; α > 1 when λ = 0). */
export function lnTruncatedPowerLawSum(alpha: number, lambda: number, xmin: number, a0: number): number {
  if (!(lambda > 0) && !(alpha > 1)) return Infinity;
  const g = (x: number): number => -alpha * Math.log(x / xmin) - lambda * (x - xmin);
  const g0 = g(a0);
  const M = 64;
  let direct = 0;
  for (let k = 0; k < M; k++) direct += Math.exp(g(a0 + k) - g0);
  const A = a0 + M;
  const fA = Math.exp(g(A) - g0);
  if (fA === 0) return g0 + Math.log(direct);
  let G: number;
  if (lambda > 0) {
    const s = 1 - alpha;
    const u = lambda * A;
    G = Math.exp(lnUpperGamma(s, u) - s * Math.log(u) + u);
  } else {
    G = 1 / (alpha - 1);
  }
  const h = -alpha / A - lambda;
  const h1 = alpha / (A * A);
  const h2 = (-2 * alpha) / (A * A * A);
  const h3 = (6 * alpha) / (A * A * A * A);
  const h4 = (-24 * alpha) / (A * A * A * A * A);
  const d1 = h;
  const d3 = h * h * h + 3 * h * h1 + h2;
  const d5 = h ** 5 + 10 * h ** 3 * h1 + 10 * h * h * h2 + 15 * h * h1 * h1 + 5 * h * h3 + 10 * h1 * h2 + h4;
  const tail = fA * (A * G + 0.5 - d1 / 12 + d3 / 720 - d5 / 30240);
  return g0 + Math.log(direct + tail);
}

/** The x-dependent part of ln p(x) for the discrete distributions (ln p = kernel − normalizer). */
export function discreteKernel(name: DistributionName, p: DistributionParams, x: number, xmin: number): number {
  switch (name) {
    case 'power_law':
      return -req(p.alpha, 'alpha', name) * Math.log(x / xmin);
    case 'exponential':
      return -req(p.Lambda, 'Lambda', name) * (x - xmin);
    case 'truncated_power_law':
      return -req(p.alpha, 'alpha', name) * Math.log(x / xmin) - req(p.Lambda, 'Lambda', name) * (x - xmin);
    case 'lognormal':
    case 'lognormal_positive': {
      const mu = req(p.mu, 'mu', name);
      const s = req(p.sigma, 'sigma', name);
      // in w = (ln v − μ)/(√2σ): ln[(erfc(w(x−½)) − erfc(w(x+½))) / erfc(w(xmin−½))], with the offsets
      // w(x−½) − w(xmin−½) and the widths computed directly (σ may be huge: w ~ 1e8, widths ~ 1e−9)
      const w0 = (Math.log(xmin - 0.5) - mu) / (SQRT2 * s);
      const off = Math.log((x - 0.5) / (xmin - 0.5)) / (SQRT2 * s);
      const width = Math.log1p(1 / (x - 0.5)) / (SQRT2 * s);
      return lnErfcRatio(w0, off) + lnErfcDiffDeltaRel(w0 + off, width);
    }
    case 'stretched_exponential': {
      const b = req(p.beta, 'beta', name);
      const lnL = stretchedLnLambda(p);
      const a0 = xmin - 0.5;
      const lo = x - 0.5;
      // u(v) = (λv)^β − (λ a0)^β;  ln p ∝ −u(x−½) + ln(1 − e^{−(u(x+½) − u(x−½))})
      const uLo = Math.exp(b * (lnL + Math.log(a0))) * Math.expm1(b * Math.log(lo / a0));
      const du = Math.exp(b * (lnL + Math.log(lo))) * Math.expm1(b * Math.log((x + 0.5) / lo));
      return -uLo + log1mexp(-du);
    }
    default:
      throw new EsdlabError('INVALID_ARGUMENT', `unknown distribution '${String(name)}'`);
  }
}

/** ln of the discrete normalizer (+Infinity for invalid parameters). */
export function discreteNormalizer(name: DistributionName, p: DistributionParams, xmin: number, xmax: number | null): number {
  switch (name) {
    case 'power_law': {
      const a = req(p.alpha, 'alpha', name);
      if (!(a > 1)) return Infinity;
      const z0 = hurwitzZeta(a, xmin);
      if (!(z0 > 0)) return Infinity;
      let ln = a * Math.log(xmin) + Math.log(z0);
      if (xmax !== null) ln += log1mexp(Math.log(hurwitzZeta(a, xmax + 1)) - Math.log(z0));
      return ln;
    }
    case 'exponential': {
      const L = req(p.Lambda, 'Lambda', name);
      if (!(L > 0)) return Infinity;
      let ln = -log1mexp(-L);
      if (xmax !== null) ln += log1mexp(-L * (xmax - xmin + 1));
      return ln;
    }
    case 'truncated_power_law': {
      const a = req(p.alpha, 'alpha', name);
      const L = req(p.Lambda, 'Lambda', name);
      if (!(a >= 1) || !(L >= 0)) return Infinity;
      if (L === 0) return discreteNormalizer('power_law', { alpha: a }, xmin, xmax);
      const s0 = lnTruncatedPowerLawSum(a, L, xmin, xmin);
      if (xmax === null) return s0;
      return s0 + log1mexp(lnTruncatedPowerLawSum(a, L, xmin, xmax + 1) - s0);
    }
    case 'lognormal':
    case 'lognormal_positive': {
      const mu = req(p.mu, 'mu', name);
      const s = req(p.sigma, 'sigma', name);
      if (!(s > 0)) return Infinity;
      if (name === 'lognormal_positive' && !(mu >= 0)) return Infinity;
      // relative to the mass above xmin − ½ (the kernel carries the rest)
      if (xmax === null) return 0;
      const w0 = (Math.log(xmin - 0.5) - mu) / (SQRT2 * s);
      return log1mexp(lnErfcRatio(w0, Math.log((xmax + 0.5) / (xmin - 0.5)) / (SQRT2 * s)));
    }
    case 'stretched_exponential': {
      const b = req(p.beta, 'beta', name);
      const lnL = stretchedLnLambda(p);
      if (!(b > 0) || !Number.isFinite(lnL)) return Infinity;
      if (xmax === null) return 0;
      const a0 = xmin - 0.5;
      const u = Math.exp(b * (lnL + Math.log(a0))) * Math.expm1(b * Math.log((xmax + 0.5) / a0));
      return log1mexp(-u);
    }
    default:
      throw new EsdlabError('INVALID_ARGUMENT', `unknown distribution '${String(name)}'`);
  }
}

function nllOf(name: DistributionName, t: DiscreteTail, p: DistributionParams): number {
  const norm = discreteNormalizer(name, p, t.xmin, t.xmax);
  if (!Number.isFinite(norm)) return Infinity;
  let s = 0;
  for (let i = 0; i < t.uniq.length; i++) s += t.cnt[i] * discreteKernel(name, p, t.uniq[i], t.xmin);
  const v = -(s - t.n * norm);
  return Number.isNaN(v) ? Infinity : v;
}

/** Maximum-likelihood fit of a discrete distribution (`alpha` fixes the power law's exponent). */
export function fitDiscrete(name: DistributionName, t: DiscreteTail, alpha?: number, start?: DistributionParams): DiscreteFitOutcome {
  let evals = 0;
  const nll = (p: DistributionParams): number => {
    evals++;
    return nllOf(name, t, p);
  };
  switch (name) {
    case 'power_law': {
      if (alpha !== undefined) {
        if (!(alpha > 1)) throw new EsdlabError('INVALID_ARGUMENT', `discrete power_law needs alpha > 1, got ${alpha}`);
        return { params: { alpha }, converged: true, boundary: null, method: 'given', evaluations: 0 };
      }
      let sh = 0;
      for (let i = 0; i < t.uniq.length; i++) sh += t.cnt[i] * Math.log(t.uniq[i] / (t.xmin - 0.5));
      const a0 = Math.max(1 + t.n / sh, 1.01);
      const m = bracketMinimize((a) => (a > 1 ? nll({ alpha: a }) : Infinity), a0, 0.05, 1e-13);
      return { params: { alpha: m.x }, converged: m.converged, boundary: null, method: 'Brent on the Hurwitz-zeta likelihood', evaluations: evals };
    }
    case 'exponential': {
      if (t.xmax === null) {
        return { params: { Lambda: Math.log1p(t.n / t.s2) }, converged: true, boundary: null, method: 'closed form ln(1 + 1/mean(x − xmin))', evaluations: 0 };
      }
      const m = bracketMinimize((l) => nll({ Lambda: Math.exp(l) }), Math.log(Math.log1p(t.n / t.s2)), 0.5, 1e-13);
      return { params: { Lambda: Math.exp(m.x) }, converged: m.converged, boundary: null, method: 'Brent on ln Lambda', evaluations: evals };
    }
    case 'truncated_power_law': {
      const f = (a: number, L: number): number => nll({ alpha: a, Lambda: L });
      const lamE = Math.log1p(t.n / t.s2);
      const tLo = Math.log(1e-18);
      const inner = (a: number): { L: number; f: number } => {
        const m = bracketMinimize((u) => (u < tLo ? f(a, 0) : f(a, lamE * Math.exp(u))), 0, 1, 1e-13, 60);
        const f0 = a > 1 ? f(a, 0) : Infinity;
        if (f0 <= m.fx || m.x < tLo) return { L: 0, f: Math.min(f0, m.fx) };
        return { L: lamE * Math.exp(m.x), f: m.fx };
      };
      const aHat = 1 + t.n / Math.max(t.s1, 1e-300);
      let hi = Math.max(aHat, 2) + 2;
      while (inner(hi).f < inner(hi - 1).f && hi < 1e4) hi *= 2;
      const m = brentMinimize((a) => inner(a).f, 1, hi, 1e-12);
      let a = m.x;
      if (inner(1).f <= m.fx) a = 1;
      const best = inner(a);
      let boundary: string | null = null;
      if (a <= 1 + 1e-9) boundary = "alpha = 1: the constraint alpha > 1 (powerlaw's valid range) is active";
      if (best.L === 0) boundary = (boundary ? boundary + '; ' : '') + 'Lambda = 0 (power law)';
      return {
        params: { alpha: a, Lambda: best.L },
        converged: m.converged,
        boundary,
        method: 'concave profile likelihood in alpha (Brent), inner Brent on ln Lambda; normalizer by Euler-Maclaurin',
        evaluations: evals,
      };
    }
    case 'stretched_exponential': {
      const a0 = t.xmin - 0.5;
      const inner = (b: number): { lc: number; f: number } => {
        let D = 0;
        for (let i = 0; i < t.uniq.length; i++) D += t.cnt[i] * Math.exp(b * Math.log(a0)) * Math.expm1(b * Math.log(t.uniq[i] / a0));
        const lc0 = Math.log(t.n / Math.max(D, 1e-300));
        const m = bracketMinimize((lc) => nll({ lnLambda: lc / b, beta: b }), lc0, 0.5, 1e-13, 80);
        return { lc: m.x, f: m.fx };
      };
      const g = gridBrentMinimize((lb) => inner(Math.exp(lb)).f, Math.log(1e-12), Math.log(1e3), 61, 1e-12);
      const b = Math.exp(g.x);
      const { lc } = inner(b);
      const params = stretchedParams(lc / b, b);
      let boundary: string | null = null;
      if (g.atUpperBound) boundary = 'beta at the search limit 1e3';
      else if (g.atLowerBound || b < 1e-9) boundary = stretchedLowerBoundary(params);
      return {
        params,
        converged: g.converged,
        boundary,
        method: "profile likelihood in beta (grid + Brent), inner Brent on ln Lambda^beta; powerlaw's 'round' approximation",
        evaluations: evals,
      };
    }
    case 'lognormal':
    case 'lognormal_positive': {
      const s = t.ysd;
      const ybar = t.ybar;
      const TAU_MAX = 1e8;
      const at = (th1: number, lt: number): DistributionParams => {
        const tau = Math.exp(lt);
        return { mu: ybar + s * th1 * tau * tau, sigma: s * tau };
      };
      // unconstrained lognormal first (also for lognormal_positive, whose constraint is applied after)
      const obj = (v: number[]): number => {
        evals++;
        return v[1] > Math.log(TAU_MAX) ? Infinity : nllOf('lognormal', t, at(v[0], v[1]));
      };
      // two starts: (μ, σ) = (mean, sd) of ln x, and the continuous lognormal fit of the same values;
      // the 'round' likelihood can have an interior maximum where the continuous one runs to σ → ∞
      const starts: number[][] = [[0, 0]];
      if (start && typeof start.mu === 'number' && typeof start.sigma === 'number' && start.sigma > 0) {
        const tau0 = Math.min(start.sigma / s, TAU_MAX / 2);
        const x0 = [(start.mu - ybar) / s / (tau0 * tau0), Math.log(tau0)];
        if (Number.isFinite(x0[0])) starts.push(x0);
      }
      let r = nelderMead(obj, starts[0], { step: [0.5, 0.5], xtol: 1e-9, ftol: 1e-13, maxEvaluations: 6000, restarts: 3 });
      for (const x0 of starts.slice(1)) {
        const r2 = nelderMead(obj, x0, { step: [Math.max(0.05 * Math.abs(x0[0]), 0.01), 0.1], xtol: 1e-9, ftol: 1e-13, maxEvaluations: 6000, restarts: 3 });
        if (r2.fx < r.fx) r = r2;
      }
      let params = at(r.x[0], r.x[1]);
      let converged = r.converged;
      let boundary: string | null = null;
      if (name === 'lognormal_positive' && !((params.mu as number) >= 0)) {
        const g = gridBrentMinimize((lt) => nll({ mu: 0, sigma: s * Math.exp(lt) }), Math.log(1e-4), Math.log(TAU_MAX), 49, 1e-12);
        params = { mu: 0, sigma: s * Math.exp(g.x) };
        converged = g.converged;
        boundary = 'mu = 0: the constraint mu > 0 is active';
      } else if (r.x[1] > Math.log(TAU_MAX) - 1) {
        boundary = 'sigma near the search limit 1e8·std(ln x): the supremum is at sigma → ∞, mu → −∞ (a power law)';
      }
      return {
        params,
        converged,
        boundary,
        method: "Nelder-Mead (restarted) in (mu/sigma², ln sigma); powerlaw's 'round' approximation",
        evaluations: evals,
      };
    }
    default:
      throw new EsdlabError('INVALID_ARGUMENT', `unknown distribution '${String(name)}'`);
  }
}
