/**
 * The phase zoo: seeded random matrices of every phase of training, each with its intended label,
 * for testing the phase classifier and for notebooks ("what does Bulk+Spikes look like at 256×128?").
 *
 * Kinds (W is N×M, N ≥ M, entries of variance 1 unless stated; X = WᵀW/N; BBP = Baik–Ben Arous–Péché):
 * - `gaussian` → random-like: i.i.d. N(0, 1).
 * - `near-edge` → bleeding-out: Gaussian + 2–3 rank-one signals θ√N·u vᵀ whose BBP outlier
 *   λ = (1+θ²)(1/Q+θ²)/θ² sits just above the MP edge: between λ⁺ + 6·s_TW and 1.15·λ⁺. Sizes where
 *   that window is empty (6 s_TW ≥ 0.15 λ⁺, i.e. small M) are skipped by {@link phaseZoo}.
 * - `spikes` → bulk+spikes: Gaussian + k = 1…4 (≤ 3% of M) orthogonal rank-one signals whose outliers
 *   sit at 1.6–4·λ⁺.
 * - `bulk-decay` → bulk-decay: Gaussian + K = M/5 orthogonal rank-one signals with geometrically
 *   decaying strengths, from an outlier at ≈ 2·λ⁺ down to below the BBP threshold: a contiguous
 *   eigenmass smeared above λ⁺ without a gap, not a few separated spikes.
 * - `lomax` → heavy-tailed for μ < 4 (sub-class very-heavy for μ < 2, fat for 2 ≤ μ < 4), bulk-decay
 *   for μ ≥ 4: symmetric Lomax entries with tail exponent μ (numpy's `pareto`, the Martin–Mahoney
 *   notebooks' generator; randomMatrices.ts). For μ > 4 the N → ∞ limit is MP and the finite-size
 *   ESD is "MP with a power-law tail … causing the Bulk Decay" (HeavyTailedUniversalityClasses.ipynb).
 * - `rank-collapse` → rank-collapse: a rank-r product A·B (r = 10–40% of M) plus noise of relative size
 *   1e-5 — most of the eigenmass at λ ≈ 0.
 *
 * {@link phaseZoo} returns JSON specs only; {@link zooMatrix} builds one matrix on demand (so a
 * notebook can list hundreds of specs and materialize a few).
 */
import { EsdlabError } from './errors';
import { mpEdges } from './marchenkoPastur';
import type { DenseTensor } from './matrix';
import { lomaxMatrix } from './randomMatrices';
import { createRng, type Rng } from './rng';
import { twScale } from './tracyWidom';

/** Phase labels (the 5+1 phases plus `undetermined`). */
export type Phase = 'random-like' | 'bleeding-out' | 'bulk+spikes' | 'bulk-decay' | 'heavy-tailed' | 'rank-collapse' | 'undetermined';

/** Heavy-tailed sub-classes by the fitted α: very-heavy α < 2, fat 2 ≤ α < 4, weakly 4 ≤ α ≤ 6. */
export type HeavyTailedSubclass = 'very-heavy' | 'fat' | 'weakly';

/** Zoo matrix kinds. */
export type ZooKind = 'gaussian' | 'near-edge' | 'spikes' | 'bulk-decay' | 'lomax' | 'rank-collapse';

/** One zoo entry: everything needed to rebuild the matrix, and its intended label. */
export interface ZooSpec {
  /** Stable id, e.g. `spikes-256x128-r1`. */
  id: string;
  /** Generator kind. */
  kind: ZooKind;
  /** Intended phase. */
  label: Phase;
  /** Intended heavy-tailed sub-class (lomax with μ < 4 only). */
  subclass?: HeavyTailedSubclass;
  /**
   * Labels that count as correct: `[label]`, except for the two universality classes whose
   * finite-size ESD sits on a phase boundary at these sizes (see {@link lomaxLabel}).
   */
  accept: Phase[];
  /** Rows (N ≥ M). */
  N: number;
  /** Columns. */
  M: number;
  /** N/M. */
  Q: number;
  /** Seed of this matrix. */
  seed: number;
  /** Kind parameters (μ for lomax). */
  mu?: number;
}

/** Options of {@link phaseZoo}. */
export interface PhaseZooOptions {
  /** Base seed (default 0). */
  seed?: number;
  /** Larger dimensions N (default [128, 256, 512]). */
  sizes?: number[];
  /** Aspect ratios Q = N/M (default [1, 2, 4]); combinations with M < minM are skipped. */
  aspectRatios?: number[];
  /** Smallest M generated (default 64). */
  minM?: number;
  /** Kinds (default all). Lomax is generated once per μ in `mus`. */
  kinds?: ZooKind[];
  /** Lomax tail exponents (default [1.5, 3, 5]). */
  mus?: number[];
  /** Replicas per (kind, size, Q); a number, or a function of N (default 1). */
  replicas?: number | ((N: number) => number);
}

