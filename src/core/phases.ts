/**
 * The 5+1 phases of training (Martin & Mahoney, JMLR 2021): a deterministic classifier of one ESD.
 *
 * Phases, in order of increasing implicit self-regularization: Random-like → Bleeding-out →
 * Bulk+Spikes → Bulk-decay → Heavy-Tailed, plus Rank-collapse (over-regularization). The label is
 * a convenience on a continuum; the evidence (every statistic and threshold the decision read) is
 * always returned with it. The decision list and all its numbers live in {@link PHASE_RULES} and
 * {@link PHASE_THRESHOLDS} with their sources; docs/phases.md describes them in words together with
 * the phase zoo's confusion matrix.
 */
import { fitMpRobust, type MpRobustFit } from './mpFit';
import { mpCdf } from './marchenkoPastur';
import { fitPowerLaw } from './powerlaw';
import { EsdlabError, isEsdlabError } from './errors';
import type { HeavyTailedSubclass, Phase } from './phaseZoo';

export type { HeavyTailedSubclass, Phase } from './phaseZoo';

/** A threshold with its provenance. */
export interface PhaseThreshold {
  /** The value used. */
  value: number;
  /** Where it comes from ([S] a source, [P] a proposal, [Z] tuned on the phase zoo). */
  source: string;
}

/**
 * Every number the decision uses, in one place. Tags: [S] read in a source, [P] proposal of
 * phases-and-theory.md §9, [Z] changed after the phase zoo (docs/phases.md says why).
 */
export const PHASE_THRESHOLDS = {
  /** Fewer eigenvalues than this → `undetermined` (PL-based labels need ~50). */
  minEigenvalues: { value: 50, source: '[S] WeightWatcher README: power-law fits need at least 50 eigenvalues (min_evals=50)' },
  /** TW units above λ⁺ for a spike. */
  twMargin: { value: 3, source: '[P] §4: TW1 99th percentile ≈ 2.02, +1 for the σ estimate error' },
  /** Near-zero eigenvalue: λ < this × mean(λ). */
  nearZeroRelative: { value: 1e-4, source: '[P] §9 step 5. [Z] The MP expectation of that fraction uses the bulk σ²_b, not mean(λ) as in §9: in very heavy-tailed spectra (μ = 1.5, Q = 1) a few huge eigenvalues inflate the mean and the ordinary small-eigenvalue mass looked like excess' },
  /** Rank-collapse when the near-zero fraction exceeds the MP expectation by this much. */
  rankCollapseExcess: { value: 0.05, source: '[P] §9 rule 1; concept "large mass at λ = 0" (SETOL table, blog "Rank Collapse")' },
  /** KS critical constant c in d_crit = c/√n_bulk (5% level). */
  ksConstant: { value: 1.36, source: '[P] §9 step 4 (Kolmogorov 5% value, lenient because σ is fitted)' },
  /** Random-like needs R_mp ≥ this. */
  randomSoftrank: { value: 0.9, source: '[P] §9 rule 2; R_mp ≈ 1.0 for MiniAlexNet bs ≥ 250 [S]' },
  /** Random-like allows at most this many spikes above τ. */
  randomMaxSpikes: { value: 0, source: '[Z] §9 allowed 1; with τ = λ⁺ + 3 s_TW pure noise exceeds τ in < 1% of draws (0 of 40+ zoo Gaussians), and one outlier past τ is bleeding-out' },
  /** Bleeding-out needs β_bulk ≥ this (β of the eigenvalues ≤ τ). */
  bleedingBeta: { value: 0.9, source: '[P] §9 rule 3. [Z] on β_bulk (spikes excluded) instead of β' },
  /** Bleeding-out: λ_max ≤ this × λ⁺. */
  bleedingMaxRatio: { value: 1.3, source: '[Z] §9 had 1.2 (outliers reach ≈ 1.16 λ⁺ at MiniAlexNet bs = 100 [S]); finite-size BBP outliers placed at ≤ 1.15 λ⁺ by asymptotic theory land up to 1.29 λ⁺' },
  /** Bleeding-out: at most this many eigenvalues between λ⁺ and τ (a sharp TW edge). */
  bleedingMaxEdge: { value: 1, source: '[Z] new: BBP outliers leave the bulk edge sharp (TW: P(λ_max > λ⁺) ≈ 0.17); heavy-tailed entries (μ = 5) smear it' },
  /** Bleeding-out: gap between the bulk and the first outlier ≥ this many s_TW. */
  bleedingMinGapTW: { value: 4, source: '[Z] new: separates outliers that "pull out" of the bulk from a smeared edge (zoo: near-edge 2.9–17 s_TW, Lomax μ = 5 mostly 1–6)' },
  /** Bulk+Spikes: β_bulk ≥ this. */
  spikesBeta: { value: 0.8, source: '[P] §9 rule 4. [Z] on β_bulk: a few very strong spikes (θ = 6) carry most of ‖W‖² and pushed β to 0.55' },
  /** Bulk+Spikes: spike fraction ≤ this. */
  spikesMaxFraction: { value: 0.05, source: '[P] §9 rule 4; 2.4–4.8% spikes at MiniAlexNet bs 16–50 [S]' },
  /** Bulk+Spikes: gap between bulk and first spike ≥ this × λ⁺. */
  spikesMinGap: { value: 0.2, source: '[Z] §9 had 0.05; MiniAlexNet bs 16 "clear gap" spikes from 3.0 vs edge ≈ 2.5, i.e. 0.2 λ⁺ [S]; 0.05 let Lomax μ = 5 outliers pass as spikes' },
  /** Heavy-tailed: β below this (or λ_max ≫ λ⁺, or bulk not MP). */
  heavyBeta: { value: 0.8, source: '[P] §9 rule 5' },
  /** Heavy-tailed: R_mp = λ⁺/λ_max below this ("λ_max ≫ λ⁺"). */
  heavySoftrank: { value: 0.4, source: '[Z] replaces §9\'s "spike fraction > 5%": MiniAlexNet Bulk-decay has 9–13% outliers at R_mp ≈ 0.44 (bs 8) [S], pretrained Heavy-Tailed FC layers R_mp 0.01–0.22 [S]; Heavy-Tailed means "no good λ⁺; λ_max ≫ λ⁺" (paper table). 0.5 mislabelled zoo Bulk-decay at λ_max ≈ 2λ⁺' },
  /** PL fit acceptable: tail of at least this many points (the fit's xmin is restricted to leave this many). */
  plMinTail: { value: 10, source: '[Z] §9 had 20: too many for M = 64–128; the xmin scan is restricted so the tail always has ≥ 10 points' },
  /** PL fit acceptable: α ≤ this. */
  plMaxAlpha: { value: 6, source: '[S] WeightWatcher UNDER_TRAINED_THRESH = 6; SETOL "α > 6 uninformative"' },
  /** Sub-class cut: very-heavy below. */
  alphaVeryHeavy: { value: 2, source: '[S] SETOL table (VHT α ∈ (1, 2)); WeightWatcher OVER_TRAINED_THRESH = 2' },
  /** Sub-class cut: fat below, weakly at or above. */
  alphaFat: { value: 4, source: '[S] nips_test_accuracy_theory1.tex: 70–80% of layers α ∈ (2, 4); [P] 4–6 weakly' },
} as const;

