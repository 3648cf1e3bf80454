/**
 * Randomized ESD: the spectrum of an element-shuffled copy of W, the baseline "what would this layer
 * look like without correlations" (Martin & Mahoney; WeightWatcher `randomize=True`, weightwatcher.md
 * §b7).
 *
 * - {@link shuffleTensor}: seeded Fisher–Yates permutation of all entries (createRng; deterministic).
 *   The Frobenius norm, hence the mean eigenvalue, is unchanged, so the shuffled ESD follows MP with
 *   σ² = mean(λ) whenever the entries have a finite 4th moment.
 * - {@link wwRandDistance}: WeightWatcher's `rand_distance`, the Jensen–Shannon distance of the two
 *   ascending eigenvalue vectors read as probability vectors (each normalized to sum 1, natural log,
 *   distance = √divergence ∈ [0, √ln2]). Not a distance between densities: it compares sorted values.
 * - {@link histogramJsDistance}: the JS distance between the two ESD histograms on common bins
 *   (log base 2, so it lies in [0, 1]) — a distance between densities.
 * - Correlation traps: eigenvalues of the shuffled matrix above its own MP edge + c·s_TW (c = 3). A
 *   shuffled matrix with a trap has a few huge entries (their rank-one outliers survive shuffling).
 *
 * Differences from WeightWatcher 0.7.x, on purpose: one seeded shuffle is used for everything (WW draws
 * two unseeded shuffles: one for max_rand_eval and the MP fit, another for rand_distance) and conv
 * tensors are shuffled as a whole (WW shuffles each k×k slice separately).
 */
import { esdSpectrum, type EsdOptions } from './esd';
import { EsdlabError } from './errors';
import { assertFinite, toTensor, type DenseTensor, type TensorInput } from './matrix';
import { fitMpWW } from './mpFit';
import { createRng } from './rng';
import { spikeThresholds, TW_MARGIN_UNITS } from './tracyWidom';

/** Returns a copy of `W` with its entries permuted uniformly at random (seeded Fisher–Yates). */
export function shuffleTensor(W: TensorInput, seed = 0): DenseTensor {
  const t = toTensor(W);
  const data = t.data.slice();
  const rng = createRng(seed);
  for (let i = data.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const v = data[i];
    data[i] = data[j];
    data[j] = v;
  }
  return { data, shape: t.shape.slice() };
}

function entropyRel(p: ArrayLike<number>, sp: number, m: ArrayLike<number>, sm: number): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = m[i] / sm;
    if (a > 0) s += a * Math.log(a / b);
  }
  return s;
}

/**
 * WeightWatcher's `jensen_shannon_distance(evals, rand_evals)`: both vectors (same length, ascending)
 * are normalized to sum 1 (scipy `entropy` semantics), m = (p + q)/2, distance = √((KL(p‖m) + KL(q‖m))/2).
 */
export function wwRandDistance(evals: ArrayLike<number>, randEvals: ArrayLike<number>): number {
  if (evals.length !== randEvals.length || evals.length === 0) {
    throw new EsdlabError('INVALID_ARGUMENT', `rand_distance needs two non-empty eigenvalue vectors of equal length (got ${evals.length} and ${randEvals.length})`);
  }
  const n = evals.length;
  const m = new Float64Array(n);
  let sp = 0, sq = 0, sm = 0;
  for (let i = 0; i < n; i++) {
    m[i] = (evals[i] + randEvals[i]) / 2;
    sp += evals[i];
    sq += randEvals[i];
    sm += m[i];
  }
  if (!(sp > 0 && sq > 0)) return NaN;
  const d = (entropyRel(evals, sp, m, sm) + entropyRel(randEvals, sq, m, sm)) / 2;
  return Math.sqrt(Math.max(0, d));
}

/** Options of {@link histogramJsDistance}. */
export interface HistogramDistanceOptions {
  /** Number of bins (default 100). */
  bins?: number;
  /** 'linear' (default) bins on [min, max] of both samples, or 'log' bins on log10 of the positive values. */
  scale?: 'linear' | 'log';
}

/**
 * Jensen–Shannon distance (log base 2, in [0, 1]) between the histograms of two samples on common
 * bins covering both.
 */
export function histogramJsDistance(a: ArrayLike<number>, b: ArrayLike<number>, options: HistogramDistanceOptions = {}): number {
  const bins = options.bins ?? 100;
  const scale = options.scale ?? 'linear';
  if (!(Number.isInteger(bins) && bins >= 1)) throw new EsdlabError('INVALID_ARGUMENT', `bins must be a positive integer (got ${bins})`);
  const tr = (x: number): number => (scale === 'log' ? (x > 0 ? Math.log10(x) : NaN) : x);
  let lo = Infinity, hi = -Infinity;
  for (const s of [a, b]) for (let i = 0; i < s.length; i++) { const v = tr(s[i]); if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } }
  if (!(hi >= lo)) return NaN;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const hist = (s: ArrayLike<number>): Float64Array => {
    const h = new Float64Array(bins);
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const v = tr(s[i]);
      if (!Number.isFinite(v)) continue;
      h[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
      n++;
    }
    if (n > 0) for (let i = 0; i < bins; i++) h[i] /= n;
    return h;
  };
  const p = hist(a), q = hist(b);
  let d = 0;
  for (let i = 0; i < bins; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) d += p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) d += q[i] * Math.log2(q[i] / m);
  }
  return Math.sqrt(Math.max(0, d / 2));
}

