/**
 * The phase and Marchenko–Pastur columns of an analysis row (`analyzeLayer`): `phase`,
 * `phase_subclass`, `phase_rule`, `phase_summary` (from {@link classifyPhase}) and, with `mpFit`,
 * WeightWatcher's MP columns `num_spikes`, `sigma_mp`, `mp_softrank`, `bulk_max`, `bulk_min`.
 *
 * MP columns: `mpFit: 'ww'` (default under the `ww` preset) reproduces WeightWatcher's
 * `analyze(mp_fit=True)` ({@link fitMpWW}); `mpFit: 'robust'` (default otherwise when `mpFit: true`)
 * fills the same columns from {@link fitMpRobust}: σ in WeightWatcher's mean-1 units (√β), spikes above
 * λ⁺ + 3·s_TW, λ⁺/λ_max, and the edges in the row's eigenvalue units. `mp_fit_method` says which.
 */
import { fitMpRobust, fitMpWW } from './mpFit';
import { classifyPhase, type HeavyTailedSubclass, type Phase, type PhasePowerLawInput } from './phases';

/** Options of {@link phaseColumns} (also accepted by `analyzeLayer`). */
export interface PhaseColumnsOptions {
  /** Add the phase columns (default true). */
  phase?: boolean;
  /** Add the MP columns: `true`, `'ww'` or `'robust'` (default false). */
  mpFit?: boolean | 'ww' | 'robust';
  /** Preset of the row; `'ww'` makes `mpFit: true` mean `'ww'`. */
  preset?: string | null;
}

/** Columns added to a row (all optional: only the requested ones are present). */
export interface PhaseColumns {
  /** Phase of training (see docs/phases.md). */
  phase?: Phase;
  /** Heavy-tailed sub-class by α, else null. */
  phase_subclass?: HeavyTailedSubclass | null;
  /** Rule id that decided the phase (R0–R6). */
  phase_rule?: string;
  /** One-line evidence, e.g. "Bulk+Spikes: 3 spikes above λ+ + 3 s_TW; …". */
  phase_summary?: string;
  /** Which MP fit filled the MP columns. */
  mp_fit_method?: 'ww' | 'robust';
  /** Spikes above the bulk edge (see the module notes for the margin of each method). */
  num_spikes?: number | null;
  /** Bulk σ in mean-1 units (WeightWatcher's convention). */
  sigma_mp?: number | null;
  /** λ⁺/λ_max. */
  mp_softrank?: number | null;
  /** MP upper edge λ⁺ in the row's eigenvalue units. */
  bulk_max?: number | null;
  /** MP lower edge λ⁻ in the row's eigenvalue units. */
  bulk_min?: number | null;
}

/**
 * Computes the requested phase/MP columns for an ESD (eigenvalues with the slice's N and M).
 * @param powerLaw the row's power-law fit, reused by the classifier when its tail has ≥ 10 points (so
 *   the α in `phase_summary` is the row's `alpha`); otherwise the classifier fits its own.
 */
export function phaseColumns(spec: { eigenvalues: ArrayLike<number>; N: number; M: number }, options: PhaseColumnsOptions = {}, powerLaw?: PhasePowerLawInput | null): PhaseColumns {
  const out: PhaseColumns = {};
  if (options.phase ?? true) {
    const r = classifyPhase(spec, powerLaw ? { powerLaw } : {});
    out.phase = r.phase;
    out.phase_subclass = r.subclass ?? null;
    out.phase_rule = r.rule;
    out.phase_summary = r.summary;
  }
  const mpFit = options.mpFit ?? false;
  if (mpFit) {
    const method = mpFit === true ? (options.preset === 'ww' ? 'ww' : 'robust') : mpFit;
    out.mp_fit_method = method;
    if (method === 'ww') {
      const w = fitMpWW(spec);
      const ok = w.status === 'success';
      out.num_spikes = ok ? w.num_spikes : null;
      out.sigma_mp = ok ? w.sigma_mp : null;
      out.mp_softrank = ok ? w.mp_softrank : null;
      out.bulk_max = ok ? w.bulk_max : null;
      out.bulk_min = ok ? w.bulk_min : null;
    } else {
      const f = fitMpRobust(spec);
      const ok = f.status === 'success';
      out.num_spikes = ok ? f.numSpikes : null;
      out.sigma_mp = ok && f.beta !== null ? Math.sqrt(f.beta) : null;
      out.mp_softrank = ok ? f.mpSoftrank : null;
      out.bulk_max = ok ? f.lambdaPlus : null;
      out.bulk_min = ok ? f.lambdaMinus : null;
    }
  }
  return out;
}
