/**
 * Special functions needed by the distribution fits and likelihood-ratio tests: the error function,
 * log-gamma, the upper incomplete gamma function Γ(s, x) for ANY real s (negative s included, as the
 * truncated power law's normalizer Γ(1 − α, λ·xmin) needs), its regularized forms, and the
 * chi-square distribution with one degree of freedom.
 *
 * Everything is double precision, pure TypeScript, and accurate to a few ulps over the ranges the
 * fits use (see test/specialFunctions.test.ts, which checks closed forms and mpmath values).
 * Algorithms:
 * - erf / erfc: the all-positive series erf(x) = 2/√π·e^{−x²}·Σ 2ⁿx^{2n+1}/(2n+1)!! for |x| < 1,
 *   Laplace's continued fraction for erfc(x)·e^{x²} (modified Lentz) for |x| ≥ 1.
 * - lnGamma: Stirling's series (Bernoulli terms to x⁻¹⁵) for x ≥ 15; below, the argument is shifted
 *   into [0.5, 1.5) and the Taylor series of 1/Γ(1 + ε) is used; reflection for x < 0.5.
 * - Γ(s, x): for s > 0.5 the classical pair (series for γ(s, x) when x < s + 1, Legendre's continued
 *   fraction otherwise); for s ≤ 0.5 the continued fraction when x ≥ 1.5, and for x < 1.5 a
 *   cancellation-free series at a = s − m ∈ (−½, ½] (built on the Taylor coefficients of 1/Γ,
 *   Abramowitz & Stegun 6.1.34) followed by the downward recurrence
 *   Γ(s, x) = (x^s e^{−x} − Γ(s + 1, x)) / (−s), run on the scaled quantity Γ(s,x)/(x^s e^{−x}) so
 *   that nothing overflows. Results are returned as logarithms where they can over/underflow.
 */

import { EsdlabError } from './errors';

const SQRT_PI = 1.7724538509055160273;
const LN_SQRT_2PI = 0.91893853320467274178;
const EULER_GAMMA = 0.57721566490153286061;
const EPS = 1e-16;
const MAX_ITER = 100000;

function checkFinite(name: string, v: number): void {
  if (Number.isNaN(v)) throw new EsdlabError('NON_FINITE', `${name}: argument is NaN`);
}

/** Laplace continued fraction: returns erfc(x)·e^{x²} for x ≥ 1 (modified Lentz). */
function erfcxCF(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let i = 1; i < MAX_ITER; i++) {
    const a = i / 2;
    D = x + a * D;
    if (D === 0) D = tiny;
    C = x + a / C;
    if (C === 0) C = tiny;
    D = 1 / D;
    const del = C * D;
    f *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return 1 / (f * SQRT_PI);
}

/** erf(x) for |x| < 1 by the all-positive series (no cancellation). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < EPS * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt. */
export function erf(x: number): number {
  checkFinite('erf', x);
  if (x === Infinity) return 1;
  if (x === -Infinity) return -1;
  const ax = Math.abs(x);
  if (ax < 1) return erfSeries(x);
  const r = 1 - erfcxCF(ax) * Math.exp(-ax * ax);
  return x < 0 ? -r : r;
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in the far tail (no cancellation). */
export function erfc(x: number): number {
  checkFinite('erfc', x);
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  if (Math.abs(x) < 1) return 1 - erfSeries(x);
  if (x > 0) return x > 27.3 ? 0 : erfcxCF(x) * Math.exp(-x * x);
  return 2 - erfcxCF(-x) * Math.exp(-x * x);
}

/** The scaled complementary error function erfcx(x) = e^{x²}·erfc(x) (finite for large x). */
export function erfcx(x: number): number {
  checkFinite('erfcx', x);
  if (x >= 1) return x === Infinity ? 0 : erfcxCF(x);
  if (x > -1) return Math.exp(x * x) * (1 - erfSeries(x));
  return Math.exp(x * x) * 2 - erfcxCF(-x);
}

/** ln erfcx(x) = x² + ln erfc(x), computed without forming either term (no cancellation for large x). */
export function lnErfcx(x: number): number {
  checkFinite('lnErfcx', x);
  if (x === Infinity) return -Infinity;
  if (x >= 1) return Math.log(erfcxCF(x));
  return x * x + Math.log(erfc(x));
}

/** ln erfc(x), finite for every finite x (erfc underflows beyond x ≈ 27.3; its logarithm does not). */
export function lnErfc(x: number): number {
  checkFinite('lnErfc', x);
  if (x === Infinity) return -Infinity;
  if (x >= 1) return -x * x + Math.log(erfcxCF(x));
  return Math.log(erfc(x));
}

// Stirling series coefficients B_{2k} / (2k (2k − 1)), k = 1..8.
const STIRLING = [
  1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400,
];

/** ln Γ(x) for x ≥ 15 by Stirling's series. */
function lnGammaStirling(x: number): number {
  const ix = 1 / x;
  const ix2 = ix * ix;
  let s = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) s = s * ix2 + STIRLING[k];
  return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + s * ix;
}

