/**
 * Kernel side of the model comparison widget: several models' summary metrics against a
 * user-given accuracy, with the least-squares line (the blog's log-norm / α̂ vs accuracy plots).
 * @packageDocumentation
 */
import { WidgetModel, type WidgetModelOptions } from '../kernel/widgetModel';
import type { JsonObject } from '../kernel/protocol';
import { display, type DisplayResult } from '../display/display';
import { comparisonSpec, type ComparisonModel } from '../viz/comparisonSpec';
import { linearFit, type LinearFit } from '../viz/linearFit';
import { widgetSpec } from './moduleSpec';

/** Synced state of the comparison (keys match widgets/src/widget.ts). */
export interface ComparisonState {
  /** The models. */
  models: ComparisonModel[];
  /** Metric on the x axis. */
  metric: string;
  /** Title (null: default). */
  title: string | null;
  /** y-axis title. */
  accuracy_label: string;
}

/** The kernel-side comparison chart. */
export class ComparisonWidget extends WidgetModel<ComparisonState> {
  constructor(models: ComparisonModel[], options: WidgetModelOptions & { metric?: string; title?: string; accuracyLabel?: string } = {}) {
    super(widgetSpec('ComparisonModel', 'ComparisonView'), { models, metric: options.metric ?? 'alpha_weighted', title: options.title ?? null, accuracy_label: options.accuracyLabel ?? 'accuracy' }, options);
  }

  /** The least-squares line of accuracy on the metric (null with fewer than 2 usable models). */
  line(): LinearFit | null {
    const s = this.getState();
    const pts = s.models.filter((m) => typeof m.metrics[s.metric] === 'number' && Number.isFinite(m.metrics[s.metric] as number));
    try { return pts.length >= 2 ? linearFit(pts.map((m) => m.metrics[s.metric] as number), pts.map((m) => m.accuracy)) : null; } catch { return null; }
  }

  /** Displays the chart (live widget, vega-lite v5, text). */
  show(): void {
    const s = this.getState();
    const l = this.line();
    const text = `esdlab comparison: ${s.models.length} models, ${s.metric} vs ${s.accuracy_label}${l ? `; slope ${l.slope.toPrecision(4)}, r² ${l.r2 === null ? 'n/a' : l.r2.toFixed(3)}` : ''}`;
    this.lastDisplay = display({ widget: this as unknown as WidgetModel<object>, vegaLite: comparisonSpec(s.models, { metric: s.metric, title: s.title ?? undefined, accuracyLabel: s.accuracy_label }) as JsonObject, text });
  }
  /** What the last show() did (route, MIME types), or null before it. */
  lastDisplay: DisplayResult | null = null;

}
