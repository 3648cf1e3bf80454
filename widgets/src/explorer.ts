/**
 * The ESD explorer in the browser (DOM): chart (vega-embed, host-mode spec from src/viz), two
 * log-scale sliders for xmin and xmax snapped to eigenvalues, a CCDF toggle, the stats panel
 * (α ± σ, D, n_tail, comparisons R/p) and the phase badge with its evidence in words.
 * Every slider move refits with the core ({@link coreRefit}) and updates the chart signals, then
 * tells the host (`onBounds`), which the Jupyter widget uses to sync the bounds to the kernel.
 *
 * Text from the data (layer names, phase summaries) is only ever set with `textContent`.
 */
import embed from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { esdExplorerSpec, explorerStart } from '../../src/viz/esdSpec';
import { positiveSorted } from '../../src/viz/esdRows';
import { alphaClass, phaseColor } from '../../src/viz/phaseStyle';
import type { EsdViewData, FitView, PhaseView } from '../../src/viz/types';
import { coreRefit, PhaseRefitter, type RefitResult } from './refit';

/** Slider resolution (positions per slider; values are then snapped to the nearest eigenvalue). */
const SLIDER_POSITIONS = 1000;

/** What the explorer reports to its host after each refit. */
export interface BoundsChange {
  /** The xmin used (an eigenvalue). */
  xmin: number;
  /** The xmax used, or null when the window reaches the largest eigenvalue. */
  xmax: number | null;
  /** The refit (null if the core refused the window). */
  fit: FitView | null;
  /** Why the fit is null. */
  reason?: string;
  /** Core fit time, ms. */
  ms: number;
}

/** Options of {@link mountExplorer}. */
export interface ExplorerOptions {
  /** Called after every slider-driven refit. */
  onBounds?: (c: BoundsChange) => void;
  /** Chart width (px). */
  width?: number;
  /** Chart height (px). */
  height?: number;
  /** vega renderer (default `svg`; `canvas` redraws faster for large views). */
  renderer?: 'svg' | 'canvas';
}

/** Handle returned by {@link mountExplorer}. */
export interface ExplorerHandle {
  /** Sets the window (as if the user moved the sliders) and refits; resolves when the chart is redrawn. */
  setBounds(xmin: number, xmax: number | null): Promise<BoundsChange>;
  /** Shows a fit computed elsewhere (e.g. the kernel's answer) without refitting. */
  showFit(fit: FitView | null, phase?: PhaseView | null): Promise<void>;
  /** The current window. */
  bounds(): { xmin: number; xmax: number | null };
  /** Removes the chart and listeners. */
  destroy(): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Index of the value in `sorted` nearest to `v` in log space. */
function nearestIndex(sorted: Float64Array, v: number): number {
  let lo = 0, hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && Math.abs(Math.log(sorted[lo - 1] / v)) <= Math.abs(Math.log(sorted[lo] / v))) return lo - 1;
  return lo;
}

const fmt = (v: number, digits = 4): string => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : 'n/a');

/**
 * Mounts an explorer for one layer into `host`.
 * @param host - container element (emptied).
 * @param data - the layer's eigenvalues, fit, MP overlay, spikes, phase, comparisons.
 */
