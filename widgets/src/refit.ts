/**
 * The browser-side refit: esdlab's own core power-law fit (src/core/powerlaw.ts, bundled into the
 * widget and the report), with xmin fixed to the slider's eigenvalue and xmax either none or the
 * truncating bound (the core's exact truncated MLE).
 */
import { fitPowerLaw } from '../../src/core/powerlaw';
import { fitMpRobust, type MpRobustFit } from '../../src/core/mpFit';
import { classifyPhase } from '../../src/core/phases';
import type { FitView, PhaseView } from '../../src/viz/types';

/** Result of {@link coreRefit}: the fit (null when the core refuses, e.g. < 2 points) and why not. */
export interface RefitResult {
  /** The fit, or null. */
  fit: FitView | null;
  /** Error/status message when fit is null. */
  reason?: string;
  /** Milliseconds the core fit took (performance.now based). */
  ms: number;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Refits the eigenvalues with the core's `fitPowerLaw` at a fixed window.
 * @param values - the eigenvalues (sorted ascending is fastest).
 * @param xmin - the lower bound (an eigenvalue when it comes from the sliders).
 * @param xmax - the upper bound, or null for none.
 */
export function coreRefit(values: ArrayLike<number>, xmin: number, xmax: number | null): RefitResult {
  const t0 = now();
  try {
    const opts: { xmin: number; xmax?: number } = { xmin };
    if (xmax !== null) opts.xmax = xmax;
    const f = fitPowerLaw(values, opts);
    const ms = now() - t0;
    if (f.status !== 'success' || !Number.isFinite(f.alpha)) return { fit: null, reason: f.reason ?? 'fit failed', ms };
    return { fit: { alpha: f.alpha, xmin: f.xmin, xmax: f.xmax ?? null, D: f.D, sigma: f.sigma, nTail: f.nTail }, ms };
  } catch (e) {
    return { fit: null, reason: e instanceof Error ? e.message : String(e), ms: now() - t0 };
  }
}

/**
 * Re-classifies the phase at a (re)fit with the core's classifier, the MP fit computed once per layer.
 * Returns null when the dimensions are unknown or the classifier refuses the input.
 */
export class PhaseRefitter {
  private readonly mp: MpRobustFit | null;

  constructor(private readonly sorted: Float64Array, private readonly dims: { N: number; M: number }) {
    let mp: MpRobustFit | null = null;
    try { mp = fitMpRobust({ eigenvalues: sorted, N: dims.N, M: dims.M }); } catch { mp = null; }
    this.mp = mp;
  }

  /** The phase at `fit` (null fit: the classifier's "no power law" path). */
  phaseAt(fit: FitView | null): PhaseView | null {
    if (!this.mp) return null;
    try {
      const pl = fit ? { alpha: fit.alpha, xmin: fit.xmin, D: fit.D, nTail: fit.nTail, status: 'success' } : { alpha: null, xmin: null, D: null, nTail: null, status: 'failed' };
      const r = classifyPhase({ eigenvalues: this.sorted, N: this.dims.N, M: this.dims.M }, { powerLaw: pl, mp: this.mp });
      return { phase: r.phase, subclass: r.subclass, summary: r.summary };
    } catch {
      return null;
    }
  }
}
