/**
 * bench/refit: latency of the ESD explorer's slider refit in headless Chromium (Debian's, via
 * playwright-core) for n = 1000, 4096, 15000 eigenvalues. Goal: < 16 ms (one frame) at n = 4096.
 *
 * Run (from the repository root; needs /usr/bin/chromium, see scripts/setup.d/20-chromium.sh):
 *   npx esbuild bench/refit.ts --bundle --platform=node --outfile=node_modules/.cache/esdlab-bench-refit.js \
 *     --external:playwright-core --external:esbuild && node node_modules/.cache/esdlab-bench-refit.js
 * Options: `--sizes 1000,4096,15000` (default), `--moves 40` (slider positions per size),
 * `--vega-eval` (run the vega-params fallback with vega's compiled expressions, as JupyterLab's own
 * renderer does, instead of the CSP-safe interpreter), `--renderer svg|canvas` (explorer chart).
 *
 * Columns, all measured in this run on the same data and the same xmin positions (medians, p95):
 *  - core: esdlab's fitPowerLaw at a fixed xmin in the page (what every slider move runs), no xmax;
 *  - core+xmax: the same with a truncating xmax (exact truncated MLE, numeric);
 *  - move: a whole slider move in the explorer (core refit + phase re-classification with N = 2n,
 *    M = n + stats panel + vega chart redraw);
 *  - vega-params: the kernel-free fallback (closed-form refit as vega transforms in the chart);
 *  - powerlaw: the reference tool, powerlaw 1.5 `Fit(data, xmin=x)` in Python
 *    ($ESDLAB_REF_PYTHON or /work/refvenv/bin/python; skipped with a note if absent).
 * Data: seeded spectrum-like values (a Marchenko–Pastur-like bulk of 60 % and a Pareto tail with
 * density exponent 2.5), written to a temp file both sides read.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRng } from '../src/core/rng';
import { fitPowerLaw } from '../src/core/powerlaw';
import { esdExplorerSpec } from '../src/viz/esdSpec';
import { jsonForScript, scriptSafe } from '../src/report/html';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

function spectrum(n: number, seed: number): number[] {
  const r = createRng(seed);
  const out: number[] = [];
  const nBulk = Math.floor(0.6 * n);
  for (let i = 0; i < n; i++) {
    if (i < nBulk) { const u = r.next(); out.push(0.2 + 1.6 * Math.sin((Math.PI * u) / 2) ** 2); } // bulk on [0.2, 1.8]
    else out.push(1.8 * Math.pow(1 - r.next(), -1 / 1.5));
  }
  return out.sort((a, b) => a - b);
}

const stats = (xs: number[]): { min: number; med: number; p95: number } => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], med: s[Math.floor((s.length - 1) / 2)], p95: s[Math.min(s.length - 1, Math.ceil(0.95 * (s.length - 1)))] };
};

function pythonReference(py: string, file: string, xmins: number[]): number[] | null {
  const code = [
    'import sys, json, time, warnings', 'warnings.filterwarnings("ignore")', 'import numpy as np, powerlaw',
    'data = np.loadtxt(sys.argv[1]); xs = json.loads(sys.argv[2]); out = []',
    'powerlaw.Fit(data, xmin=xs[0], verbose=False).alpha',
    'for x in xs:', '    t = time.perf_counter(); f = powerlaw.Fit(data, xmin=x, verbose=False); f.alpha; f.D; out.append((time.perf_counter() - t) * 1000)',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync(py, ['-c', code, file, JSON.stringify(xmins)], { encoding: 'utf8', timeout: 600000 });
  if (r.status !== 0) { console.error(`[refit] python reference failed: ${r.stderr.slice(-400)}`); return null; }
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

async function main(): Promise<void> {
  const sizes = arg('sizes', '1000,4096,15000').split(',').map(Number);
  const moves = Number(arg('moves', '40'));
  const exe = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  if (!exe) { console.error('bench/refit: no chromium (run scripts/setup.d/20-chromium.sh)'); process.exit(2); }
  const py = [process.env.ESDLAB_REF_PYTHON, '/work/refvenv/bin/python'].find((p) => p && fs.existsSync(p));
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const esbuild = require('esbuild');
  const viewer: string = esbuild.buildSync({
    entryPoints: [path.join(process.cwd(), 'widgets', 'src', 'standalone.ts')], bundle: true, format: 'iife', globalName: 'esdlabViewer',
    platform: 'browser', target: 'es2019', minify: true, write: false, logLevel: 'silent', nodePaths: [path.join(process.cwd(), 'node_modules')],
  }).outputFiles[0].text;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-refit-'));
  const rows: string[] = [];
  try {
    for (const n of sizes) {
      const ev = spectrum(n, 7 + n);
      const fit = fitPowerLaw(ev);
      const xmins: number[] = [];
      for (let k = 0; k < moves; k++) xmins.push(ev[Math.floor((0.3 + (0.65 * k) / Math.max(1, moves - 1)) * (n - 1))]);
      const xmaxT = ev[n - 1 - Math.max(2, Math.floor(0.01 * n))];
      const data = { name: `bench n=${n}`, eigenvalues: ev, fit: { alpha: fit.alpha, xmin: fit.xmin, xmax: null, D: fit.D, sigma: fit.sigma, nTail: fit.nTail }, dims: { N: 2 * n, M: n } };
      const vspec = esdExplorerSpec(data, { interactive: 'vega' });
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      const html = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="a"></div><div id="b"></div>` +
        `<script type="application/json" id="d">${jsonForScript({ data, vspec, xmins, xmaxT, renderer: arg('renderer', 'svg'), interpreter: !process.argv.includes('--vega-eval') })}</script><script>${scriptSafe(viewer)}</script></body></html>`;
      const file = path.join(tmp, `p${n}.html`);
      fs.writeFileSync(file, html);
      await page.goto(`file://${file}`);
      const res = await page.evaluate(async () => {
        const V = (window as unknown as { esdlabViewer: any }).esdlabViewer; // eslint-disable-line @typescript-eslint/no-explicit-any
        const D = JSON.parse(document.getElementById('d')!.textContent!);
        const ev: number[] = D.data.eigenvalues;
        const sorted = Float64Array.from(ev);
        const core: number[] = [], coreX: number[] = [], move: number[] = [], vega: number[] = [];
        const h = await V.mountExplorer(document.getElementById('a'), D.data, { renderer: D.renderer });
        const view = await V.embedSpec(document.getElementById('b'), D.vspec, { interpreter: D.interpreter });
        for (let w = 0; w < 5; w++) { V.coreRefit(sorted, D.xmins[w], null); await h.setBounds(D.xmins[w], null); } // warm-up
        const alphas: number[] = [];
        for (const x of D.xmins) {
          let t = performance.now(); const r = V.coreRefit(sorted, x, null); core.push(performance.now() - t); alphas.push(r.fit ? r.fit.alpha : NaN);
          t = performance.now(); V.coreRefit(sorted, x, D.xmaxT); coreX.push(performance.now() - t);
          t = performance.now(); await h.setBounds(x, null); move.push(performance.now() - t);
          t = performance.now(); view.signal('lxmin', Math.log10(x)); await view.runAsync(); vega.push(performance.now() - t);
        }
        return { core, coreX, move, vega, alphas };
      });
      await page.close();
      // the page's refits are the core's numbers
      const check = fitPowerLaw(ev, { xmin: xmins[moves >> 1] }).alpha;
      if (Math.abs(res.alphas[moves >> 1] - check) > 1e-12 * check) throw new Error(`in-page alpha ${res.alphas[moves >> 1]} != Node ${check}`);
      let ref: number[] | null = null;
      if (py) {
        const f = path.join(tmp, `d${n}.txt`);
        fs.writeFileSync(f, ev.map((v) => v.toPrecision(17)).join('\n'));
        ref = pythonReference(py, f, n >= 15000 ? xmins.filter((_, i) => i % 4 === 0) : xmins);
      }
      const c = stats(res.core), cx = stats(res.coreX), m = stats(res.move), v = stats(res.vega);
      const p = ref ? stats(ref) : null;
      const fmt = (x: number): string => x.toFixed(2).padStart(8);
      const f3 = (q: { min: number; med: number; p95: number }): string => `${fmt(q.min)} ${fmt(q.med)} ${fmt(q.p95)}`;
      rows.push(`${String(n).padStart(6)} | ${f3(c)} | ${f3(cx)} | ${f3(m)} | ${f3(v)} | ${p ? f3(p) : '     n/a'.repeat(3)} | ${p ? (c.med / p.med).toFixed(3).padStart(9) : '      n/a'} | ${(m.med / 16).toFixed(2).padStart(7)} ${m.med < 16 ? 'ok' : 'OVER'}`);
      console.error(`[refit] n=${n} done`);
    }
  } finally {
    await browser.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`bench/refit — Chromium ${exe}; ms as min / median / p95 over ${moves} slider positions; powerlaw = Python powerlaw 1.5 Fit(xmin=x)${py ? '' : ' (not found: skipped)'}; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
  console.log('     n |   core: min / med / p95  | core+xmax: min/med/p95  | move (refit+redraw)      | vega-params (fallback)   | powerlaw Fit(xmin)       | core/powerlaw | move/16ms');
  for (const r of rows) console.log(r);
}

main().catch((e) => { console.error(e); process.exit(1); });
