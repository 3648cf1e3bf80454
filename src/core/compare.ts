/**
 * Log-likelihood-ratio tests between two distributions fitted to the same tail, with powerlaw 1.5's
 * definitions (Clauset, Shalizi & Newman 2009, §5; Vuong 1989):
 *
 * - per-point log-likelihoods lᵢ, with −∞ (and NaN) replaced by ln(1e−307), powerlaw's floor;
 * - R = Σ (l1ᵢ − l2ᵢ) (R > 0 favours the first distribution);
 * - variance = the population variance of l1ᵢ − l2ᵢ (divided by n);
 * - nested pair: p = 1 − χ²₁.cdf(|2R|), computed as the χ²₁ survival function erfc(√|R|) so that
 *   small p keep their precision (powerlaw's 1 − cdf rounds p < 1e−16 to 0 or 1.1e−16);
 * - non-nested pair (Vuong): p = erfc(|R| / √(2 n variance));
 * - normalized ratio R / √(n variance).
 * One addition: when the per-point differences are at rounding level (|l1ᵢ − l2ᵢ| ≲ 1e−9·|lᵢ|, e.g. a
 * truncated power law whose MLE has λ = 0), normalizedR = 0 and p = 1 (`reason` says so) instead
 * of a ratio of two rounding errors.
 *
 * Nested rule: unless the caller says otherwise, a pair is nested when one name is contained in the
 * other (power_law ⊂ truncated_power_law, lognormal ⊂ lognormal_positive), as in powerlaw. powerlaw
 * writes that test as `(d1 in d2) or (d2 in d1) and nested is None`, which by operator precedence
 * forces nested = True whenever d1 is a substring of d2 EVEN IF the caller passed nested=False;
 * here an explicit `nested: false` is always respected.
 */

import {
  ALTERNATIVE_DISTRIBUTIONS,
  DistributionFit,
  DistributionName,
  DistributionSpec,
  cutTail,
  fitDistribution,
  logLikelihoods,
} from './alternatives';
import { EsdlabError } from './errors';
import { chiSquareSf1, erfc } from './specialFunctions';

/** ln(1e−307): powerlaw's floor for the log-likelihood of a point of zero density. */
export const LOG_LIKELIHOOD_FLOOR = Math.log(1e-307);

/** Options of the likelihood-ratio test. */
export interface CompareOptions {
  /** Treat the pair as nested (χ² test) or not (Vuong). Default: the name rule (see module doc). */
  nested?: boolean;
  /** Report the normalized ratio R/√(n·variance) in `R` (powerlaw's `normalized_ratio=True`). */
  normalizedRatio?: boolean;
}

/** Result of a likelihood-ratio test (plain JSON object). */
export interface LikelihoodRatioResult {
  /** The ratio as requested: `normalizedR` when `normalizedRatio`, else `rawR`. Null only if that is `normalizedR` and it is undefined. */
  R: number | null;
  /** Significance of the sign of R (see module doc for the nested and Vuong formulas). */
  p: number;
  /** Σ (l1ᵢ − l2ᵢ). */
  rawR: number;
  /** rawR/√(n·variance); null when the variance is 0 (identical per-point likelihoods). */
  normalizedR: number | null;
  /** Population variance of l1ᵢ − l2ᵢ. */
  variance: number;
  /** Whether the nested (χ²₁) test was used. */
  nested: boolean;
  /** Whether `R` holds the normalized ratio. */
  normalizedRatio: boolean;
  /** Number of points. */
  n: number;
  /** Names of the two distributions when known (first, second). */
  distributions: [string, string] | null;
  /** Why a field is null, or a note on a degenerate case; null otherwise. */
  reason: string | null;
}

/** True when powerlaw's name rule makes the pair nested (one name contains the other). */
export function isNestedPair(a: string, b: string): boolean {
  return a !== b && (a.includes(b) || b.includes(a));
}

/**
 * The likelihood-ratio test on two arrays of per-point log-likelihoods (same points, same order).
 * `names`, when given, decide the default of `nested` and are recorded.
 */