export async function mountExplorer(host: HTMLElement, data: EsdViewData, options: ExplorerOptions = {}): Promise<ExplorerHandle> {
  const sorted = positiveSorted(data.eigenvalues);
  const start = explorerStart(sorted, data);
  const lmin = Math.log10(start.minEv), lmax = Math.log10(start.maxEv);
  const toPos = (v: number): number => Math.round(((Math.log10(v) - lmin) / (lmax - lmin || 1)) * SLIDER_POSITIONS);
  const fromPos = (p: number): number => sorted[nearestIndex(sorted, Math.pow(10, lmin + ((lmax - lmin) * p) / SLIDER_POSITIONS))];

  host.textContent = '';
  const root = el('div', 'esdlab-explorer');
  const head = el('div', 'esdlab-head');
  const title = el('span', 'esdlab-name', data.name);
  const badge = el('span', 'esdlab-badge');
  head.append(title, badge);
  const chart = el('div', 'esdlab-chart');
  const controls = el('div', 'esdlab-controls');
  const mkSlider = (label: string, cls: string): { input: HTMLInputElement; out: HTMLSpanElement; wrap: HTMLLabelElement } => {
    const wrap = el('label', 'esdlab-slider');
    const input = el('input', cls);
    input.type = 'range'; input.min = '0'; input.max = String(SLIDER_POSITIONS); input.step = '1';
    const out = el('span', 'esdlab-slider-value');
    wrap.append(document.createTextNode(label), input, out);
    return { input, out, wrap };
  };
  const sMin = mkSlider('xmin ', 'esdlab-xmin');
  const sMax = mkSlider('xmax ', 'esdlab-xmax');
  const ccdfWrap = el('label', 'esdlab-toggle');
  const ccdf = el('input', 'esdlab-ccdf');
  ccdf.type = 'checkbox';
  ccdfWrap.append(ccdf, document.createTextNode(' CCDF'));
  controls.append(sMin.wrap, sMax.wrap, ccdfWrap);
  const stats = el('div', 'esdlab-stats');
  const evidence = el('div', 'esdlab-evidence');
  root.append(head, chart, controls, stats, evidence);
  host.appendChild(root);

  const spec = esdExplorerSpec(data, { interactive: 'host', width: options.width ?? 520, height: options.height ?? 300 });
  const result = await embed(chart, spec as never, { actions: false, ast: true, expr: expressionInterpreter, renderer: options.renderer ?? 'svg' });
  const view = result.view;

  let xmin = start.xmin;
  let xmax: number | null = start.xmax >= start.maxEv ? null : start.xmax;
  let current: FitView | null = data.fit ?? null;
  let phase: PhaseView | null = data.phase ?? null;
  // with the matrix dimensions the phase follows the window too (the core's classifier, in the page)
  const phaser = data.dims && data.dims.N > 0 && data.dims.M > 0 ? new PhaseRefitter(sorted, data.dims) : null;
  sMin.input.value = String(toPos(xmin));
  sMax.input.value = String(toPos(xmax ?? start.maxEv));

  const renderStats = (fit: FitView | null, reason?: string): void => {
    stats.textContent = '';
    const row = (k: string, v: string, cls: string): void => {
      const d = el('div', `esdlab-stat ${cls}`);
      d.append(el('span', 'esdlab-k', k), el('span', 'esdlab-v', v));
      stats.appendChild(d);
    };
    stats.dataset.xmin = String(xmin);
    stats.dataset.xmax = xmax === null ? '' : String(xmax);
    if (!fit) {
      stats.dataset.alpha = '';
      row('fit', reason ?? 'no fit', 'esdlab-nofit');
    } else {
      stats.dataset.alpha = String(fit.alpha);
      stats.dataset.d = String(fit.D);
      stats.dataset.ntail = String(fit.nTail);
      row('α', `${fit.alpha.toFixed(4)} ± ${fit.sigma.toFixed(4)}`, 'esdlab-alpha');
      row('D', fit.D.toFixed(4), 'esdlab-d');
      row('n_tail', String(fit.nTail), 'esdlab-ntail');
    }
    row('xmin', fmt(xmin, 6), 'esdlab-xmin-v');
    row('xmax', xmax === null ? `${fmt(start.maxEv, 6)} (largest)` : fmt(xmax, 6), 'esdlab-xmax-v');
    const cmp = data.comparisons;
    if (cmp) {
      for (const k of Object.keys(cmp)) {
        const c = cmp[k];
        if (c && Number.isFinite(c.R)) row(`vs ${k}`, `R = ${fmt(c.R, 3)}, p = ${fmt(c.p, 3)}`, 'esdlab-cmp');
      }
    }
    sMin.out.textContent = fmt(xmin, 4);
    sMax.out.textContent = xmax === null ? fmt(start.maxEv, 4) : fmt(xmax, 4);
    const cls = fit ? alphaClass(fit.alpha) : { key: 'undetermined', label: 'no fit in this window' };
    badge.textContent = phase ? `${phase.phase}${phase.subclass ? ` (${phase.subclass})` : ''}` : cls.label;
    badge.style.background = phaseColor(phase ? phase.phase : undefined);
    evidence.textContent = `${phase && phase.summary ? `${phase.summary} — ` : ''}at this window: ${cls.label}`;
  };

  const push = async (fit: FitView | null): Promise<void> => {
    const nAbove = xmax === null ? 0 : sorted.length - (nearestIndex(sorted, xmax) + 1);
    view.signal('xmin', xmin).signal('xmax', xmax ?? start.maxEv)
      .signal('fitAlpha', fit ? fit.alpha : NaN).signal('fitNTail', fit ? fit.nTail : 0)
      .signal('fitNAbove', nAbove).signal('fitD', fit ? fit.D : NaN).signal('fitSigma', fit ? fit.sigma : NaN);
    await view.runAsync();
  };

  const refitNow = async (): Promise<BoundsChange> => {
    const r: RefitResult = coreRefit(sorted, xmin, xmax);
    current = r.fit;
    if (phaser) phase = phaser.phaseAt(r.fit) ?? phase;
    renderStats(r.fit, r.reason);
    const change: BoundsChange = { xmin, xmax, fit: r.fit, reason: r.reason, ms: r.ms };
    root.dataset.refits = String(Number(root.dataset.refits ?? '0') + 1);
    // tell the host in the same task as the stats update (the widget syncs to the kernel here)
    if (options.onBounds) options.onBounds(change);
    await push(r.fit);
    return change;
  };

  const onSlide = (which: 'min' | 'max'): void => {
    const a = fromPos(Number(sMin.input.value));
    const b = fromPos(Number(sMax.input.value));
    if (which === 'min') { xmin = a; if (b < a) { sMax.input.value = sMin.input.value; } }
    else if (b < xmin) { sMax.input.value = String(toPos(xmin)); }
    const bb = Math.max(fromPos(Number(sMax.input.value)), xmin);
    xmax = bb >= start.maxEv ? null : bb;
    void refitNow();
  };
  const hMin = (): void => onSlide('min');
  const hMax = (): void => onSlide('max');
  const hCcdf = (): void => { void view.signal('view', ccdf.checked ? 'ccdf' : 'density').runAsync(); };
  sMin.input.addEventListener('input', hMin);
  sMax.input.addEventListener('input', hMax);
  ccdf.addEventListener('change', hCcdf);
  if (current) renderStats(current);
  else {
    // no fit given: start from the core's fit at the initial window (not synced: nothing moved yet)
    const r = coreRefit(sorted, xmin, xmax);
    current = r.fit;
    renderStats(r.fit, r.reason);
    await push(r.fit);
  }

  return {
    async setBounds(a: number, b: number | null): Promise<BoundsChange> {
      xmin = sorted[nearestIndex(sorted, a)];
      const bb = b === null ? start.maxEv : Math.max(sorted[nearestIndex(sorted, b)], xmin);
      xmax = bb >= start.maxEv ? null : bb;
      sMin.input.value = String(toPos(xmin));
      sMax.input.value = String(toPos(xmax ?? start.maxEv));
      return refitNow();
    },
    async showFit(fit: FitView | null, ph?: PhaseView | null): Promise<void> {
      current = fit;
      if (fit) {
        xmin = fit.xmin;
        xmax = fit.xmax === null || fit.xmax >= start.maxEv ? null : fit.xmax;
        sMin.input.value = String(toPos(xmin));
        sMax.input.value = String(toPos(xmax ?? start.maxEv));
      }
      if (ph !== undefined) phase = ph;
      renderStats(fit);
      await push(fit);
    },
    bounds: () => ({ xmin, xmax }),
    destroy(): void {
      sMin.input.removeEventListener('input', hMin);
      sMax.input.removeEventListener('input', hMax);
      ccdf.removeEventListener('change', hCcdf);
      result.finalize();
      host.textContent = '';
    },
  };
}
