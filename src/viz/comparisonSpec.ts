/**
 * Model comparison as a vega-lite v5 spec: one point per model, a summary metric (e.g. mean log-norm
 * or α̂) against a user-given accuracy, with the least-squares line (computed here, in float64, and
 * recorded in `usermeta.esdlab.fit`) — the blog's "metric vs accuracy" plots.
 * @packageDocumentation
 */
import { EsdlabError } from '../core/errors';
import { VEGA_LITE_V5_SCHEMA } from './esdSpec';
import { linearFit, type LinearFit } from './linearFit';
import type { VegaLiteSpec } from './types';

/** One model in the comparison. */
export interface ComparisonModel {
  /** Model name (text only). */
  name: string;
  /** The user-given accuracy (any scale, e.g. top-1 %). */
  accuracy: number;
  /** Summary metrics of the model, e.g. `{ alpha: 3.1, log_norm: 2.2, alpha_weighted: 1.4 }`. */
  metrics: { [name: string]: number | null | undefined };
}

/** Options of {@link comparisonSpec}. */
export interface ComparisonOptions {
  /** Metric on the x axis (default `alpha_weighted`). */
  metric?: string;
  /** Title (default "<metric> vs accuracy"). */
  title?: string;
  /** y-axis title (default "accuracy"). */
  accuracyLabel?: string;
  /** Width/height in px (defaults 420 × 300). */
  width?: number;
  /** Height in px. */
  height?: number;
}

/** Builds the comparison spec; models without a finite metric are left out (and counted in usermeta). */
export function comparisonSpec(models: ComparisonModel[], options: ComparisonOptions = {}): VegaLiteSpec {
  if (!Array.isArray(models)) throw new EsdlabError('INVALID_ARGUMENT', 'comparisonSpec: models must be an array');
  const metric = options.metric ?? 'alpha_weighted';
  const pts: { name: string; x: number; y: number }[] = [];
  let dropped = 0;
  for (const m of models) {
    const x = m.metrics ? m.metrics[metric] : undefined;
    if (typeof x === 'number' && Number.isFinite(x) && Number.isFinite(m.accuracy)) pts.push({ name: String(m.name), x, y: m.accuracy });
    else dropped++;
  }
  let fit: LinearFit | null = null;
  try { fit = pts.length >= 2 ? linearFit(pts.map((p) => p.x), pts.map((p) => p.y)) : null; } catch { fit = null; }
  const layer: Record<string, unknown>[] = [
    {
      data: { values: pts },
      mark: { type: 'point', filled: true, size: 70 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: metric, scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: options.accuracyLabel ?? 'accuracy', scale: { zero: false } },
        tooltip: [{ field: 'name', title: 'model' }, { field: 'x', title: metric, format: '.4~g' }, { field: 'y', title: options.accuracyLabel ?? 'accuracy' }],
      },
    },
    {
      data: { values: pts },
      mark: { type: 'text', dx: 6, align: 'left', fontSize: 10 },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'name' } },
    },
  ];
  if (fit) {
    const xs = pts.map((p) => p.x);
    const lo = Math.min(...xs), hi = Math.max(...xs);
    layer.push({
      data: { values: [{ x: lo, y: fit.slope * lo + fit.intercept }, { x: hi, y: fit.slope * hi + fit.intercept }] },
      mark: { type: 'line', color: '#D55E00' },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
  }
  const sub = fit ? `least squares: y = ${fit.slope.toPrecision(4)}·x + ${fit.intercept.toPrecision(4)}, r² = ${fit.r2 === null ? 'n/a' : fit.r2.toFixed(3)}` : 'fewer than 2 models with this metric: no line';
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    description: `esdlab model comparison (${metric} vs accuracy)`,
    title: { text: options.title ?? `${metric} vs accuracy`, subtitle: sub, anchor: 'start' },
    width: options.width ?? 420,
    height: options.height ?? 300,
    layer,
    usermeta: { esdlab: { kind: 'comparison', metric, fit, dropped } },
  };
}
