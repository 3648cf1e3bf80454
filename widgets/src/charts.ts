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

/** Mounts the dashboard; `onPick(index)` fires when a layer's bar is clicked. */
export async function mountDashboard(host: HTMLElement, layers: DashboardLayer[], options: DashboardOptions & { onPick?: (index: number) => void } = {}): Promise<ChartHandle> {
  host.textContent = '';
  const div = document.createElement('div');
  div.className = 'esdlab-dashboard';
  host.appendChild(div);
  const res = await embed(div, dashboardSpec(layers, options) as never, EMBED_OPTIONS);
  if (options.onPick) {
    const pick = options.onPick;
    res.view.addEventListener('click', (_e: unknown, item: unknown) => {
      const d = (item as { datum?: { index?: unknown } } | null)?.datum;
      if (d && typeof d.index === 'number') pick(d.index);
    });
  }
  return { destroy: () => { res.finalize(); host.textContent = ''; } };
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
