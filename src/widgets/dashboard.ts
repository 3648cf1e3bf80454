/**
 * Kernel side of the model dashboard widget: per-layer α (or another metric) as bars coloured by
 * phase, the summary line; clicking a bar in the browser sets `picked`, and this model answers with
 * that layer's explorer data in `detail` (from the eigenvalues it was given).
 * @packageDocumentation
 */
import { WidgetModel, type WidgetModelOptions } from '../kernel/widgetModel';
import type { JsonObject } from '../kernel/protocol';
import { display, type DisplayResult } from '../display/display';
import { dashboardSpec, type DashboardLayer } from '../viz/dashboardSpec';
import type { EsdViewData } from '../viz/types';
import { dashboardRows, explorerDataOf, type ReportInput } from '../report/reportModel';
import { widgetSpec } from './moduleSpec';

/** Synced state of the dashboard (keys match widgets/src/widget.ts). */
export interface DashboardState {
  /** Title. */
  title: string;
  /** One row per layer: name, alpha, phase and any further metrics. */
  layers: DashboardLayer[];
  /** Plotted column. */
  metric: string;
  /** Summary line. */
  summary: string;
  /** Index of the layer the user clicked. */
  picked: number | null;
  /** Explorer data of the picked layer (set by the kernel). */
  detail: EsdViewData | null;
}

/** Options of {@link DashboardWidget}. */
export interface DashboardWidgetOptions extends WidgetModelOptions {
  /** Title (default "Layers"). */
  title?: string;
  /** Column to plot (default alpha). */
  metric?: string;
}

/** The kernel-side dashboard. Input: the same rows/summary/esds the HTML report takes. */
export class DashboardWidget extends WidgetModel<DashboardState> {
  private readonly input: ReportInput;

  constructor(input: ReportInput, options: DashboardWidgetOptions = {}) {
    const rows = dashboardRows(input).map((r, i) => ({ ...pickNumbers(input.layers[i]), ...r }));
    const summary = input.summary ? Object.keys(input.summary).slice(0, 6).map((k) => `${k} = ${fmt(input.summary![k])}`).join(', ') : '';
    super(widgetSpec('DashboardModel', 'DashboardView'), { title: options.title ?? input.title ?? 'Layers', layers: rows, metric: options.metric ?? 'alpha', summary, picked: null, detail: null }, options);
    this.input = input;
    this.on('change:picked', (ev) => {
      const i = ev.new;
      this.set({ detail: typeof i === 'number' && i >= 0 && i < input.layers.length ? explorerDataOf(input, i) : null });
    });
  }

  /** Text summary. */
  text(): string {
    const s = this.getState();
    return `esdlab dashboard: ${s.layers.length} layers (${s.metric})${s.summary ? `; ${s.summary}` : ''}`;
  }

  /** Displays the dashboard (live widget, vega-lite v5, text). */
  show(): void {
    const s = this.getState();
    this.lastDisplay = display({ widget: this as unknown as WidgetModel<object>, vegaLite: dashboardSpec(s.layers, { metric: s.metric, summary: s.summary, title: s.title }) as JsonObject, text: this.text() });
  }
  /** What the last show() did (route, MIME types), or null before it. */
  lastDisplay: DisplayResult | null = null;


  /** The explorer data of layer `i` (null without eigenvalues). */
  layerData(i: number): EsdViewData | null {
    return explorerDataOf(this.input, i);
  }
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v);
}

/** Finite numeric columns of a row (so any of them can be the plotted metric). */
function pickNumbers(row: { [k: string]: unknown }): { [k: string]: number } {
  const out: { [k: string]: number } = {};
  for (const k of Object.keys(row)) {
    const v = row[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}
