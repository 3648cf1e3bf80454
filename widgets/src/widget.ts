/**
 * The ipywidgets (protocol v2) models and views of esdlab, for JupyterLab 4 via
 * @jupyter-widgets/base: ESD explorer, model dashboard, model comparison. The kernel side is
 * src/widgets/ (models extending esdlab's WidgetModel); state keys match it one to one.
 *
 * Views only render data as text/SVG through vega (no HTML from the model is ever inserted) and only
 * sync to the kernel when the comm is live (static contexts have none).
 */
import { DOMWidgetModel, DOMWidgetView } from '@jupyter-widgets/base';
import { mountExplorer, type ExplorerHandle, type BoundsChange } from './explorer';
import { mountDashboard, mountComparison, type ChartHandle } from './charts';
import { injectStyle } from './style';
import { MODULE_NAME, MODULE_VERSION } from './version';
import type { EsdViewData, FitView, PhaseView } from '../../src/viz/types';

const moduleKeys = (model: string, view: string): Record<string, string> => ({
  _model_name: model, _model_module: MODULE_NAME, _model_module_version: MODULE_VERSION,
  _view_name: view, _view_module: MODULE_NAME, _view_module_version: MODULE_VERSION,
});

/** Coerces the `eigenvalues` attribute (JSON list, or a binary buffer as DataView/ArrayBuffer) to numbers. */
function toNumbers(v: unknown): ArrayLike<number> {
  if (Array.isArray(v)) return v as number[];
  if (v instanceof DataView) return new Float64Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  if (v instanceof ArrayBuffer) return new Float64Array(v);
  if (ArrayBuffer.isView(v)) return v as unknown as Float64Array;
  return [];
}

/** Model of the ESD explorer. */
export class EsdExplorerModel extends DOMWidgetModel {
  override defaults(): Backbone.ObjectHash {
    return {
      ...super.defaults(), ...moduleKeys('EsdExplorerModel', 'EsdExplorerView'),
      name: '', eigenvalues: [], fit: null, mp: null, spikes: null, phase: null, comparisons: null,
      xmin: null, xmax: null, fit_source: 'kernel', refit_ms: null, dims: null,
    };
  }
  static model_name = 'EsdExplorerModel';
  static model_module = MODULE_NAME;
  static model_module_version = MODULE_VERSION;
  static view_name = 'EsdExplorerView';
  static view_module = MODULE_NAME;
  static view_module_version = MODULE_VERSION;
}

function explorerData(m: DOMWidgetModel): EsdViewData {
  return {
    name: String(m.get('name') ?? ''), eigenvalues: toNumbers(m.get('eigenvalues')),
    fit: m.get('fit') ?? null, mp: m.get('mp') ?? null, spikes: m.get('spikes') ?? null,
    phase: m.get('phase') ?? null, comparisons: m.get('comparisons') ?? null, dims: m.get('dims') ?? null,
  };
}

/** View of the ESD explorer: refits in the browser on every slider move, then syncs the bounds. */
export class EsdExplorerView extends DOMWidgetView {
  private handle: ExplorerHandle | null = null;

  override render(): void {
    injectStyle(document);
    this.el.classList.add('esdlab-widget');
    void this.mount();
    this.listenTo(this.model, 'change:eigenvalues change:mp change:spikes change:name', () => { void this.mount(); });
    this.el.dataset.fitSource = String(this.model.get('fit_source'));
    this.listenTo(this.model, 'change:fit change:phase change:fit_source', () => {
      this.el.dataset.fitSource = String(this.model.get('fit_source'));
      if (this.model.get('fit_source') !== 'kernel' || !this.handle) return;
      void this.handle.showFit(this.model.get('fit') as FitView | null, this.model.get('phase') as PhaseView | null);
    });
  }