/** The decision list, first match wins (the same text is in docs/phases.md). */
export const PHASE_RULES: ReadonlyArray<{ id: string; phase: Phase; rule: string }> = [
  { id: 'R0', phase: 'undetermined', rule: 'fewer than minEigenvalues eigenvalues, or an MP fit impossible for a non-collapsed spectrum' },
  { id: 'R1', phase: 'rank-collapse', rule: 'all eigenvalues zero, or near-zero fraction − MP expectation ≥ rankCollapseExcess' },
  { id: 'R2', phase: 'random-like', rule: 'D_MP ≤ d_crit and spikes ≤ randomMaxSpikes and R_mp ≥ randomSoftrank' },
  { id: 'R3', phase: 'bleeding-out', rule: 'D_MP ≤ d_crit and β_bulk ≥ bleedingBeta and spikes ≥ 1 and λ_max ≤ bleedingMaxRatio·λ⁺ and #(λ⁺, τ] ≤ bleedingMaxEdge and gap ≥ bleedingMinGapTW·s_TW' },
  { id: 'R4', phase: 'bulk+spikes', rule: 'D_MP ≤ d_crit and β_bulk ≥ spikesBeta and spike fraction ≤ spikesMaxFraction and gap ≥ spikesMinGap·λ⁺' },
  { id: 'R5', phase: 'heavy-tailed', rule: 'PL fit acceptable and (β < heavyBeta or R_mp < heavySoftrank or D_MP > d_crit); sub-class by α' },
  { id: 'R6', phase: 'bulk-decay', rule: 'everything else (MP-like lower bulk with a contiguous excess above λ⁺, or many outliers without an acceptable PL)' },
];