/**
 * ln |Γ(x)| for real x (x not a non-positive integer, where it returns +Infinity).
 * Absolute error ≲ 1e-15·max(1, |ln Γ(x)|).
 */
export function lnGamma(x: number): number {
  checkFinite('lnGamma', x);
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) {
    // reflection: Γ(x)Γ(1 − x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(sinPi(x))) - lnGamma(1 - x);
  }
  if (x >= 15) return lnGammaStirling(x);
  // Γ(x) = Γ(a)·a(a+1)…(x−1) with a ∈ [0.5, 1.5); ln Γ(a) = −log1p((a−1)·T(a−1)) from the Taylor
  // series of 1/Γ(1+ε): exact zeros at 1 and 2, absolute error ~1e-16 near them.
  let a = x;
  let prod = 1;
  while (a >= 1.5) {
    a -= 1;
    prod *= a;
  }
  const e = a - 1;
  let t = 0;
  for (let j = RG.length - 1; j >= 0; j--) t = t * e + RG[j];
  return Math.log(prod) - Math.log1p(e * t);
}

/** sin(πx) with exact zeros at the integers. */
function sinPi(x: number): number {
  const r = x - 2 * Math.floor(x / 2); // in [0, 2)
  if (r === 0 || r === 1) return 0;
  if (r === 0.5) return 1;
  if (r === 1.5) return -1;
  return Math.sin(Math.PI * r);
}

/** Γ(x) for real x (signed; ±Infinity at poles, overflow to Infinity beyond x ≈ 171.6). */
export function gamma(x: number): number {
  checkFinite('gamma', x);
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (Number.isInteger(x) && x <= 23) {
    let f = 1;
    for (let k = 2; k < x; k++) f *= k;
    return f;
  }
  const v = Math.exp(lnGamma(x));
  if (x > 0) return v;
  return sinPi(x) > 0 ? v : -v; // sign of Γ(x) for x < 0: (−1)^{ceil(−x)}; via reflection sign of sin(πx)
}

// Taylor coefficients of 1/Γ(z) = Σ_{k≥1} c_k z^k (A&S 6.1.34; computed with mpmath at 40 digits).
// RG[j] = c_{j+2}: then 1/Γ(1 + a) = 1 + Σ_{j≥0} RG[j] a^{j+1}.
const RG = [
  0.5772156649015328606065, -0.655878071520253881077, -0.042002635034095235529,
  0.1665386113822914895017, -0.04219773455554433674821, -0.009621971527876973562115,
  0.007218943246663099542395, -0.001165167591859065112114, -0.0002152416741149509728157,
  0.0001280502823881161861532, -0.00002013485478078823865569, -0.000001250493482142670657345,
  0.000001133027231981695882374, -2.05633841697760710345e-7, 6.116095104481415817862e-9,
  5.002007644469222930056e-9, -1.181274570487020144588e-9, 1.043426711691100510492e-10,
  7.78226343990507125405e-12, -3.696805618642205708188e-12, 5.100370287454475979015e-13,
  -2.058326053566506783222e-14, -5.34812253942301798237e-15, 1.226778628238260790159e-15,
  -1.181259301697458769514e-16, 1.18669225475160033258e-18, 1.412380655318031781556e-18,
  -2.298745684435370206592e-19, 1.714406321927337433384e-20,
];

