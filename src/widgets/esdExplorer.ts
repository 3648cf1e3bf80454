/**
 * Kernel side of the ESD explorer widget. Holds one layer's eigenvalues, fit, MP overlay, spikes,
 * phase and comparisons; the browser view refits on every slider move and sends `xmin`, `xmax` (and
 * its fit); this model then recomputes the exact fit and phase with the core and answers with them
 * (`fit_source: 'kernel'`). So `w.xmin`, `w.xmax`, `w.fit` in the notebook hold the user's choice.
 *
 * ```ts
 * import { explore } from 'esdlab';
 * const w = await explore(esd(W), { name: 'fc1' });   // displays the explorer
 * w.fit?.alpha;                                        // after the user moved the sliders
 * ```
 * @packageDocumentation
 */
import { EsdlabError } from '../core/errors';
import { fitPowerLaw, type PowerLawFit } from '../core/powerlaw';
import { fitMpRobust, type MpRobustFit } from '../core/mpFit';
import { classifyPhase, type PhaseResult } from '../core/phases';
import { compareAll } from '../core/compare';
import { WidgetModel, type WidgetModelOptions } from '../kernel/widgetModel';
import type { JsonObject } from '../kernel/protocol';
import { display, VEGALITE_MIME, type DisplayResult } from '../display/display';
import { esdExplorerSpec } from '../viz/esdSpec';
import type { ComparisonView, EsdViewData, FitView, MpView, PhaseView } from '../viz/types';
import { widgetSpec } from './moduleSpec';
import { renderSvg } from './staticSvg';

/**
 * Output metadata sent with the explorer's bundle: JupyterLab passes `embed_options` to vega-embed
 * when it renders the vega-lite fallback, so the chart is SVG (selectable, searchable text) and has
 * no export menu.
 */
export const EXPLORER_DISPLAY_METADATA = { [VEGALITE_MIME]: { embed_options: { renderer: 'svg', actions: false } } };

/** Synced state of the explorer (keys match widgets/src/widget.ts). */
export interface EsdExplorerState {
  /** Layer name. */
  name: string;
  /** Eigenvalues, ascending. */
  eigenvalues: number[];
  /** Current fit (kernel's or the browser's, see `fit_source`). */
  fit: FitView | null;
  /** MP overlay. */
  mp: MpView | null;
  /** Spike eigenvalues. */
  spikes: number[] | null;
  /** Phase at the current fit. */
  phase: PhaseView | null;
  /** Likelihood-ratio comparisons at the initial fit. */
  comparisons: { [k: string]: ComparisonView } | null;
  /** The user's xmin (null until set: the fit's). */
  xmin: number | null;
  /** The user's xmax (null: no upper bound). */
  xmax: number | null;
  /** Who computed `fit`. */
  fit_source: 'kernel' | 'browser';
  /** Browser refit time of the last slider move, ms. */
  refit_ms: number | null;
  /** Matrix dimensions (N ≥ M) when known: the browser then re-classifies the phase as it refits. */
  dims: { N: number; M: number } | null;
}

/** A spectrum: an `esd()` result, or eigenvalues with the matrix dimensions. */
export interface SpectrumInput {
  /** Eigenvalues (any order). */
  eigenvalues: ArrayLike<number>;
  /** Larger dimension (needed for MP and the phase). */
  N?: number;
  /** Smaller dimension. */
  M?: number;
  /** Layer name. */
  name?: string;
}

/** Options of {@link EsdExplorerWidget}. */
export interface ExplorerWidgetOptions extends WidgetModelOptions {
  /** Layer name (default: the spectrum's, or "layer"). */
  name?: string;
  /** Initial fit (default: `fitPowerLaw(eigenvalues)`). */
  fit?: PowerLawFit | FitView | null;
  /** Compute the likelihood-ratio comparisons (default true). */
  compare?: boolean;
  /** Options passed to `fitPowerLaw` for the initial and every kernel refit (besides xmin/xmax). */
  fitOptions?: { candidates?: 'unique' | 'ww' };
}

