/**
 * The kernel-free viewer bundle (IIFE, global `esdlabViewer`): the ESD explorer, dashboard and
 * comparison charts with vega/vega-lite/vega-embed and esdlab's core fit inlined. The HTML report
 * embeds it; {@link boot} mounts everything described by the page's
 * `<script type="application/json" id="esdlab-report-data">` element. No network, no eval.
 */
import { mountExplorer, type ExplorerHandle } from './explorer';
import { mountDashboard, mountComparison } from './charts';
import { coreRefit } from './refit';
import { injectStyle } from './style';
import { MODULE_VERSION } from './version';
import embed from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import type { EsdViewData } from '../../src/viz/types';
import type { DashboardLayer } from '../../src/viz/dashboardSpec';

/** The data block the report renderer writes (see src/report). */
export interface ReportData {
  /** Dashboard rows (name, alpha, phase, …). */
  dashboard: DashboardLayer[];
  /** Dashboard summary line. */
  summary?: string;
  /** One explorer per layer, or null where the layer has no eigenvalues. */
  explorers: (EsdViewData | null)[];
}

/** Explorer handles by layer index, once mounted (tests and benchmarks reach them here). */
export const explorers: { [index: number]: ExplorerHandle } = {};

async function mountLayer(doc: Document, data: ReportData, i: number): Promise<void> {
  const d = data.explorers[i];
  const host = doc.getElementById(`esdlab-explorer-${i}`);
  if (!d || !host || explorers[i] || host.dataset.mounting) return;
  host.dataset.mounting = '1';
  try {
    explorers[i] = await mountExplorer(host, d);
    host.dataset.mounted = '1';
  } catch (e) {
    host.textContent = `explorer unavailable: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Mounts the dashboard and (lazily, as they scroll into view) every layer's explorer. */
export async function boot(doc: Document = document): Promise<void> {
  injectStyle(doc);
  const block = doc.getElementById('esdlab-report-data');
  if (!block) return;
  const data = JSON.parse(block.textContent ?? '{}') as ReportData;
  const dash = doc.getElementById('esdlab-dashboard');
  if (dash && data.dashboard.length) {
    await mountDashboard(dash, data.dashboard, {
      summary: data.summary,
      onPick: (i) => {
        const sec = doc.getElementById(`esdlab-layer-${i}`);
        if (sec) { sec.scrollIntoView({ behavior: 'auto', block: 'start' }); void mountLayer(doc, data, i); }
      },
    });
  }
  const hosts = Array.from(doc.querySelectorAll<HTMLElement>('[data-esdlab-explorer]'));
  if (typeof IntersectionObserver === 'undefined') {
    for (const h of hosts) await mountLayer(doc, data, Number(h.dataset.esdlabExplorer));
    return;
  }
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) { io.unobserve(e.target); void mountLayer(doc, data, Number((e.target as HTMLElement).dataset.esdlabExplorer)); }
    }
  }, { rootMargin: '400px' });
  for (const h of hosts) io.observe(h);
}

/**
 * Embeds any vega-lite spec (e.g. the kernel-free `vega`-mode explorer spec) with the CSP-safe
 * interpreter; resolves to the vega View.
 */
export async function embedSpec(host: HTMLElement, spec: object, options: { interpreter?: boolean } = {}): Promise<unknown> {
  // interpreter: false = vega's own compiled expressions (needs eval; what JupyterLab's renderer does)
  const csp = options.interpreter !== false;
  const r = await embed(host, spec as never, csp ? { actions: false, ast: true, expr: expressionInterpreter, renderer: 'svg' } : { actions: false, renderer: 'svg' });
  return r.view;
}

export { mountExplorer, mountDashboard, mountComparison, coreRefit, MODULE_VERSION as version };