/** (Γ(1 + a) − 1)/a for |a| ≤ 0.5, without cancellation (limit −γ at a = 0). */
function gamma1pm1OverA(a: number): number {
  // 1/Γ(1+a) = 1 + a·T(a), T(a) = Σ RG[j] a^j  ⇒  (Γ(1+a) − 1)/a = −T(a)/(1 + a·T(a)).
  let t = 0;
  for (let j = RG.length - 1; j >= 0; j--) t = t * a + RG[j];
  return -t / (1 + a * t);
}

/** expm1(y)/y, with the limit 1 at y = 0. */
function expm1OverY(y: number): number {
  return y === 0 ? 1 : Math.expm1(y) / y;
}

/**
 * Γ(a, x)/(x^a e^{−x}) for a ∈ (−½, ½], 0 < x < 1.5, via
 * Γ(a, x) = (Γ(1+a) − 1)/a − (x^a − 1)/a − x^a Σ_{k≥1} (−x)^k / (k!(a + k)).
 */
function scaledUpperGammaSmallX(a: number, x: number): number {
  const lx = Math.log(x);
  let term = 1;
  let sum = 0;
  for (let k = 1; k < 200; k++) {
    term *= -x / k;
    const t = term / (a + k);
    sum += t;
    if (Math.abs(t) < EPS * Math.abs(sum)) break;
  }
  const xa = Math.exp(a * lx);
  const big = gamma1pm1OverA(a) - lx * expm1OverY(a * lx) - xa * sum;
  return big / (xa * Math.exp(-x));
}

/** Legendre's continued fraction: returns Γ(s, x)/(x^s e^{−x}) (converges for x > 0; fast for x ≳ 1). */
function scaledUpperGammaCF(s: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - s;
  let C = 1 / tiny;
  let D = 1 / b;
  let h = D;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - s);
    b += 2;
    D = an * D + b;
    if (Math.abs(D) < tiny) D = tiny;
    C = b + an / C;
    if (Math.abs(C) < tiny) C = tiny;
    D = 1 / D;
    const del = D * C;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new EsdlabError('NOT_CONVERGED', `upper incomplete gamma: continued fraction did not converge (s=${s}, x=${x})`);
}

/** Series for the regularized lower gamma P(s, x), s > 0, returned as Σ with P = Σ·x^s e^{−x}/Γ(s+1). */
function lowerGammaSeriesSum(s: number, x: number): number {
  let ap = s;
  let del = 1;
  let sum = 1;
  for (let n = 1; n < MAX_ITER; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) return sum;
  }
  throw new EsdlabError('NOT_CONVERGED', `lower incomplete gamma: series did not converge (s=${s}, x=${x})`);
}

/**
 * ln Γ(s, x), the logarithm of the (non-regularized) upper incomplete gamma function
 * Γ(s, x) = ∫ₓ^∞ t^{s−1} e^{−t} dt, for any real s and x > 0 (and x = 0 when s > 0).
 * Never overflows: e.g. lnUpperGamma(−40, 1e−12) ≈ 1101.6.
 */
export function lnUpperGamma(s: number, x: number): number {
  checkFinite('lnUpperGamma', s);
  checkFinite('lnUpperGamma', x);
  if (!Number.isFinite(s)) throw new EsdlabError('INVALID_ARGUMENT', `lnUpperGamma: s must be finite, got ${s}`);
  if (x < 0) throw new EsdlabError('INVALID_ARGUMENT', `lnUpperGamma: x must be ≥ 0, got ${x}`);
  if (x === Infinity) return -Infinity;
  if (x === 0) {
    if (s > 0) return lnGamma(s);
    return Infinity;
  }
  const lx = Math.log(x);
  if (s > 0.5) {
    if (x < s + 1) {
      const lnPre = s * lx - x - lnGamma(s + 1);
      const P = Math.exp(lnPre) * lowerGammaSeriesSum(s, x);
      return lnGamma(s) + Math.log1p(-P);
    }
    return s * lx - x + Math.log(scaledUpperGammaCF(s, x));
  }
  return s * lx - x + Math.log(scaledUpperGammaNonPositive(s, x));
}