export function loglikelihoodRatio(
  l1: ArrayLike<number>,
  l2: ArrayLike<number>,
  options: CompareOptions = {},
  names: [string, string] | null = null,
): LikelihoodRatioResult {
  if (l1.length !== l2.length) {
    throw new EsdlabError('INVALID_ARGUMENT', `log-likelihood arrays differ in length (${l1.length} vs ${l2.length})`);
  }
  const n = l1.length;
  const nested = options.nested ?? (names ? isNestedPair(names[0], names[1]) : false);
  const normalizedRatio = options.normalizedRatio ?? false;
  if (n === 0) {
    return { R: 0, p: 1, rawR: 0, normalizedR: null, variance: 0, nested, normalizedRatio, n, distributions: names, reason: 'no points' };
  }
  const fl = (v: number): number => (v === -Infinity || Number.isNaN(v) ? LOG_LIKELIHOOD_FLOOR : v);
  let R = 0;
  for (let i = 0; i < n; i++) {
    const d = fl(l1[i]) - fl(l2[i]);
    if (!Number.isFinite(d)) {
      throw new EsdlabError('NON_FINITE', `log-likelihood difference is not finite`, { index: i });
    }
    R += d;
  }
  const mean = R / n;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const e = fl(l1[i]) - fl(l2[i]) - mean;
    v += e * e;
  }
  v /= n;
  // Differences at the level of rounding (e.g. a truncated power law with λ = 0, or a lognormal at
  // its σ → ∞ power-law limit, against the power law) carry no information: their ratio R/√(n·var)
  // would be noise of order one. Per-point differences below 1e-9 of the typical |lᵢ| count as zero.
  let scale = 0;
  for (let i = 0; i < n; i++) scale += Math.abs(fl(l1[i])) + Math.abs(fl(l2[i]));
  const thr = 1e-9 * (scale / (2 * n) + 1);
  const indistinguishable = Math.sqrt(v) <= thr && Math.abs(R) <= thr * n;
  let p: number;
  let normalizedR: number | null;
  let reason: string | null = null;
  if (indistinguishable) {
    normalizedR = 0;
    reason = 'the two distributions give the same log-likelihoods to rounding (|l1 − l2| ≤ 1e-9·|l|): no preference';
  } else if (v > 0) {
    normalizedR = R / Math.sqrt(n * v);
  } else {
    normalizedR = null;
    reason = 'zero variance of the log-likelihood differences: normalized ratio undefined';
  }
  if (indistinguishable) {
    p = 1;
  } else if (nested) {
    p = chiSquareSf1(Math.abs(2 * R));
  } else if (v > 0) {
    p = erfc(Math.abs(R) / Math.sqrt(2 * n * v));
  } else {
    p = 0;
  }
  return {
    R: normalizedRatio ? normalizedR : R,
    p,
    rawR: R,
    normalizedR,
    variance: v,
    nested,
    normalizedRatio,
    n,
    distributions: names,
    reason,
  };
}

/**
 * Compares two distributions on the same tail (`tail`: the values; those outside [xmin, xmax] of
 * the first distribution are ignored). Both must share xmin/xmax. R > 0 favours `a`.
 */
export function compareDistributions(
  a: DistributionSpec,
  b: DistributionSpec,
  tail: ArrayLike<number>,
  options: CompareOptions = {},
): LikelihoodRatioResult {
  if (a.xmin !== b.xmin || (a.xmax ?? null) !== (b.xmax ?? null)) {
    throw new EsdlabError('INVALID_ARGUMENT', `cannot compare distributions on different ranges ([${a.xmin}, ${a.xmax ?? 'inf'}] vs [${b.xmin}, ${b.xmax ?? 'inf'}])`);
  }
  const t = cutTail(tail, a);
  return loglikelihoodRatio(logLikelihoods(a, t), logLikelihoods(b, t), options, [a.name, b.name]);
}

/** What {@link compareAll} needs from a power-law fit (fitPowerLaw's result satisfies it). */
export interface PowerLawFitLike {
  /** Fitted exponent. */
  alpha: number;
  /** Lower end of the tail. */
  xmin: number;
  /** Upper end or null. */
  xmax?: number | null;
  /** Discrete fit (not supported yet by the alternatives). */
  discrete?: boolean;
}

/** One row of {@link compareAll}: power law vs one alternative. */
export interface ComparisonEntry {
  /** Normalized log-likelihood ratio R/√(n·var) (> 0 favours the power law); null if undefined. */
  R: number | null;
  /** p-value (χ²₁ for the nested truncated power law, Vuong otherwise); null when the alternative could not be fitted. */
  p: number | null;
}