  private async mount(): Promise<void> {
    if (this.handle) { this.handle.destroy(); this.handle = null; }
    const data = explorerData(this.model);
    try {
      this.handle = await mountExplorer(this.el, data, { onBounds: (c) => this.sync(c) });
      const xmin = this.model.get('xmin');
      if (typeof xmin === 'number' && data.fit && xmin !== data.fit.xmin) await this.handle.setBounds(xmin, this.model.get('xmax') ?? null);
      this.el.dataset.mounted = '1';
    } catch (e) {
      this.el.textContent = `esdlab explorer: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  private sync(c: BoundsChange): void {
    this.el.dataset.fitSource = 'browser';
    this.model.set({ xmin: c.xmin, xmax: c.xmax, fit: c.fit, fit_source: 'browser', refit_ms: c.ms });
    if (this.model.comm_live) this.model.save_changes();
  }

  override remove(): void {
    if (this.handle) this.handle.destroy();
    this.handle = null;
    super.remove();
  }
}

/** Model of the model dashboard. */
export class DashboardModel extends DOMWidgetModel {
  override defaults(): Backbone.ObjectHash {
    return { ...super.defaults(), ...moduleKeys('DashboardModel', 'DashboardView'), title: 'Layers', layers: [], metric: 'alpha', summary: '', picked: null, detail: null };
  }
  static model_name = 'DashboardModel';
  static model_module = MODULE_NAME;
  static model_module_version = MODULE_VERSION;
  static view_name = 'DashboardView';
  static view_module = MODULE_NAME;
  static view_module_version = MODULE_VERSION;
}

/** View of the dashboard: bars by phase; a click asks the kernel for that layer's explorer data. */
export class DashboardView extends DOMWidgetView {
  private chart: ChartHandle | null = null;
  private detail: ExplorerHandle | null = null;
  private chartEl = document.createElement('div');
  private detailEl = document.createElement('div');

  override render(): void {
    injectStyle(document);
    this.el.append(this.chartEl, this.detailEl);
    void this.draw();
    this.listenTo(this.model, 'change:layers change:metric change:summary change:title', () => { void this.draw(); });
    this.listenTo(this.model, 'change:detail', () => { void this.showDetail(); });
    void this.showDetail();
  }

  private async draw(): Promise<void> {
    if (this.chart) this.chart.destroy();
    this.chart = await mountDashboard(this.chartEl, this.model.get('layers') ?? [], {
      metric: this.model.get('metric'), summary: this.model.get('summary'), title: this.model.get('title'),
      onPick: (i) => {
        this.model.set({ picked: i });
        if (this.model.comm_live) this.model.save_changes();
      },
      onMetric: (m) => {
        this.model.set({ metric: m });
        if (this.model.comm_live) this.model.save_changes();
      },
    });
  }

  private async showDetail(): Promise<void> {
    const d = this.model.get('detail') as EsdViewData | null;
    if (this.detail) { this.detail.destroy(); this.detail = null; }
    if (d) this.detail = await mountExplorer(this.detailEl, d);
  }

  override remove(): void {
    this.chart?.destroy();
    this.detail?.destroy();
    super.remove();
  }
}

/** Model of the model comparison chart. */
export class ComparisonModel extends DOMWidgetModel {
  override defaults(): Backbone.ObjectHash {
    return { ...super.defaults(), ...moduleKeys('ComparisonModel', 'ComparisonView'), models: [], metric: 'alpha_weighted', title: null, accuracy_label: 'accuracy' };
  }
  static model_name = 'ComparisonModel';
  static model_module = MODULE_NAME;
  static model_module_version = MODULE_VERSION;
  static view_name = 'ComparisonView';
  static view_module = MODULE_NAME;
  static view_module_version = MODULE_VERSION;
}

/** View of the comparison chart. */
export class ComparisonView extends DOMWidgetView {
  private chart: ChartHandle | null = null;

  override render(): void {
    void this.draw();
    this.listenTo(this.model, 'change', () => { void this.draw(); });
  }

  private async draw(): Promise<void> {
    if (this.chart) this.chart.destroy();
    this.chart = await mountComparison(this.el, this.model.get('models') ?? [], {
      metric: this.model.get('metric'), title: this.model.get('title') ?? undefined, accuracyLabel: this.model.get('accuracy_label'),
    });
  }
}