/** Γ(s, x)/(x^s e^{−x}) for s ≤ 0.5, x > 0. */
function scaledUpperGammaNonPositive(s: number, x: number): number {
  if (x >= 1.5) return scaledUpperGammaCF(s, x);
  const m = Math.ceil(s - 0.5); // a = s − m ∈ (−½, ½], m ≤ 0
  const a = s - m;
  let G = scaledUpperGammaSmallX(a, x);
  // downward: G(t − 1) = (1 − G(t)·x... ) — from Γ(t−1,x) = (Γ(t,x) − x^{t−1}e^{−x})/(t−1):
  // G(t−1) = Γ(t−1,x)/(x^{t−1}e^{−x}) = (x·G(t) − 1)/(t − 1).
  for (let t = a; t > s + 0.25; t -= 1) G = (x * G - 1) / (t - 1);
  return G;
}

/** Γ(s, x), the non-regularized upper incomplete gamma function (may overflow to Infinity / underflow to 0). */
export function upperGamma(s: number, x: number): number {
  return Math.exp(lnUpperGamma(s, x));
}

/** The regularized upper incomplete gamma Q(s, x) = Γ(s, x)/Γ(s), s > 0, x ≥ 0. */
export function gammaQ(s: number, x: number): number {
  if (!(s > 0)) throw new EsdlabError('INVALID_ARGUMENT', `gammaQ: s must be > 0, got ${s}`);
  if (x < 0 || Number.isNaN(x)) throw new EsdlabError('INVALID_ARGUMENT', `gammaQ: x must be ≥ 0, got ${x}`);
  if (x === 0) return 1;
  if (x < s + 1) return 1 - gammaP(s, x);
  return Math.exp(lnUpperGamma(s, x) - lnGamma(s));
}

/** The regularized lower incomplete gamma P(s, x) = γ(s, x)/Γ(s), s > 0, x ≥ 0. */
export function gammaP(s: number, x: number): number {
  if (!(s > 0)) throw new EsdlabError('INVALID_ARGUMENT', `gammaP: s must be > 0, got ${s}`);
  if (x < 0 || Number.isNaN(x)) throw new EsdlabError('INVALID_ARGUMENT', `gammaP: x must be ≥ 0, got ${x}`);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  if (x < s + 1) return Math.exp(s * Math.log(x) - x - lnGamma(s + 1)) * lowerGammaSeriesSum(s, x);
  return 1 - Math.exp(lnUpperGamma(s, x) - lnGamma(s));
}

/** The exponential integral E₁(x) = Γ(0, x), x > 0. */
export function expint1(x: number): number {
  return Math.exp(lnUpperGamma(0, x));
}

/** CDF of the chi-square distribution with one degree of freedom: erf(√(x/2)); 0 for x ≤ 0. */
export function chiSquareCdf1(x: number): number {
  checkFinite('chiSquareCdf1', x);
  if (x <= 0) return 0;
  return erf(Math.sqrt(x / 2));
}

/**
 * Survival function 1 − CDF of the chi-square distribution with one degree of freedom, computed as
 * erfc(√(x/2)) so that small tail probabilities keep full relative precision (1 − cdf would round
 * them to 0 beyond x ≈ 75).
 */
export function chiSquareSf1(x: number): number {
  checkFinite('chiSquareSf1', x);
  if (x <= 0) return 1;
  return erfc(Math.sqrt(x / 2));
}

