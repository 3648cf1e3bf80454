/**
 * Model dashboard as a vega-lite v5 spec: one bar per layer (α or another chosen metric), coloured by
 * phase, in layer order, with the α = 2 and α = 6 class boundaries when the metric is α. A point
 * selection named `pick` (field `index`) lets a host open the clicked layer's explorer. Scales to
 * hundreds of layers (labels are dropped beyond 60 bars; the tooltip names every layer).
 * @packageDocumentation
 */
import { EsdlabError } from '../core/errors';
import { VEGA_LITE_V5_SCHEMA } from './esdSpec';
import { PHASE_COLORS, PHASE_ORDER } from './phaseStyle';
import type { VegaLiteSpec } from './types';

/** One layer of the dashboard. Extra numeric columns may be plotted via `metric`. */
export interface DashboardLayer {
  /** Layer name (shown as text only). */
  name: string;
  /** Fitted α, or null when the layer has none. */
  alpha?: number | null;
  /** Phase name. */
  phase?: string | null;
  /** Any further numeric metrics (e.g. log_norm, alpha_weighted). */
  [metric: string]: unknown;
}

/** Options of {@link dashboardSpec}. */
export interface DashboardOptions {
  /** Column to plot (default `alpha`). */
  metric?: string;
  /** Chart title (default "Layers"). */
  title?: string;
  /** Width in px (default: 14 px per layer, between 400 and 1200). */
  width?: number;
  /** Height in px (default 260). */
  height?: number;
  /** Summary line shown as subtitle (e.g. mean α). */
  summary?: string;
}

/** Builds the dashboard spec; layers whose metric is not a finite number are listed with a null bar. */
export function dashboardSpec(layers: DashboardLayer[], options: DashboardOptions = {}): VegaLiteSpec {
  if (!Array.isArray(layers)) throw new EsdlabError('INVALID_ARGUMENT', 'dashboardSpec: layers must be an array');
  const metric = options.metric ?? 'alpha';
  const values = layers.map((l, index) => {
    const v = l[metric];
    return {
      index,
      key: `${index} ${String(l.name)}`,
      name: String(l.name),
      value: typeof v === 'number' && Number.isFinite(v) ? v : null,
      phase: typeof l.phase === 'string' && l.phase ? l.phase : 'undetermined',
    };
  });
  const many = values.length > 60;
  const layer: Record<string, unknown>[] = [
    {
      params: [{ name: 'pick', select: { type: 'point', fields: ['index'], on: 'click' } }],
      transform: [{ filter: 'datum.value !== null' }],
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'key', type: 'ordinal', sort: { field: 'index' }, title: 'layer', axis: many ? { labels: false, ticks: false } : { labelAngle: -45, labelLimit: 140 } },
        y: { field: 'value', type: 'quantitative', title: metric },
        color: { field: 'phase', type: 'nominal', title: 'phase', scale: { domain: PHASE_ORDER.slice(), range: PHASE_ORDER.map((p) => PHASE_COLORS[p]) } },
        opacity: { condition: { param: 'pick', value: 1, empty: true }, value: 0.45 },
        tooltip: [{ field: 'name', title: 'layer' }, { field: 'value', title: metric, format: '.4~g' }, { field: 'phase' }],
      },
    },
  ];
  if (metric === 'alpha') {
    layer.push({
      data: { values: [{ y: 2, label: 'α = 2' }, { y: 6, label: 'α = 6' }] },
      mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
      encoding: { y: { field: 'y', type: 'quantitative' } },
    });
  }
  return {
    $schema: VEGA_LITE_V5_SCHEMA,
    description: `esdlab dashboard (${values.length} layers, ${metric})`,
    title: { text: options.title ?? 'Layers', subtitle: options.summary ?? '', anchor: 'start' },
    width: options.width ?? Math.max(400, Math.min(1200, 14 * values.length)),
    height: options.height ?? 260,
    data: { name: 'layers', values },
    layer,
    usermeta: { esdlab: { kind: 'dashboard', metric, layers: values.length } },
  };
}
