/**
 * End to end in a real JupyterLab 4 (the project's .venv: PyPI jupyterlab + jupyterlab_widgets, our
 * labextension installed by scripts/setup.d/30-widgets.sh) with Debian's Chromium: open a notebook,
 * run it with esdlab's kernel, drag the explorer's xmin slider, assert the displayed α is what the
 * core's fitPowerLaw gives at the chosen window, and that the kernel-side model received the bounds
 * and answered with the same fit. Screenshot: artifacts/jupyterlab-explorer.png.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fitPowerLaw } from '../src/core/powerlaw';
import { closedFormFit, esdExplorerSpec } from '../src/viz';
import { EXPLORER_DISPLAY_METADATA } from '../src/widgets';
import { artifactsDir, describeWithChromium, heavyTailedEigenvalues, launchChromium } from './browserHarness';
import { freePorts, notebookDir, requireBuiltKernel, tempKernelspec, venvPython, REPO } from './kernel/harness';

const LABEXT = path.join(REPO, '.venv', 'share', 'jupyter', 'labextensions', 'esdlab-widgets', 'package.json');
const KERNEL_NAME = 'esdlab-labtest';
/** Cells of the notebook in the visible tab (a restored workspace may hold other, hidden notebooks). */
const CELLS = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell';

const CELL1 = [
  "import { EsdExplorerWidget } from 'esdlab';",
  'const ev: number[] = [];',
  'let s = 11;',
  'for (let i = 0; i < 1000; i++) { s = (s * 16807) % 2147483647; ev.push(0.05 * Math.pow(1 - s / 2147483647, -1 / 1.5)); }',
  "const w = new EsdExplorerWidget({ eigenvalues: ev, N: 2000, M: 1000, name: 'fc1 <b>not bold</b>' }, { compare: false });",
  'await w.show({ svg: false });',
].join('\n');
const CELL3 = [
  "import { DashboardWidget } from 'esdlab';",
  "const d = new DashboardWidget({ layers: [{ name: 'fc1', alpha: w.fit!.alpha, phase: 'heavy-tailed' }, { name: 'fc2 <i>x</i>', alpha: 4.2, phase: 'bulk+spikes' }], esds: [ev, ev.slice(0, 500)], summary: { alpha: 3.3 } });",
  'd.show();',
].join('\n');
const CELL4 = [
  "import { ComparisonWidget } from 'esdlab';",
  "new ComparisonWidget([{ name: 'a', accuracy: 70, metrics: { log_norm: 3 } }, { name: 'b', accuracy: 74, metrics: { log_norm: 2 } }, { name: 'c', accuracy: 79, metrics: { log_norm: 1 } }], { metric: 'log_norm' }).show();",
].join('\n');
const CELL2 = "console.log('STATE ' + JSON.stringify({ xmin: w.xmin, xmax: w.xmax, alpha: w.fit ? w.fit.alpha : null, nTail: w.fit ? w.fit.nTail : null, source: w.get('fit_source') }));";

function notebook(): object {
  const cell = (src: string): object => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: src });
  return {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: KERNEL_NAME, display_name: 'TypeScript (esdlab test)', language: 'typescript' }, language_info: { name: 'typescript' } },
    cells: [cell(CELL1), cell(CELL2), cell(CELL3), cell(CELL4)],
  };
}

/**
 * A saved notebook as another machine would send it: untrusted, its output bundle holds a widget
 * view whose model is gone, the kernel-free vega-lite spec and text. JupyterLab must fall back to
 * its own vega renderer, whose sliders refit with no kernel at all.
 */
function staticNotebook(ev: number[]): object {
  const spec = esdExplorerSpec({ name: 'saved <layer>', eigenvalues: ev }, { interactive: 'vega' });
  return {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: KERNEL_NAME, display_name: 'TypeScript (esdlab test)', language: 'typescript' } },
    cells: [{
      id: 'c1', cell_type: 'code', execution_count: 1, metadata: {}, source: 'await w.show();',
      outputs: [{ output_type: 'display_data', metadata: EXPLORER_DISPLAY_METADATA, data: {
        'application/vnd.jupyter.widget-view+json': { version_major: 2, version_minor: 1, model_id: 'f'.repeat(32) },
        'application/vnd.vegalite.v5+json': spec,
        'text/plain': 'ESD explorer (saved)',
      } }],
    }],
  };
}

async function waitHttp(url: string, ms: number, server: ChildProcess, log: () => string): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (server.exitCode !== null) throw new Error(`jupyter lab exited (${server.exitCode}):\n${log()}`);
    try { const r = await fetch(url); if (r.ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`jupyter lab did not answer ${url} within ${ms} ms:\n${log()}`);
}

const haveLab = fs.existsSync(path.join(REPO, '.venv', 'bin', 'jupyter-lab'));
const describeLab = haveLab || process.env.CI === 'true' ? describeWithChromium : (name: string, fn: () => void): void => {
  // eslint-disable-next-line no-console
  console.warn(`skipping "${name}": .venv/bin/jupyter-lab not found (run bash setup.sh --test)`);
  describe.skip(name, fn);
};