/** ln(1 − e^{a}) for a ≤ 0, accurate for a near 0 and for very negative a (Mächler 2012). */
export function log1mexp(a: number): number {
  return a > -0.6931471805599453 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

/**
 * ln(erfc(a) − erfc(b)) for a < b (b may be +Infinity), without cancellation in either tail:
 * the probability that a normal variate lies in an interval, on the log scale.
 */
export function lnErfcDiff(a: number, b: number): number {
  if (b === Infinity) return lnErfc(a);
  if (!(a < b)) return -Infinity;
  if (a >= 0) return lnErfc(a) + log1mexp(lnErfc(b) - lnErfc(a));
  if (b <= 0) return lnErfc(-b) + log1mexp(lnErfc(-a) - lnErfc(-b));
  return Math.log(erf(b) - erf(a));
}

/** K(a) = 1/(√π·erfcx(a)) − a (the tail of Laplace's continued fraction), a ≥ 0, no cancellation. */
function erfcTailK(a: number): number {
  if (a < 1) return 1 / (SQRT_PI * erfcx(a)) - a;
  const tiny = 1e-300;
  let f = tiny;
  let C = f;
  let D = 0;
  for (let j = 1; j < MAX_ITER; j++) {
    const aj = j / 2;
    D = a + aj * D;
    if (D === 0) D = tiny;
    C = a + aj / C;
    if (C === 0) C = tiny;
    D = 1 / D;
    const del = C * D;
    f *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return f;
}

/**
 * ln[(erfc(a) − erfc(a + δ)) / erfc(a)] for δ > 0: the log-probability that a normal variate lies in
 * a (possibly tiny) interval, relative to the whole tail above a. Accurate when δ is far below the
 * spacing of doubles near a and when a is huge (no ±a² terms are formed for a ≥ 0).
 */
export function lnErfcDiffDeltaRel(a: number, delta: number): number {
  checkFinite('lnErfcDiffDeltaRel', a);
  if (!(delta > 0)) return -Infinity;
  if (delta === Infinity) return 0;
  if (a >= 0) {
    // r = ln(erfc(a + δ)/erfc(a)) = −δ(2a + δ) + ln erfcx(a + δ) − ln erfcx(a)
    let r: number;
    if (delta < 1e-5) {
      const K = erfcTailK(a);
      r = -2 * delta * (a + K) * (1 + delta * K);
    } else {
      r = -delta * (2 * a + delta) + lnErfcx(a + delta) - lnErfcx(a);
    }
    return log1mexp(r);
  }
  return lnErfcDiffDelta(a, delta) - lnErfc(a); // erfc(a) ∈ (1, 2]: no large terms
}

/**
 * ln(erfc(a) − erfc(a + δ)) for δ > 0, accurate even when δ is far below the spacing of doubles
 * near a (e.g. a = 1e8, δ = 1e−9: the mass of a normal variate in a tiny interval far in its tail).
 */
export function lnErfcDiffDelta(a: number, delta: number): number {
  checkFinite('lnErfcDiffDelta', a);
  if (!(delta > 0)) return -Infinity;
  if (delta === Infinity) return lnErfc(a);
  const b = a + delta;
  if (a >= 0) return lnErfc(a) + lnErfcDiffDeltaRel(a, delta);
  if (b > 0) return Math.log(erf(b) - erf(a));
  // mirror the negative side: erfc(a) − erfc(b) = erfc(−b) − erfc(−a), −b ≥ 0
  return lnErfc(-b) + lnErfcDiffDeltaRel(-b, delta);
}

/**
 * ln erfc(w0 + Δ) − ln erfc(w0) for Δ ≥ 0, without forming −w0² when w0 is large (for the ratio of
 * two far-tail normal probabilities, as in a truncated lognormal with a huge σ).
 */
export function lnErfcRatio(w0: number, delta: number): number {
  checkFinite('lnErfcRatio', w0);
  if (delta === 0) return 0;
  if (delta === Infinity) return -Infinity;
  if (w0 >= 0) return -delta * (2 * w0 + delta) + lnErfcx(w0 + delta) - lnErfcx(w0);
  return lnErfc(w0 + delta) - lnErfc(w0);
}

/** The Euler–Mascheroni constant γ. */
export const EULER_MASCHERONI = EULER_GAMMA;