/**
 * Intended label of a Lomax matrix with tail exponent μ, and the labels accepted as correct.
 * - μ < 2 (VHT): heavy-tailed, very-heavy; nothing else accepted.
 * - 2 ≤ μ < 4 (MHT, "fat"): heavy-tailed; bulk-decay also accepted — at N ≤ 1024 about one draw in
 *   five has λ_max < 2·λ⁺ (the Fréchet-distributed top eigenvalue has not yet left the bulk far behind),
 *   which is the operational picture of Bulk-decay, the phase the paper calls the onset of heavy tails.
 * - μ ≥ 4 (WHT): bulk-decay (N → ∞ limit is MP; finite N "MP with a PL tail … Bulk Decay",
 *   HeavyTailedUniversalityClasses.ipynb); bleeding-out also accepted — at these sizes the tail is
 *   often just 1–3 outliers near the edge, indistinguishable from BBP outliers in the eigenvalues alone.
 */
export function lomaxLabel(mu: number): { label: Phase; subclass?: HeavyTailedSubclass; accept: Phase[] } {
  if (mu < 2) return { label: 'heavy-tailed', subclass: 'very-heavy', accept: ['heavy-tailed'] };
  if (mu < 4) return { label: 'heavy-tailed', subclass: 'fat', accept: ['heavy-tailed', 'bulk-decay'] };
  return { label: 'bulk-decay', accept: ['bulk-decay', 'bleeding-out'] };
}

const KIND_LABEL: Record<Exclude<ZooKind, 'lomax'>, Phase> = {
  gaussian: 'random-like',
  'near-edge': 'bleeding-out',
  spikes: 'bulk+spikes',
  'bulk-decay': 'bulk-decay',
  'rank-collapse': 'rank-collapse',
};

/** True when the near-edge window [λ⁺ + 6 s_TW, 1.15 λ⁺] is wide enough (≥ 0.04 λ⁺) at this size. */
export function nearEdgeFeasible(N: number, M: number): boolean {
  const Q = N / M;
  const { lambdaPlus } = mpEdges(Q);
  return lambdaPlus + 6 * twScale(lambdaPlus, Q, M) <= 1.11 * lambdaPlus;
}

function hash(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    h ^= x >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}

const KIND_CODE: Record<ZooKind, number> = { gaussian: 1, 'near-edge': 2, spikes: 3, 'bulk-decay': 4, lomax: 5, 'rank-collapse': 6 };

/**
 * The zoo's specs (no matrices yet): every kind × size × aspect ratio × replica, seeded from `seed`.
 * @example
 * ```ts
 * const specs = phaseZoo({ seed: 1, sizes: [256], aspectRatios: [2] });
 * const W = zooMatrix(specs[0]);           // DenseTensor 256×128
 * ```
 */
export function phaseZoo(options: PhaseZooOptions = {}): ZooSpec[] {
  const seed = options.seed ?? 0;
  const sizes = options.sizes ?? [128, 256, 512];
  const qs = options.aspectRatios ?? [1, 2, 4];
  const minM = options.minM ?? 64;
  const kinds = options.kinds ?? ['gaussian', 'near-edge', 'spikes', 'bulk-decay', 'lomax', 'rank-collapse'];
  const mus = options.mus ?? [1.5, 3, 5];
  const rep = options.replicas ?? 1;
  const out: ZooSpec[] = [];
  for (const N of sizes) {
    for (const Q of qs) {
      if (!(Q >= 1)) throw new EsdlabError('INVALID_ARGUMENT', `phaseZoo: aspect ratio must be ≥ 1 (got ${Q})`);
      const M = Math.round(N / Q);
      if (M < minM || M < 1) continue;
      const nrep = typeof rep === 'function' ? rep(N) : rep;
      for (const kind of kinds) {
        if (kind === 'near-edge' && !nearEdgeFeasible(N, M)) continue;
        const variants = kind === 'lomax' ? mus : [NaN];
        for (const mu of variants) {
          for (let r = 0; r < nrep; r++) {
            const s = hash(seed, KIND_CODE[kind], N, M, Number.isNaN(mu) ? 0 : Math.round(mu * 1000), r);
            const base = kind === 'lomax' ? `lomax${mu}` : kind;
            const spec: ZooSpec = { id: `${base}-${N}x${M}-r${r}`, kind, label: 'undetermined', accept: [], N, M, Q: N / M, seed: s };
            if (kind === 'lomax') {
              const l = lomaxLabel(mu);
              spec.label = l.label;
              spec.accept = l.accept;
              if (l.subclass) spec.subclass = l.subclass;
              spec.mu = mu;
            } else {
              spec.label = KIND_LABEL[kind];
              spec.accept = [spec.label];
            }
            out.push(spec);
          }
        }
      }
    }
  }
  return out;
}

/** Random unit vector of length n. */
function unitVector(rng: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) { v[i] = rng.normal(); s += v[i] * v[i]; }
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < n; i++) v[i] *= inv;
  return v;
}

