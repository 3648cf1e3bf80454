/**
 * The offline HTML report in headless Chromium (Debian's, via playwright-core), opened from a
 * file:// URL with no server: the explorer mounts, a real mouse drag of the xmin slider refits, the
 * displayed α equals the core's fitPowerLaw at the chosen window, no request leaves the page, no
 * script injected through a layer name runs. Screenshot: artifacts/report-explorer.png.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderReportHtml } from '../src/report';
import { fitPowerLaw } from '../src/core/powerlaw';
import { classifyPhase } from '../src/core/phases';
import { fitMpRobust } from '../src/core/mpFit';
import { artifactsDir, describeWithChromium, heavyTailedEigenvalues, launchChromium } from './browserHarness';

const EVIL = '<img src=x onerror="window.__pwned=1">fc<script>window.__pwned=2</script>';

describeWithChromium('HTML report in Chromium (no server)', () => {
  let browser: import('playwright-core').Browser;
  let file: string;
  const ev0 = heavyTailedEigenvalues(1200, 1.5, 11);
  const ev1 = heavyTailedEigenvalues(800, 2.5, 5);

  beforeAll(async () => {
    const fit0 = fitPowerLaw(ev0);
    const fit1 = fitPowerLaw(ev1);
    const html = renderReportHtml({
      title: 'browser test <report>',
      layers: [
        { name: EVIL, N: 2400, M: 1200, Q: 2, alpha: fit0.alpha, xmin: fit0.xmin, xmax: null, D: fit0.D, sigma: fit0.sigma, num_pl_spikes: fit0.nTail, phase: 'heavy-tailed' },
        { name: 'layer.1', N: 1600, M: 800, Q: 2, alpha: fit1.alpha, xmin: fit1.xmin, xmax: null, D: fit1.D, sigma: fit1.sigma, num_pl_spikes: fit1.nTail },
      ],
      summary: { alpha: (fit0.alpha + fit1.alpha) / 2 },
      esds: [ev0, ev1],
    }, { rebuildViewer: true });
    file = path.join(artifactsDir(), 'report-test.html');
    fs.writeFileSync(file, html);
    browser = await launchChromium();
  }, 120000);

  afterAll(async () => { if (browser) await browser.close(); });

  test('drag xmin: α = core fitPowerLaw at the new window; offline; escaped', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`file://${file}`);
    const host = page.locator('#esdlab-explorer-0');
    await host.scrollIntoViewIfNeeded();
    await page.waitForSelector('#esdlab-explorer-0[data-mounted="1"] svg', { timeout: 30000 });
    const stats = page.locator('#esdlab-explorer-0 .esdlab-stats');
    const alpha0 = Number(await stats.getAttribute('data-alpha'));
    expect(alpha0).toBeCloseTo(fitPowerLaw(ev0).alpha, 12);
    await expect(page.locator('#esdlab-explorer-0 .esdlab-name').textContent()).resolves.toBe(EVIL);

    // a real mouse drag of the xmin thumb towards the left
    const slider = page.locator('#esdlab-explorer-0 input.esdlab-xmin');
    const box = await slider.boundingBox();
    if (!box) throw new Error('no slider box');
    const v0 = Number(await slider.inputValue());
    const x0 = box.x + 8 + ((box.width - 16) * v0) / 1000;
    const y = box.y + box.height / 2;
    await page.mouse.move(x0, y);
    await page.mouse.down();
    await page.mouse.move(x0 - box.width * 0.25, y, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction((a) => {
      const s = document.querySelector('#esdlab-explorer-0 .esdlab-stats') as HTMLElement | null;
      return !!s && s.dataset.alpha !== '' && Number(s.dataset.alpha) !== a;
    }, alpha0);
    const xmin = Number(await stats.getAttribute('data-xmin'));
    const xmaxAttr = await stats.getAttribute('data-xmax');
    const alpha1 = Number(await stats.getAttribute('data-alpha'));
    expect(ev0).toContain(xmin); // snapped to an eigenvalue
    const ref = fitPowerLaw(ev0, xmaxAttr ? { xmin, xmax: Number(xmaxAttr) } : { xmin });
    expect(alpha1).toBeCloseTo(ref.alpha, 12);
    expect(Number(await stats.getAttribute('data-ntail'))).toBe(ref.nTail);
    await expect(page.locator('#esdlab-explorer-0 .esdlab-alpha .esdlab-v').textContent()).resolves.toContain(ref.alpha.toFixed(4));
    // the phase badge follows the window: the core's classifier at the refit (N = 2400, M = 1200)
    const spec = { eigenvalues: Float64Array.from(ev0), N: 2400, M: 1200 };
    const ph = classifyPhase(spec, { powerLaw: { alpha: ref.alpha, xmin: ref.xmin, D: ref.D, nTail: ref.nTail, status: 'success' }, mp: fitMpRobust(spec) });
    await expect(page.locator('#esdlab-explorer-0 .esdlab-badge').textContent()).resolves.toBe(`${ph.phase}${ph.subclass ? ` (${ph.subclass})` : ''}`);
    await expect(page.locator('#esdlab-explorer-0 .esdlab-evidence').textContent()).resolves.toContain(ph.summary);
    // the chart's own text follows the refit
    const svgText = await page.locator('#esdlab-explorer-0 svg').innerHTML();
    expect(svgText).toContain(`α = ${ref.alpha.toFixed(3)}`);
    await page.screenshot({ path: path.join(artifactsDir(), 'report-explorer.png'), fullPage: false });
    // CCDF toggle: the histogram bars give way to CCDF points
    const symbols = page.locator('#esdlab-explorer-0 svg g.mark-symbol path');
    await expect(symbols.count()).resolves.toBe(0);
    await page.locator('#esdlab-explorer-0 input.esdlab-ccdf').check();
    await page.waitForFunction(() => document.querySelectorAll('#esdlab-explorer-0 svg g.mark-symbol path').length > 100);
    await page.locator('#esdlab-explorer-0 input.esdlab-ccdf').uncheck();

    // click layer 1's bar in the dashboard: its explorer opens (scrolled to and mounted)
    await page.evaluate(() => window.scrollTo(0, 0));
    const bars = page.locator('#esdlab-dashboard g.mark-rect path');
    await expect(bars.count()).resolves.toBe(2);
    await bars.nth(1).click();
    await page.waitForSelector('#esdlab-explorer-1[data-mounted="1"] svg', { timeout: 30000 });
    await expect(page.locator('#esdlab-explorer-1 .esdlab-name').textContent()).resolves.toBe('layer.1');

    // the dashboard's metric selector re-plots another column
    const sel = page.locator('#esdlab-dashboard select');
    await expect(sel.locator('option').allTextContents()).resolves.toEqual(expect.arrayContaining(['alpha', 'D', 'sigma', 'N']));
    await sel.selectOption('D');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#esdlab-dashboard svg .role-axis-title text')).some((t) => t.textContent === 'D'));

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 120000);
});