/** Minimal ESD input: an `esd()` result works. */
export interface PhaseSpectrumInput {
  /** Eigenvalues (any order, any normalization). */
  eigenvalues: ArrayLike<number>;
  /** Larger dimension. */
  N: number;
  /** Smaller dimension. */
  M: number;
}

/** The power-law fit fields the classifier reads (a {@link fitPowerLaw} result works). */
export interface PhasePowerLawInput {
  alpha: number | null;
  xmin: number | null;
  D: number | null;
  nTail: number | null;
  status: string;
}

/** Fits the caller already has (e.g. from analyzeLayer); missing ones are computed. */
export interface PhaseFits {
  /** Power-law fit of the ESD tail (null = no fit possible). */
  powerLaw?: PhasePowerLawInput | null;
  /** Robust MP fit ({@link fitMpRobust}). */
  mp?: MpRobustFit;
}

/** Every statistic the decision used (JSON; null where not computable). */
export interface PhaseEvidence {
  n: number;
  N: number;
  M: number;
  Q: number;
  lambdaMax: number;
  sigma2Trace: number;
  sigma2Bulk: number | null;
  beta: number | null;
  betaBulk: number | null;
  lambdaPlus: number | null;
  sTW: number | null;
  tau: number | null;
  numSpikes: number;
  spikeFraction: number;
  numSpikesWW: number;
  mpSoftrank: number | null;
  maxOverEdge: number | null;
  gap: number | null;
  /** Gap in units of s_TW. */
  gapTW: number | null;
  /** Eigenvalues in (λ⁺, τ]: above the MP edge but below the spike threshold. */
  nEdge: number;
  ksBulk: number | null;
  ksCritical: number | null;
  nBulk: number;
  nearZeroThreshold: number;
  nearZeroFraction: number;
  nearZeroExpected: number;
  nearZeroExcess: number;
  alpha: number | null;
  alphaXmin: number | null;
  alphaD: number | null;
  alphaNTail: number | null;
  alphaDCritical: number | null;
  plOk: boolean;
  plReason: string | null;
}

/** Result of {@link classifyPhase}. */
export interface PhaseResult {
  /** The phase. */
  phase: Phase;
  /** Heavy-tailed sub-class by α. */
  subclass?: HeavyTailedSubclass;
  /** Id of the rule that fired (see {@link PHASE_RULES}). */
  rule: string;
  /** One line for people and widgets. */
  summary: string;
  /** The statistics. */
  evidence: PhaseEvidence;
  /** Threshold values used (name → value). */
  thresholds: Record<string, number>;
}

/** Options of {@link classifyPhase}: threshold overrides (recorded in the result). */
export interface ClassifyPhaseOptions {
  /** Override any of {@link PHASE_THRESHOLDS} by name. */
  thresholds?: Partial<Record<keyof typeof PHASE_THRESHOLDS, number>>;
}

const fmt = (x: number | null, d = 3): string => (x === null ? '–' : Math.abs(x) >= 1000 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(d));

/**
 * Classifies one ESD into the 5+1 phases (plus `undetermined`), returning the evidence.
 * @param spec eigenvalues with N and M (an `esd()` result).
 * @param fits optional precomputed fits; a missing power-law fit is computed with WeightWatcher's
 *   candidate rule on λ > 1e-5·λ_max.
 */
