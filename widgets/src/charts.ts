/**
 * Dashboard and comparison charts in the browser (DOM): vega-embed of the src/viz specs, with a
 * click on a dashboard bar reported to the host (to open that layer's explorer).
 */
import embed from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import { dashboardSpec, type DashboardLayer, type DashboardOptions } from '../../src/viz/dashboardSpec';
import { comparisonSpec, type ComparisonModel, type ComparisonOptions } from '../../src/viz/comparisonSpec';

/** A mounted chart. */
export interface ChartHandle {
  /** Removes the chart. */
  destroy(): void;
}

const EMBED_OPTIONS = { actions: false, ast: true, expr: expressionInterpreter, renderer: 'svg' as const };

/** Numeric columns present in the layers (candidates for the plotted metric), α first. */
export function numericColumns(layers: DashboardLayer[]): string[] {
  const seen = new Set<string>();
  for (const l of layers) for (const k of Object.keys(l)) if (typeof l[k] === 'number' && k !== 'index' && k !== 'layer_id') seen.add(k);
  return Array.from(seen).sort((a, b) => (a === 'alpha' ? -1 : b === 'alpha' ? 1 : a.localeCompare(b)));
}

/**
 * Mounts the dashboard; `onPick(index)` fires when a layer's bar is clicked. With more than one
 * numeric column a selector chooses the plotted metric (`onMetric` is told).
 */
export async function mountDashboard(host: HTMLElement, layers: DashboardLayer[], options: DashboardOptions & { onPick?: (index: number) => void; onMetric?: (metric: string) => void } = {}): Promise<ChartHandle> {
  host.textContent = '';
  const div = document.createElement('div');
  div.className = 'esdlab-dashboard';
  const cols = numericColumns(layers);
  let res: Awaited<ReturnType<typeof embed>> | null = null;
  const draw = async (metric: string): Promise<void> => {
    if (res) res.finalize();
    res = await embed(div, dashboardSpec(layers, { ...options, metric }) as never, EMBED_OPTIONS);
    if (options.onPick) {
      const pick = options.onPick;
      res.view.addEventListener('click', (_e: unknown, item: unknown) => {
        const d = (item as { datum?: { index?: unknown } } | null)?.datum;
        if (d && typeof d.index === 'number') pick(d.index);
      });
    }
  };
  if (cols.length > 1) {
    const label = document.createElement('label');
    label.className = 'esdlab-metric';
    const sel = document.createElement('select');
    for (const c of cols) {
      const o = document.createElement('option');
      o.value = c; o.textContent = c;
      sel.appendChild(o);
    }
    sel.value = options.metric && cols.includes(options.metric) ? options.metric : cols[0];
    sel.addEventListener('change', () => { void draw(sel.value); if (options.onMetric) options.onMetric(sel.value); });
    label.append(document.createTextNode('metric '), sel);
    host.appendChild(label);
  }
  host.appendChild(div);
  await draw(options.metric ?? 'alpha');
  return { destroy: () => { if (res) res.finalize(); host.textContent = ''; } };
}

/** Mounts the model comparison chart. */
export async function mountComparison(host: HTMLElement, models: ComparisonModel[], options: ComparisonOptions = {}): Promise<ChartHandle> {
  host.textContent = '';
  const div = document.createElement('div');
  div.className = 'esdlab-comparison';
  host.appendChild(div);
  const res = await embed(div, comparisonSpec(models, options) as never, EMBED_OPTIONS);
  return { destroy: () => { res.finalize(); host.textContent = ''; } };
}
