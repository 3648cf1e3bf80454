// Source of notebooks/07-widget-tour.ipynb (built by scripts/build-notebooks.js).
// %% [markdown]
// # 7. A tour of the widgets on the embedded default model
//
// Run this notebook in JupyterLab with the **TypeScript (esdlab)** kernel (`bash setup.sh --test`
// installs JupyterLab, the widget extension and the kernel into `.venv`). Each widget output also
// carries a vega-lite chart with its own sliders, an SVG and a text line, so the notebook still shows
// something useful on GitHub, in nbviewer or in VS Code.
//
// 1. `analyze()` the default model with a progress line, then the **model dashboard**: α per layer,
//    coloured by phase; click a bar to open that layer.
// 2. The **ESD explorer** of one layer: drag the xmin/xmax sliders and α, D and the phase are refitted
//    in the browser with esdlab's own code; the bounds go back to the kernel (`w.get('xmin')`,
//    `w.get('fit')`), which answers with the exact fit.
// 3. The **model comparison**: summary metrics against accuracy with a fitted line.
// 4. The same views as a self-contained offline HTML report.
// %%
import {
  analyze, defaultModelPath, fitPowerLaw, explore, DashboardWidget, ComparisonWidget, renderReportHtml,
} from 'esdlab';
import * as fs from 'fs';
import * as path from 'path';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error('CHECK FAILED: ' + what);
  console.log('✓ ' + what);
}
// %% [markdown]
// ## 1. Analyze the default model, then the dashboard
// %%
const result = await analyze(defaultModelPath(), { keepEigenvalues: true });
const analyzed = result.layers.filter((r) => r.status === 'success');
console.log(`${result.layers.length} rows, ${analyzed.length} analyzed; mean α = ${(result.summary.alpha as number).toFixed(3)}`);
const dash = new DashboardWidget({ title: 'FaceRes (default model)', layers: result.layers, summary: result.summary as any, esds: result.layers.map((r) => (r.eigenvalues as number[] | undefined) ?? null) });
dash.show();
check(dash.getState().layers.length === result.layers.length, `the dashboard shows all ${result.layers.length} layers`);
check(analyzed.every((r) => typeof r.phase === 'string'), 'every analyzed layer has a phase');
// %% [markdown]
// ## 2. The ESD explorer of the largest layer
// %%
const big = analyzed.reduce((a, b) => ((b.M as number) > (a.M as number) ? b : a));
const w = await explore({ eigenvalues: big.eigenvalues as number[], N: big.N as number, M: big.M as number, name: String(big.name) });
console.log(w.text());
// %% [markdown]
// Setting the bounds from code does what dragging the slider does: the kernel refits and the view
// follows. Here xmin moves to the 10th largest eigenvalue.
// %%
const ev = w.values;
const xmin = ev[ev.length - 10];
const f = w.refit(xmin, null);
const direct = fitPowerLaw(ev, { xmin });
console.log(`xmin = ${xmin.toPrecision(4)}: α = ${f.alpha.toFixed(4)}, D = ${f.D.toFixed(4)}, nTail = ${f.nTail}`);
check(w.get('xmin') === xmin && w.get('fit')!.alpha === direct.alpha, 'the widget model holds the new xmin and the exact core fit for it');
check(w.get('fit')!.nTail === 10, 'the refitted tail has the 10 largest eigenvalues');
// %% [markdown]
// ## 3. Model comparison: the blog's VGG series
// Published values (Martin & Mahoney 2019, *Heavy-Tailed Universality Predicts Trends in Test
// Accuracies…*, table of VGG models): ImageNet top-1 accuracy and the weighted average α̂. The widget
// fits a line; the post calls the relation "near perfect".
// %%
const vgg: [string, number, number][] = [
  ['vgg11', 68.97, 1.84], ['vgg11_bn', 70.45, 1.60], ['vgg13', 69.66, 1.65], ['vgg13_bn', 71.51, 1.36],
  ['vgg16', 71.64, 1.41], ['vgg16_bn', 73.52, 1.08], ['vgg19', 72.08, 1.16], ['vgg19_bn', 74.27, 0.81],
];
const cmp = new ComparisonWidget(vgg.map(([name, accuracy, alpha_weighted]) => ({ name, accuracy, metrics: { alpha_weighted } })), { metric: 'alpha_weighted', title: 'VGG: top-1 vs α̂ (published)', accuracyLabel: 'top-1 %' });
cmp.show();
const line = cmp.line()!;
console.log(`fitted line: top-1 = ${line.slope.toFixed(3)}·α̂ + ${line.intercept.toFixed(3)}, R² = ${(line.r2 ?? 0).toFixed(3)}`);
check(line.slope < 0 && (line.r2 ?? 0) > 0.9, `accuracy falls linearly with α̂ (slope ${line.slope.toFixed(2)}, R² ${(line.r2 ?? 0).toFixed(3)} > 0.9)`);
// %% [markdown]
// ## 4. The offline HTML report
// The same report `npx esdlab analyze --html report.html` writes: the layer table and each layer's
// explorer, with vega inlined — it opens without a network or a kernel.
// %%
const html = renderReportHtml({ title: 'FaceRes (default model)', source: 'default model', layers: result.layers as any, summary: result.summary as any, esds: result.layers.map((r) => (r.eigenvalues as number[] | undefined) ?? null) });
const out = path.resolve('..', 'artifacts', 'notebooks', 'faceres-report.html');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, html);
console.log(`wrote ${out} (${(html.length / 1024).toFixed(0)} KiB)`);
check(html.includes('conv_pw_13') && !/<script[^>]+src=["']https?:/.test(html), 'the report names the layers and loads no script from the network');