function fitView(f: PowerLawFit | FitView | null | undefined): FitView | null {
  if (!f || !Number.isFinite(f.alpha) || ('status' in f && (f as PowerLawFit).status !== 'success')) return null;
  return { alpha: f.alpha, xmin: f.xmin, xmax: f.xmax ?? null, D: f.D, sigma: f.sigma, nTail: f.nTail };
}

function phaseView(p: PhaseResult | null): PhaseView | null {
  return p ? { phase: p.phase, subclass: p.subclass, summary: p.summary } : null;
}

/** The kernel-side ESD explorer widget. */
export class EsdExplorerWidget extends WidgetModel<EsdExplorerState> {
  /** Eigenvalues as float64, ascending. */
  readonly values: Float64Array;
  /** N, M of the matrix when known. */
  readonly dims: { N: number; M: number } | null;
  private readonly mpFit: MpRobustFit | null;
  private readonly fitOptions: { candidates?: 'unique' | 'ww' };
  private pending = false;

  constructor(spectrum: SpectrumInput | ArrayLike<number>, options: ExplorerWidgetOptions = {}) {
    const spec: SpectrumInput = isSpectrum(spectrum) ? spectrum : { eigenvalues: spectrum };
    const values = Float64Array.from(spec.eigenvalues as ArrayLike<number>);
    values.forEach((v, i) => { if (!Number.isFinite(v)) throw new EsdlabError('NON_FINITE', `explorer: eigenvalue ${i} is not finite`, { tensor: options.name ?? spec.name, index: i }); });
    values.sort();
    const name = options.name ?? spec.name ?? 'layer';
    const fitOptions = options.fitOptions ?? {};
    const initial = options.fit === undefined ? fitPowerLaw(values, fitOptions) : options.fit;
    const dims = spec.N && spec.M ? { N: Math.max(spec.N, spec.M), M: Math.min(spec.N, spec.M) } : null;
    let mpFit: MpRobustFit | null = null;
    let mp: MpView | null = null;
    let spikes: number[] | null = null;
    let phase: PhaseResult | null = null;
    if (dims) {
      const sp = { eigenvalues: values, N: dims.N, M: dims.M };
      try {
        mpFit = fitMpRobust(sp);
        if (mpFit.status === 'success' && mpFit.sigma2 !== null) {
          mp = { sigma2: mpFit.sigma2, Q: mpFit.Q, lambdaMinus: mpFit.lambdaMinus ?? undefined, lambdaPlus: mpFit.lambdaPlus ?? undefined };
          const tau = mpFit.tau;
          if (typeof tau === 'number') spikes = Array.from(values.filter((v) => v > tau));
        }
      } catch { mpFit = null; }
      try {
        const pl = initial && 'status' in initial ? (initial as PowerLawFit) : null;
        phase = classifyPhase(sp, { powerLaw: pl ?? undefined, mp: mpFit ?? undefined });
      } catch { phase = null; }
    }
    let comparisons: { [k: string]: ComparisonView } | null = null;
    if (options.compare !== false && initial && 'status' in initial && (initial as PowerLawFit).status === 'success') {
      try {
        const t = compareAll(values, initial as PowerLawFit) as unknown as { [k: string]: { R: number | null; p: number } };
        comparisons = {};
        for (const k of Object.keys(t)) if (t[k].R !== null && Number.isFinite(t[k].R as number)) comparisons[k] = { R: t[k].R as number, p: t[k].p };
      } catch { comparisons = null; }
    }
    const fv = fitView(initial);
    super(widgetSpec('EsdExplorerModel', 'EsdExplorerView'), {
      name, eigenvalues: Array.from(values), fit: fv, mp, spikes, phase: phaseView(phase), comparisons,
      xmin: fv ? fv.xmin : null, xmax: fv ? fv.xmax : null, fit_source: 'kernel', refit_ms: null, dims,
    }, options);
    this.values = values;
    this.dims = dims;
    this.mpFit = mpFit;
    this.fitOptions = fitOptions;
    const onBounds = (ev: { source: string }): void => {
      if (ev.source !== 'frontend' || this.pending) return;
      this.pending = true;
      // xmin and xmax arrive in one update: refit once, after both are applied.
      Promise.resolve().then(() => { this.pending = false; this.refit(); }).catch(() => { this.pending = false; });
    };
    this.on('change:xmin', onBounds);
    this.on('change:xmax', onBounds);
  }