export function classifyPhase(spec: PhaseSpectrumInput, fits: PhaseFits = {}, options: ClassifyPhaseOptions = {}): PhaseResult {
  const T: Record<string, number> = {};
  for (const [k, v] of Object.entries(PHASE_THRESHOLDS)) T[k] = v.value;
  for (const [k, v] of Object.entries(options.thresholds ?? {})) if (typeof v === 'number') T[k] = v;

  const { N, M } = spec;
  const Q = N / M;
  const n = spec.eigenvalues.length;
  const lam = Float64Array.from(spec.eigenvalues as ArrayLike<number>);
  // NaN/Inf/negative values are rejected with their index by fitMpRobust (called below or by the caller).
  const mp = fits.mp ?? fitMpRobust({ eigenvalues: lam, N, M }, { twMargin: T.twMargin });
  lam.sort();
  const lambdaMax = n ? lam[n - 1] : 0;
  const mean = mp.sigma2Trace;
  const z = T.nearZeroRelative * mean;
  let n0 = 0;
  while (n0 < n && lam[n0] < z) n0++;
  const f0 = n ? n0 / n : 0;
  // MP's share of eigenvalues below z, with the bulk's σ²_b — unless that bulk is itself ~0
  // (σ²_b < 10 z, e.g. a numerically rank-1 matrix), then no near-zero mass is expected.
  const f0mp = mp.sigma2 !== null && mp.sigma2 >= 10 * z ? mpCdf(z, Q, Math.sqrt(mp.sigma2)) : 0;
  const ev: PhaseEvidence = {
    n, N, M, Q, lambdaMax, sigma2Trace: mean, sigma2Bulk: mp.sigma2, beta: mp.beta, betaBulk: mp.betaBulk, lambdaPlus: mp.lambdaPlus, sTW: mp.sTW,
    tau: mp.tau, numSpikes: mp.numSpikes, spikeFraction: mp.spikeFraction, numSpikesWW: mp.numSpikesWW, mpSoftrank: mp.mpSoftrank,
    maxOverEdge: mp.lambdaPlus ? lambdaMax / mp.lambdaPlus : null, gap: mp.gap,
    gapTW: mp.gap !== null && mp.lambdaPlus && mp.sTW ? (mp.gap * mp.lambdaPlus) / mp.sTW : null, nEdge: 0, ksBulk: mp.ksBulk, ksCritical: mp.ksCritical,
    nBulk: mp.nBulk, nearZeroThreshold: z, nearZeroFraction: f0, nearZeroExpected: f0mp, nearZeroExcess: f0 - f0mp,
    alpha: null, alphaXmin: null, alphaD: null, alphaNTail: null, alphaDCritical: null, plOk: false, plReason: null,
  };
  const done = (phase: Phase, rule: string, summary: string, subclass?: HeavyTailedSubclass): PhaseResult => {
    const r: PhaseResult = { phase, rule, summary, evidence: ev, thresholds: T };
    if (subclass) r.subclass = subclass;
    return r;
  };

  if (n === 0 || !(lambdaMax > 0)) {
    if (n > 0) return done('rank-collapse', 'R1', `Rank-collapse: all ${n} eigenvalues are zero (zero matrix)`);
    return done('undetermined', 'R0', 'Undetermined: no eigenvalues');
  }
  if (n < T.minEigenvalues) {
    return done('undetermined', 'R0', `Undetermined: ${n} eigenvalues, a phase needs at least ${T.minEigenvalues}`);
  }
  if (ev.nearZeroExcess >= T.rankCollapseExcess) {
    return done('rank-collapse', 'R1', `Rank-collapse: ${(100 * f0).toFixed(1)}% of eigenvalues below ${fmt(z)} (MP expects ${(100 * f0mp).toFixed(1)}%)`);
  }
  if (mp.status !== 'success' || mp.lambdaPlus === null || mp.ksBulk === null || mp.ksCritical === null || mp.beta === null) {
    return done('undetermined', 'R0', `Undetermined: MP fit failed (${mp.reason ?? 'unknown'})`);
  }
  const lp = mp.lambdaPlus;
  for (let i = n - 1; i >= 0 && lam[i] > lp; i--) if (lam[i] <= (mp.tau as number)) ev.nEdge++;
  const mpOk = mp.ksBulk <= mp.ksCritical;
  const ksText = `bulk fits MP with KS ${fmt(mp.ksBulk)} (≤ ${fmt(mp.ksCritical)})`;
  const ksBad = `bulk KS ${fmt(mp.ksBulk)} vs MP (critical ${fmt(mp.ksCritical)})`;
  const spikeWord = (k: number): string => `${k} spike${k === 1 ? '' : 's'}`;

  if (mpOk && mp.numSpikes <= T.randomMaxSpikes && (mp.mpSoftrank ?? 0) >= T.randomSoftrank) {
    return done('random-like', 'R2', `Random-like: ${ksText}; ${spikeWord(mp.numSpikes)} above λ+ + ${T.twMargin} s_TW; R_mp ${fmt(mp.mpSoftrank)}`);
  }
  const bb = mp.betaBulk ?? 0;
  if (mpOk && bb >= T.bleedingBeta && mp.numSpikes >= 1 && lambdaMax <= T.bleedingMaxRatio * lp &&
      ev.nEdge <= T.bleedingMaxEdge && (ev.gapTW ?? 0) >= T.bleedingMinGapTW) {
    return done('bleeding-out', 'R3', `Bleeding-out: ${spikeWord(mp.numSpikes)} just above λ+ + ${T.twMargin} s_TW (λmax = ${fmt(lambdaMax / lp)}·λ+, gap ${fmt(ev.gapTW, 1)} s_TW); ${ksText}`);
  }
  if (mpOk && bb >= T.spikesBeta && mp.spikeFraction <= T.spikesMaxFraction && (mp.gap ?? 0) >= T.spikesMinGap) {
    return done('bulk+spikes', 'R4', `Bulk+Spikes: ${spikeWord(mp.numSpikes)} above λ+ + ${T.twMargin} s_TW (gap ${fmt(mp.gap)}·λ+); ${ksText}`);
  }

  // Power-law fit (given, or computed WeightWatcher's way on λ > 1e-5·λmax).
  // A given fit is used when its tail is long enough; otherwise (or when none is given) the fit is
  // redone WeightWatcher's way on λ > 1e-5·λmax with xmin restricted to leave ≥ plMinTail points.
  let pl: PhasePowerLawInput | null | undefined = fits.powerLaw;
  if (pl && pl.status === 'success' && pl.nTail !== null && pl.nTail < T.plMinTail) pl = undefined;
  if (pl === undefined) {
    try {
      const floor = 1e-5 * lambdaMax;
      let lo = 0;
      while (lo < n && lam[lo] <= floor) lo++;
      const hiIdx = n - Math.max(2, Math.round(T.plMinTail));
      if (hiIdx <= lo) throw new EsdlabError('TOO_FEW_POINTS', `fewer than ${T.plMinTail} eigenvalues above ${fmt(floor)}`);
      pl = fitPowerLaw(lam, { candidates: 'ww', floor, xmin: [lam[lo], lam[hiIdx]] });
    } catch (e) {
      if (!isEsdlabError(e)) throw e;
      pl = null;
      ev.plReason = e.message;
    }
  }
  if (pl && pl.status === 'success' && pl.alpha !== null && pl.nTail !== null && pl.D !== null) {
    ev.alpha = pl.alpha;
    ev.alphaXmin = pl.xmin;
    ev.alphaD = pl.D;
    ev.alphaNTail = pl.nTail;
    ev.alphaDCritical = T.ksConstant / Math.sqrt(pl.nTail);
    const reasons: string[] = [];
    if (pl.nTail < T.plMinTail) reasons.push(`tail of ${pl.nTail} < ${T.plMinTail} points`);
    if (pl.D > ev.alphaDCritical) reasons.push(`D ${fmt(pl.D)} > ${fmt(ev.alphaDCritical)}`);
    if (pl.alpha > T.plMaxAlpha) reasons.push(`α ${fmt(pl.alpha, 2)} > ${T.plMaxAlpha}`);
    ev.plOk = reasons.length === 0;
    if (!ev.plOk) ev.plReason = reasons.join('; ');
  } else if (pl && ev.plReason === null) ev.plReason = 'power-law fit failed';
  else if (pl === null && ev.plReason === null) ev.plReason = 'no power-law fit';

  const softrank = mp.mpSoftrank ?? 1;
  if (ev.plOk && (mp.beta < T.heavyBeta || softrank < T.heavySoftrank || !mpOk)) {
    const a = ev.alpha as number;
    const sub: HeavyTailedSubclass = a < T.alphaVeryHeavy ? 'very-heavy' : a < T.alphaFat ? 'fat' : 'weakly';
    const why = mp.beta < T.heavyBeta ? `bulk mass β ${fmt(mp.beta)}` : softrank < T.heavySoftrank ? `λmax = ${fmt(1 / softrank, 2)}·λ+` : ksBad;
    return done('heavy-tailed', 'R5', `Heavy-tailed (${sub}): α = ${fmt(a, 2)} (D ${fmt(ev.alphaD)}, ${ev.alphaNTail} tail eigenvalues); ${why}`, sub);
  }
  return done('bulk-decay', 'R6', `Bulk-decay: ${spikeWord(mp.numSpikes)} above λ+ + ${T.twMargin} s_TW (${(100 * mp.spikeFraction).toFixed(1)}%, gap ${fmt(mp.gap)}·λ+, ${ev.nEdge} more in (λ+, τ], R_mp ${fmt(mp.mpSoftrank)}); ${mpOk ? ksText : ksBad}; PL ${ev.plOk ? `α ${fmt(ev.alpha, 2)}` : `not acceptable (${ev.plReason})`}`);
}