/** k orthonormal random vectors of length n (modified Gram–Schmidt). */
function orthonormal(rng: Rng, n: number, k: number): Float64Array[] {
  const out: Float64Array[] = [];
  while (out.length < k) {
    const v = unitVector(rng, n);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of out) {
        let d = 0;
        for (let i = 0; i < n; i++) d += u[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= d * u[i];
      }
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i] * v[i];
    if (s < 1e-20) continue;
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < n; i++) v[i] *= inv;
    out.push(v);
  }
  return out;
}

/**
 * Signal strength θ whose BBP outlier sits at `lambdaOut` (σ = 1 units of X = WᵀW/N): solves
 * (1+t)(c+t)/t = L for t = θ², c = M/N (the larger root). Needs L > λ⁺ = (1+√c)².
 */
export function bbpTheta(lambdaOut: number, Q: number): number {
  const c = 1 / Q;
  const b = lambdaOut - 1 - c;
  const disc = b * b - 4 * c;
  if (!(disc > 0) || !(b > 0)) throw new EsdlabError('INVALID_ARGUMENT', `bbpTheta: ${lambdaOut} is not above the MP edge ${(1 + Math.sqrt(c)) ** 2}`);
  return Math.sqrt((b + Math.sqrt(disc)) / 2);
}

function gaussianData(rng: Rng, n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.normal();
  return d;
}

/** Adds Σ_k θ_k √N u_k v_kᵀ to the row-major N×M matrix W, with orthonormal u's and v's. */
function addSignals(W: Float64Array, N: number, M: number, thetas: number[], rng: Rng): void {
  const U = orthonormal(rng, N, thetas.length);
  const V = orthonormal(rng, M, thetas.length);
  const sn = Math.sqrt(N);
  for (let k = 0; k < thetas.length; k++) {
    const a = thetas[k] * sn;
    const u = U[k], v = V[k];
    for (let i = 0; i < N; i++) {
      const ai = a * u[i];
      const row = i * M;
      for (let j = 0; j < M; j++) W[row + j] += ai * v[j];
    }
  }
}

/** Builds the matrix of a {@link ZooSpec} (row-major N×M float64), deterministically from its seed. */
export function zooMatrix(spec: ZooSpec): DenseTensor {
  const { N, M, kind } = spec;
  const Q = N / M;
  const rng = createRng(spec.seed);
  const shape = [N, M];
  switch (kind) {
    case 'gaussian':
      return { data: gaussianData(rng, N * M), shape };
    case 'near-edge': {
      const W = gaussianData(rng, N * M);
      const { lambdaPlus } = mpEdges(Q);
      const lo = lambdaPlus + 6 * twScale(lambdaPlus, Q, M);
      const hi = Math.max(lo, 1.15 * lambdaPlus);
      const k = 2 + rng.int(2);
      const thetas = Array.from({ length: k }, () => bbpTheta(lo + rng.next() * (hi - lo), Q));
      addSignals(W, N, M, thetas, rng);
      return { data: W, shape };
    }
    case 'spikes': {
      const W = gaussianData(rng, N * M);
      const { lambdaPlus } = mpEdges(Q);
      const k = Math.max(1, Math.min(1 + rng.int(4), Math.floor(0.03 * M)));
      const thetas = Array.from({ length: k }, () => bbpTheta(lambdaPlus * (1.6 + 2.4 * rng.next()), Q));
      addSignals(W, N, M, thetas, rng);
      return { data: W, shape };
    }
    case 'bulk-decay': {
      const W = gaussianData(rng, N * M);
      const { lambdaPlus } = mpEdges(Q);
      const K = Math.max(8, Math.round(M / 5));
      const th0 = bbpTheta(2 * lambdaPlus, Q);
      const thBBP = Math.pow(1 / Q, 0.25);
      // geometric decay from θ0 to 0.5·θ_BBP over K components
      const ratio = Math.pow((0.5 * thBBP) / th0, 1 / (K - 1));
      const thetas = Array.from({ length: K }, (_, i) => th0 * Math.pow(ratio, i));
      addSignals(W, N, M, thetas, rng);
      return { data: W, shape };
    }
    case 'lomax': {
      if (!(spec.mu !== undefined && spec.mu > 0)) throw new EsdlabError('INVALID_ARGUMENT', `zoo spec ${spec.id}: lomax needs mu > 0`);
      return lomaxMatrix(N, M, spec.mu, { seed: spec.seed });
    }
    case 'rank-collapse': {
      const r = Math.max(1, Math.round(M * (0.1 + 0.3 * rng.next())));
      const A = gaussianData(rng, N * r);
      const B = gaussianData(rng, r * M);
      const W = new Float64Array(N * M);
      const s = 1 / Math.sqrt(r);
      for (let i = 0; i < N; i++) {
        for (let t = 0; t < r; t++) {
          const a = A[i * r + t] * s;
          const row = i * M, brow = t * M;
          for (let j = 0; j < M; j++) W[row + j] += a * B[brow + j];
        }
      }
      for (let i = 0; i < W.length; i++) W[i] += 1e-5 * rng.normal();
      return { data: W, shape };
    }
    default:
      throw new EsdlabError('INVALID_ARGUMENT', `unknown zoo kind '${String(kind)}'`);
  }
}