describeLab('JupyterLab 4 + esdlab kernel + esdlab-widgets in Chromium', () => {
  let server: ChildProcess | null = null;
  let serverLog = '';
  let browser: import('playwright-core').Browser | null = null;
  let base = '';
  const token = `t${Math.random().toString(36).slice(2)}`;
  const ev = heavyTailedEigenvalues(1000, 1.5, 11);

  beforeAll(async () => {
    if (!venvPython()) throw new Error('.venv missing');
    requireBuiltKernel();
    if (!fs.existsSync(LABEXT)) throw new Error(`${LABEXT} missing: run scripts/setup.d/30-widgets.sh`);
    const { dataDir } = tempKernelspec(KERNEL_NAME);
    const nbDir = notebookDir();
    fs.writeFileSync(path.join(nbDir, 'explorer.ipynb'), JSON.stringify(notebook(), null, 1));
    fs.writeFileSync(path.join(nbDir, 'static.ipynb'), JSON.stringify(staticNotebook(ev), null, 1));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-lab-'));
    const settings = path.join(tmp, 'settings', '@jupyterlab', 'apputils-extension');
    fs.mkdirSync(settings, { recursive: true });
    fs.writeFileSync(path.join(settings, 'notification.jupyterlab-settings'), JSON.stringify({ fetchNews: 'false', checkForUpdates: false }));
    const [port] = await freePorts(1);
    base = `http://127.0.0.1:${port}`;
    server = spawn(path.join(REPO, '.venv', 'bin', 'jupyter-lab'), [
      '--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${nbDir}`, '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
    ], {
      env: { ...process.env, JUPYTER_PATH: dataDir, JUPYTER_CONFIG_DIR: path.join(tmp, 'config'), JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime'), JUPYTERLAB_SETTINGS_DIR: path.join(tmp, 'settings'), JUPYTERLAB_WORKSPACES_DIR: path.join(tmp, 'ws') },
      stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    server.stdout!.on('data', (d) => { serverLog += d; });
    server.stderr!.on('data', (d) => { serverLog += d; });
    await waitHttp(`${base}/api/status?token=${token}`, 60000, server, () => serverLog);
    browser = await launchChromium();
  }, 180000);

  afterAll(async () => {
    if (browser) await browser.close();
    if (server && server.exitCode === null && server.pid) {
      try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
      await new Promise((r) => setTimeout(r, 1500));
      try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    fs.writeFileSync(path.join(artifactsDir(), 'jupyterlab-server.log'), serverLog);
  });

  test('drag xmin in the live widget: α = core fit, kernel model receives the bounds', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    try {
      await page.goto(`${base}/lab/tree/explorer.ipynb?token=${token}`);
      await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 60000 });
      await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 90000 });
      // run cell 1 (retry once if the first keypress came before the notebook was ready)
      await page.waitForTimeout(1500);
      for (let attempt = 0; attempt < 3; attempt++) {
        await page.locator(CELLS).nth(0).click();
        await page.keyboard.press('Shift+Enter');
        const prompt = page.locator(CELLS).nth(0).locator('.jp-InputPrompt');
        const started = await page.waitForFunction((el) => !!el && /\[(\*|\d+)\]/.test(el.textContent ?? ''), await prompt.elementHandle(), { timeout: 15000 }).then(() => true, () => false);
        if (started) break;
      }
      const explorer = page.locator(CELLS).nth(0).locator('.esdlab-widget[data-mounted="1"]');
      await explorer.waitFor({ timeout: 120000 });
      await expect(explorer.locator('.esdlab-name').textContent()).resolves.toBe('fc1 <b>not bold</b>');
      const stats = explorer.locator('.esdlab-stats');
      const alpha0 = Number(await stats.getAttribute('data-alpha'));
      expect(alpha0).toBeCloseTo(fitPowerLaw(ev).alpha, 12);

      // drag the xmin thumb to the left with the mouse
      const slider = explorer.locator('input.esdlab-xmin');
      await slider.scrollIntoViewIfNeeded();
      const box = (await slider.boundingBox())!;
      const v0 = Number(await slider.inputValue());
      const x0 = box.x + 8 + ((box.width - 16) * v0) / 1000;
      const y = box.y + box.height / 2;
      await page.mouse.move(x0, y);
      await page.mouse.down();
      await page.mouse.move(x0 - box.width * 0.2, y, { steps: 6 });
      await page.mouse.up();
      await page.waitForFunction((a) => {
        const s = document.querySelector('.esdlab-widget .esdlab-stats') as HTMLElement | null;
        return !!s && s.dataset.alpha !== '' && Number(s.dataset.alpha) !== a;
      }, alpha0);
      // the kernel's answer (fit_source 'kernel') arrives after the browser refit
      await page.waitForFunction(() => (document.querySelector('.esdlab-widget') as HTMLElement | null)?.dataset.fitSource === 'kernel', undefined, { timeout: 30000 });
      const xmin = Number(await stats.getAttribute('data-xmin'));
      const xmaxAttr = await stats.getAttribute('data-xmax');
      const alpha1 = Number(await stats.getAttribute('data-alpha'));
      const ref = fitPowerLaw(ev, xmaxAttr ? { xmin, xmax: Number(xmaxAttr) } : { xmin });
      expect(ev).toContain(xmin);
      expect(alpha1).toBeCloseTo(ref.alpha, 12);
      await expect(explorer.locator('.esdlab-alpha .esdlab-v').textContent()).resolves.toContain(ref.alpha.toFixed(4));
      await page.screenshot({ path: path.join(artifactsDir(), 'jupyterlab-explorer.png') });

      // ask the kernel what w holds (re-ask a few times: the last slider sync may still be in flight)
      let st: { xmin: number; xmax: number | null; alpha: number; nTail: number; source: string } | null = null;
      for (let attempt = 0; attempt < 6; attempt++) {
        await page.locator(CELLS).nth(1).click();
        await page.keyboard.press('Shift+Enter');
        const out = page.locator(CELLS).nth(1).locator('.jp-OutputArea-output', { hasText: 'STATE ' });
        await out.waitFor({ timeout: 60000 });
        await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 60000 });
        const text = (await out.textContent()) ?? '';
        st = JSON.parse(text.slice(text.indexOf('STATE ') + 6).trim());
        if (st!.xmin === xmin && st!.source === 'kernel') break;
        await page.waitForTimeout(1000);
      }
      if (!st) throw new Error('no STATE output');
      expect(st.xmin).toBe(xmin);
      expect(st.xmax).toBe(xmaxAttr ? Number(xmaxAttr) : null);
      expect(st.alpha).toBeCloseTo(ref.alpha, 12);
      expect(st.nTail).toBe(ref.nTail);
      expect(st.source).toBe('kernel');

      // dashboard: clicking layer 1's bar makes the kernel answer with that layer's explorer
      await page.locator(CELLS).nth(2).click();
      await page.keyboard.press('Shift+Enter');
      const dash = page.locator(CELLS).nth(2).locator('.esdlab-dashboard');
      await dash.waitFor({ timeout: 60000 });
      const bars = dash.locator('g.mark-rect path');
      await bars.nth(1).click();
      const detail = page.locator(CELLS).nth(2).locator('.esdlab-explorer .esdlab-name');
      await detail.waitFor({ timeout: 30000 });
      await expect(detail.textContent()).resolves.toBe('fc2 <i>x</i>');
      await page.screenshot({ path: path.join(artifactsDir(), 'jupyterlab-dashboard.png') });

      // comparison: the chart with its least-squares line (numpy.polyfit: slope −4.5, intercept 83.333, r² 0.996)
      await page.locator(CELLS).nth(3).click();
      await page.keyboard.press('Shift+Enter');
      const cmp = page.locator(CELLS).nth(3).locator('.esdlab-comparison svg');
      await cmp.waitFor({ timeout: 60000 });
      await expect(cmp.textContent()).resolves.toContain('least squares: y = -4.500·x + 83.33, r² = 0.996');
      expect(pageErrors).toEqual([]);
    } catch (e) {
      await page.screenshot({ path: path.join(artifactsDir(), 'jupyterlab-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      await page.close();
    }
  }, 300000);

  test('saved untrusted notebook: JupyterLab renders the vega-lite fallback and its slider refits without a kernel', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
    try {
      await page.goto(`${base}/lab/workspaces/fallback/tree/static.ipynb?token=${token}&reset`);
      const out = page.locator(CELLS).nth(0).locator('.jp-OutputArea-output');
      try {
        await out.locator('svg').first().waitFor({ timeout: 60000 });
      } catch (e) {
        await page.screenshot({ path: path.join(artifactsDir(), 'jupyterlab-fallback-failure.png') });
        throw e;
      }
      // no widget manager model: JupyterLab chose the (safe) vega-lite renderer
      await expect(out.locator('.esdlab-explorer').count()).resolves.toBe(0);
      const slider = out.locator('input[type="range"][name="lxmin"]');
      await slider.waitFor();
      await slider.evaluate((el) => { (el as HTMLInputElement).value = String(Math.log10(0.2)); el.dispatchEvent(new Event('input', { bubbles: true })); });
      const xmin = Math.pow(10, Number(await slider.inputValue()));
      const ref = closedFormFit(ev, xmin, null);
      const want = `α = ${(ref.alpha as number).toFixed(3)}`;
      await page.waitForFunction(([sel, w]) => Array.from(document.querySelectorAll(sel)).some((e) => (e.textContent ?? '').includes(w)), ['.jp-OutputArea-output svg text', want] as [string, string], { timeout: 30000 });
      await page.screenshot({ path: path.join(artifactsDir(), 'jupyterlab-fallback.png') });
    } finally {
      await page.close();
    }
  }, 120000);
});
