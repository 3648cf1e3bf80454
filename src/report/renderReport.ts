/**
 * The self-contained offline HTML report: summary, a dashboard of per-layer α coloured by phase,
 * the layer table, and each layer's ESD explorer (log-log ESD with the fit, MP bulk, spikes, xmin /
 * xmax sliders refitting with esdlab's core in the page). vega, vega-lite, vega-embed and the core
 * are inlined: the file needs no server and no network (a Content-Security-Policy forbids any).
 * Every name and text from the model is escaped; no model content is ever executed.
 *
 * ```ts
 * import { renderReportHtml } from 'esdlab';
 * fs.writeFileSync('report.html', renderReportHtml({ title: 'my model', layers: rows, summary, esds }));
 * ```
 * Node-only (reads the viewer bundle from disk).
 * @packageDocumentation
 */
import { escapeHtml, jsonForScript, scriptSafe } from './html';
import { dashboardRows, explorerDataOf, phaseOf, validateReportInput, type ReportInput, type ReportLayerRow } from './reportModel';
import { loadViewerScript, VIEWER_GLOBAL } from './viewerAsset';

/** Options of {@link renderReportHtml}. */
export interface ReportOptions {
  /** The viewer JavaScript to inline (default: {@link loadViewerScript}). */
  viewerScript?: string;
  /** Rebuild the viewer from source instead of using the built bundle (development). */
  rebuildViewer?: boolean;
}

/** Content-Security-Policy of the report: inline code only, no network, no eval. */
export const REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:";

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px}h3{font-size:15px;margin:0 0 6px;font-family:ui-monospace,Menlo,Consolas,monospace}
.src{color:#555;margin:0 0 12px}
table{border-collapse:collapse;font-size:12.5px}th,td{padding:3px 8px;border-bottom:1px solid #e3e3e3;text-align:right}
th{background:#f5f5f5;position:sticky;top:0}td.name,th.name,td.phase{text-align:left;font-family:ui-monospace,Menlo,Consolas,monospace}
.layers-wrap{max-height:480px;overflow:auto;border:1px solid #ddd}
section.layer{border-top:1px solid #ddd;padding:14px 0}
.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px;vertical-align:middle}
.explorer{min-height:120px}.muted{color:#777}
`;

const COLUMNS: { key: string; title: string; digits?: number }[] = [
  { key: 'type', title: 'type' }, { key: 'N', title: 'N' }, { key: 'M', title: 'M' },
  { key: 'alpha', title: 'α', digits: 4 }, { key: 'sigma', title: 'σ(α)', digits: 3 }, { key: 'D', title: 'D', digits: 4 },
  { key: 'xmin', title: 'xmin', digits: 4 }, { key: 'xmax', title: 'xmax', digits: 4 }, { key: 'num_pl_spikes', title: 'n_tail' },
];

function cell(v: unknown, digits?: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? (digits ? Number(v.toPrecision(digits)).toString() : String(v)) : '';
  return escapeHtml(v);
}

function rowHtml(r: ReportLayerRow, i: number, hasExplorer: boolean): string {
  const ph = phaseOf(r);
  const nTail = r.num_pl_spikes ?? r.nTail;
  const value = (k: string): unknown => (k === 'num_pl_spikes' ? nTail : k === 'type' ? r.type ?? r.layer_type : r[k]);
  const tds = COLUMNS.map((c) => `<td>${cell(value(c.key), c.digits)}</td>`).join('');
  const name = hasExplorer ? `<a href="#esdlab-layer-${i}">${escapeHtml(r.name)}</a>` : escapeHtml(r.name);
  const status = r.status && r.status !== 'success' ? `${escapeHtml(r.status)}${r.reason ? `: ${escapeHtml(r.reason)}` : ''}` : escapeHtml(r.warning ?? '');
  return `<tr><td>${i}</td><td class="name">${name}</td>${tds}<td class="phase">${ph ? escapeHtml(ph.phase + (ph.subclass ? ` (${ph.subclass})` : '')) : ''}</td><td class="name">${status}</td></tr>`;
}

/**
 * Renders the report as one HTML string.
 * @param input - layer rows (WeightWatcher-style columns), summary, eigenvalues per layer, title.
 * @throws EsdlabError on malformed input (not an array of rows, non-finite eigenvalues, …).
 */
export function renderReportHtml(input: ReportInput, options: ReportOptions = {}): string {
  validateReportInput(input);
  const title = input.title ?? 'esdlab report';
  const explorers = input.layers.map((_, i) => explorerDataOf(input, i));
  const summary = input.summary ?? null;
  const summaryLine = summary ? Object.keys(summary).slice(0, 6).map((k) => `${k} = ${typeof summary[k] === 'number' ? Number((summary[k] as number).toPrecision(4)) : String(summary[k])}`).join(', ') : '';
  const data = { dashboard: dashboardRows(input), summary: summaryLine, explorers };
  const script = options.viewerScript ?? loadViewerScript({ rebuild: options.rebuildViewer });

  const parts: string[] = [];
  parts.push('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">');
  parts.push(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`);
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push(`<meta name="generator" content="esdlab">\n<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>`);
  parts.push(`<h1>${escapeHtml(title)}</h1>`);
  const src: string[] = [];
  if (input.source) src.push(`model: ${escapeHtml(input.source)}`);
  src.push(`${input.layers.length} layers`);
  if (input.generated) src.push(escapeHtml(input.generated));
  parts.push(`<p class="src">${src.join(' · ')}</p>`);
  if (summary) {
    parts.push('<h2>Summary</h2><table class="summary"><tbody>');
    for (const k of Object.keys(summary)) parts.push(`<tr><th class="name">${escapeHtml(k)}</th><td>${cell(summary[k], 5)}</td></tr>`);
    parts.push('</tbody></table>');
  }
  parts.push('<h2>Layers</h2><div id="esdlab-dashboard" class="dashboard"></div>');
  parts.push('<noscript><p class="muted">Charts need JavaScript; the tables below are complete without it.</p></noscript>');
  parts.push('<div class="layers-wrap"><table class="layers"><thead><tr><th>#</th><th class="name">layer</th>');
  parts.push(COLUMNS.map((c) => `<th>${escapeHtml(c.title)}</th>`).join(''));
  parts.push('<th class="name">phase</th><th class="name">status</th></tr></thead><tbody>');
  input.layers.forEach((r, i) => parts.push(rowHtml(r, i, explorers[i] !== null)));
  parts.push('</tbody></table></div>');
  parts.push('<h2>Per-layer spectra</h2>');
  input.layers.forEach((r, i) => {
    if (!explorers[i]) return;
    const ph = phaseOf(r);
    parts.push(`<section class="layer" id="esdlab-layer-${i}"><h3>${escapeHtml(r.name)}</h3>`);
    if (ph?.summary) parts.push(`<p class="muted">${escapeHtml(ph.summary)}</p>`);
    parts.push(`<div class="explorer" id="esdlab-explorer-${i}" data-esdlab-explorer="${i}"><span class="muted">loading the explorer…</span></div></section>`);
  });
  parts.push(`<script type="application/json" id="esdlab-report-data">${jsonForScript(data)}</script>`);
  parts.push(`<script>${scriptSafe(script)}</script>`);
  parts.push(`<script>${VIEWER_GLOBAL}.boot(document);</script>`);
  parts.push('</body></html>\n');
  return parts.join('\n');
}