  /** The current fit. */
  get fit(): FitView | null { return this.get('fit'); }
  /** The current xmin (the user's choice once the slider moved). */
  get xmin(): number | null { return this.get('xmin'); }
  /** The current xmax (null: no upper bound). */
  get xmax(): number | null { return this.get('xmax'); }
  /** The phase at the current fit. */
  get phase(): PhaseView | null { return this.get('phase'); }

  /**
   * Refits with the core at the current (or given) window and publishes fit + phase as the kernel's
   * answer. Returns the full core fit.
   */
  refit(xmin: number | null = this.get('xmin'), xmax: number | null = this.get('xmax')): PowerLawFit {
    const opts: { xmin?: number; xmax?: number; candidates?: 'unique' | 'ww' } = { ...this.fitOptions };
    if (xmin !== null) opts.xmin = xmin;
    if (xmax !== null) opts.xmax = xmax;
    const f = fitPowerLaw(this.values, opts);
    let phase: PhaseView | null = this.get('phase');
    if (this.dims) {
      try { phase = phaseView(classifyPhase({ eigenvalues: this.values, N: this.dims.N, M: this.dims.M }, { powerLaw: f, mp: this.mpFit ?? undefined })); } catch { /* keep */ }
    }
    this.set({ xmin, xmax, fit: fitView(f), phase, fit_source: 'kernel' });
    return f;
  }

  /** The view model the spec builders take. */
  explorerData(): EsdViewData {
    const s = this.getState();
    return { name: s.name, eigenvalues: this.values, fit: s.fit, mp: s.mp, spikes: s.spikes, phase: s.phase, comparisons: s.comparisons, dims: s.dims };
  }

  /** One-line text summary (the text/plain fallback). */
  text(): string {
    const s = this.getState();
    const f = s.fit;
    const fit = f ? `alpha=${f.alpha.toFixed(3)}±${f.sigma.toFixed(3)} D=${f.D.toFixed(4)} nTail=${f.nTail} xmin=${f.xmin.toPrecision(4)}${f.xmax !== null ? ` xmax=${f.xmax.toPrecision(4)}` : ''}` : 'no power-law fit';
    return `ESD explorer '${s.name}': ${this.values.length} eigenvalues, ${fit}${s.phase ? `, phase ${s.phase.phase}${s.phase.subclass ? ` (${s.phase.subclass})` : ''}` : ''}`;
  }

  /**
   * Displays the explorer: the live widget (esdlab kernel + JupyterLab extension), the kernel-free
   * vega-lite v5 spec with its own sliders, an SVG (when vega is installed) and text. Resolves to
   * nothing (so `await w.show()` as a cell's last line prints nothing); see {@link lastDisplay}.
   * `static: true` leaves out the live widget view (for notebooks saved and reopened without the
   * kernel: JupyterLab then renders the vega-lite fallback instead of "model not found").
   */
  async show(options: { svg?: boolean; static?: boolean } = {}): Promise<void> {
    const data = this.explorerData();
    const vegaLite = esdExplorerSpec(data, { interactive: 'vega' }) as JsonObject;
    const svg = options.svg === false ? null : await renderSvg(esdExplorerSpec(data, { interactive: 'static' }));
    this.lastDisplay = display({ widget: this as unknown as WidgetModel<object>, vegaLite, svg: svg ?? undefined, text: this.text() }, { metadata: EXPLORER_DISPLAY_METADATA, static: options.static });
  }

  /** What the last {@link EsdExplorerWidget.show} did (route, MIME types), or null before it. */
  lastDisplay: DisplayResult | null = null;
}

function isSpectrum(x: unknown): x is SpectrumInput {
  return typeof x === 'object' && x !== null && 'eigenvalues' in x;
}

/** Creates an {@link EsdExplorerWidget} for a spectrum and displays it; resolves to the widget. */
export async function explore(spectrum: SpectrumInput | ArrayLike<number>, options: ExplorerWidgetOptions & { svg?: boolean } = {}): Promise<EsdExplorerWidget> {
  const w = new EsdExplorerWidget(spectrum, options);
  await w.show({ svg: options.svg });
  return w;
}