/** Power law vs each alternative, keyed by the alternative's name. */
export interface ComparisonTable {
  /** Power law vs lognormal. */
  lognormal: ComparisonEntry;
  /** Power law vs exponential. */
  exponential: ComparisonEntry;
  /** Power law vs stretched exponential. */
  stretched_exponential: ComparisonEntry;
  /** Power law vs truncated power law (nested test). */
  truncated_power_law: ComparisonEntry;
}

/** {@link compareAll} with the fits and the full test results. */
export interface DetailedComparison {
  /** The power law used (alpha from the fit). */
  powerLaw: DistributionFit;
  /** The fitted alternatives. */
  fits: Record<string, DistributionFit>;
  /** Power law vs each alternative (normalized ratio, as powerlaw's own tests report it). */
  tests: Record<string, LikelihoodRatioResult>;
  /** The short table (same numbers as `tests`). */
  table: ComparisonTable;
  /** Alternatives that could not be fitted (e.g. an unbounded likelihood on a tiny tail), with the reason. */
  failures: Record<string, string>;
}

const TABLE_NAMES: DistributionName[] = ['lognormal', 'exponential', 'stretched_exponential', 'truncated_power_law'];

/**
 * Fits lognormal, exponential, stretched exponential and truncated power law on the tail of
 * `values` selected by `fit` (values in [fit.xmin, fit.xmax]) and compares the power law with
 * exponent fit.alpha against each. `R` is the normalized ratio (powerlaw's tests report it so);
 * the truncated power law uses the nested χ² test. An alternative without a maximum-likelihood fit
 * (unbounded likelihood on a tiny or degenerate tail) gets `{R: null, p: null}` and its reason in
 * `failures`. Returns the detailed record; use `.table` for the `{lognormal: {R, p}, …}` shape of
 * `esdlab fit --compare --json`.
 */
export function compareAllDetailed(values: ArrayLike<number>, fit: PowerLawFitLike, names: readonly DistributionName[] = TABLE_NAMES): DetailedComparison {
  const range = { xmin: fit.xmin, xmax: fit.xmax ?? null, discrete: fit.discrete ?? false };
  const tail = cutTail(values, range);
  const powerLaw = fitDistribution('power_law', tail, { ...range, alpha: fit.alpha });
  const lpl = logLikelihoods(powerLaw, tail);
  const fits: Record<string, DistributionFit> = {};
  const tests: Record<string, LikelihoodRatioResult> = {};
  const failures: Record<string, string> = {};
  for (const name of names) {
    if (!ALTERNATIVE_DISTRIBUTIONS.includes(name)) throw new EsdlabError('INVALID_ARGUMENT', `'${name}' is not an alternative distribution`);
    let f: DistributionFit;
    try {
      f = fitDistribution(name, tail, range);
    } catch (e) {
      if (e instanceof EsdlabError && e.code === 'NOT_CONVERGED') {
        failures[name] = e.message;
        continue;
      }
      throw e;
    }
    fits[name] = f;
    tests[name] = loglikelihoodRatio(lpl, logLikelihoods(f, tail), { normalizedRatio: true }, ['power_law', name]);
  }
  const row = (name: string): ComparisonEntry =>
    tests[name] ? { R: tests[name].R, p: tests[name].p } : { R: null, p: null };
  const table: ComparisonTable = {
    lognormal: row('lognormal'),
    exponential: row('exponential'),
    stretched_exponential: row('stretched_exponential'),
    truncated_power_law: row('truncated_power_law'),
  };
  return { powerLaw, fits, tests, table, failures };
}

/**
 * `{lognormal: {R, p}, exponential: {R, p}, stretched_exponential: {R, p}, truncated_power_law: {R, p}}`
 * for a power-law fit: normalized R (> 0 favours the power law) and p, as powerlaw's
 * `fit.distribution_compare('power_law', name, normalized_ratio=True)`, on maximum-likelihood fits.
 */
export function compareAll(values: ArrayLike<number>, fit: PowerLawFitLike): ComparisonTable {
  return compareAllDetailed(values, fit).table;
}