/** Options of {@link randomizeLayer}. */
export interface RandomizeOptions extends Omit<EsdOptions, 'pool'> {
  /** Shuffle seed (default 0). */
  seed?: number;
  /** TW units above the shuffled matrix's MP edge for a correlation trap (default 3). */
  twMargin?: number;
  /** Histogram distance options. */
  histogram?: HistogramDistanceOptions;
}

/** Result of {@link randomizeLayer} (JSON). Column names follow WeightWatcher where it has one. */
export interface RandomizeResult {
  /** Seed of the shuffle. */
  seed: number;
  /** Normalization of both ESDs. */
  normalize: 'N' | 'none';
  /** Largest eigenvalue of the shuffled matrix. */
  max_rand_eval: number;
  /** WeightWatcher's rand_distance (JS distance of the sorted eigenvalue vectors). */
  rand_distance: number | null;
  /** JS distance (base 2) between the ESD histograms. */
  rand_hist_distance: number | null;
  /** max(rand λ)/max(λ). */
  ww_softrank: number | null;
  /** max(λ) − max(rand λ). */
  ww_maxdist: number;
  /** MP edge of the shuffled matrix, σ² = mean(λ): λ⁺ = mean(λ)(1 + 1/√Q)². */
  rand_lambda_plus: number;
  /** Trap threshold λ⁺ + c·s_TW. */
  trap_threshold: number;
  /** Number of correlation traps (shuffled eigenvalues above the threshold). */
  num_traps: number;
  /** The trapped eigenvalues, descending. */
  trap_eigenvalues: number[];
  /** WeightWatcher-compatible MP fit of the shuffled ESD (rand_num_spikes etc.). */
  rand_num_spikes: number;
  rand_sigma_mp: number;
  rand_mp_softrank: number;
  /** The shuffled ESD, ascending. */
  rand_eigenvalues: number[];
}

/**
 * Shuffles W's entries (seeded), computes its ESD with the same options as the layer's, and compares:
 * rand_distance (WW), a histogram JS distance, soft rank, and correlation traps.
 * @throws EsdlabError on NaN/Inf (with the index) or a bad shape.
 */
export function randomizeLayer(W: TensorInput, options: RandomizeOptions = {}): RandomizeResult {
  const seed = options.seed ?? 0;
  const c = options.twMargin ?? TW_MARGIN_UNITS;
  const t = toTensor(W, options.name);
  assertFinite(t, options.name);
  const esdOpts: EsdOptions = { ...options, pool: true };
  delete (esdOpts as { seed?: number }).seed;
  delete (esdOpts as { twMargin?: number }).twMargin;
  delete (esdOpts as { histogram?: unknown }).histogram;
  const orig = esdSpectrum(t, esdOpts);
  const rnd = esdSpectrum(shuffleTensor(t, seed), esdOpts);
  const ev = orig.eigenvalues, rv = rnd.eigenvalues;
  const n = rv.length;
  const maxO = ev.length ? ev[ev.length - 1] : 0;
  const maxR = n ? rv[n - 1] : 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += rv[i];
  const mean = n ? sum / n : 0;
  const th = mean > 0 ? spikeThresholds(Math.sqrt(mean), rnd.Q, rnd.M, c) : null;
  const traps: number[] = [];
  if (th) for (let i = n - 1; i >= 0 && rv[i] > th.tau; i--) traps.push(rv[i]);
  const ww = fitMpWW({ eigenvalues: rv, N: rnd.N, M: rnd.M });
  const rd = ev.length === n && maxO > 0 ? wwRandDistance(ev, rv) : NaN;
  const hd = maxO > 0 ? histogramJsDistance(ev, rv, options.histogram) : NaN;
  return {
    seed,
    normalize: orig.normalize,
    max_rand_eval: maxR,
    rand_distance: Number.isFinite(rd) ? rd : null,
    rand_hist_distance: Number.isFinite(hd) ? hd : null,
    ww_softrank: maxO > 0 ? maxR / maxO : null,
    ww_maxdist: maxO - maxR,
    rand_lambda_plus: th ? th.lambdaPlus : 0,
    trap_threshold: th ? th.tau : 0,
    num_traps: traps.length,
    trap_eigenvalues: traps,
    rand_num_spikes: ww.num_spikes,
    rand_sigma_mp: ww.sigma_mp,
    rand_mp_softrank: ww.mp_softrank,
    rand_eigenvalues: Array.from(rv),
  };
}
