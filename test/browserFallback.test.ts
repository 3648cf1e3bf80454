/**
 * The kernel-free fallback in headless Chromium: the `vega`-mode explorer spec (what the display
 * bundle carries as application/vnd.vegalite.v5+json, rendered by any vega-lite v5 renderer) embedded
 * with vega-embed under a no-eval, no-network CSP. Moving its own log10-xmin slider recomputes the
 * closed-form fit in the chart; the drawn α and D equal closedFormFit at that xmin.
 * Screenshot: artifacts/fallback-explorer.png.
 */
import * as path from 'path';
import { esdExplorerSpec, closedFormFit } from '../src/viz';
import { loadViewerScript } from '../src/report';
import { artifactsDir, describeWithChromium, heavyTailedEigenvalues, launchChromium, viewerPage } from './browserHarness';

describeWithChromium('kernel-free vega-lite fallback in Chromium', () => {
  let browser: import('playwright-core').Browser;
  beforeAll(async () => { browser = await launchChromium(); }, 60000);
  afterAll(async () => { if (browser) await browser.close(); });

  test('the spec\'s own slider refits α and D in the browser', async () => {
    const ev = heavyTailedEigenvalues(1500, 1.7, 9);
    const spec = esdExplorerSpec({ name: 'fallback <layer>', eigenvalues: ev, mp: { sigma2: 0.05, Q: 2 }, phase: { phase: 'heavy-tailed' } }, { interactive: 'vega' });
    const file = viewerPage('fallback-test.html', loadViewerScript({ rebuild: true }), spec,
      "window.__view = null; esdlabViewer.embedSpec(document.getElementById('host'), JSON.parse(document.getElementById('data').textContent)).then(function (v) { window.__view = v; });");
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => !!(window as unknown as { __view: unknown }).__view);
    const chartText = async (): Promise<string> => page.locator('#host svg').innerHTML();
    const first = await chartText();
    const start = closedFormFit(ev, (spec.usermeta as { esdlab: { start: { xmin: number } } }).esdlab.start.xmin, null);
    expect(first).toContain(`α = ${(start.alpha as number).toFixed(3)}`);

    // move the bound range input as a user would (set + input event) to log10 xmin = log10(0.12)
    const slider = page.locator('input[type="range"][name="lxmin"]');
    await slider.waitFor();
    const target = Math.log10(0.12);
    await slider.evaluate((el, v) => { (el as HTMLInputElement).value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, target);
    const used = Number(await slider.inputValue());
    const xmin = Math.pow(10, used);
    const ref = closedFormFit(ev, xmin, null);
    await page.waitForFunction((s) => document.querySelector('#host svg')!.innerHTML.includes(s), `α = ${(ref.alpha as number).toFixed(3)}`);
    const after = await chartText();
    expect(after).toContain(`D = ${(ref.D as number).toFixed(4)}`);
    expect(after).toContain(`n_tail = ${ref.nTail}`);
    expect(after).toContain('fallback &lt;layer&gt;');
    await page.screenshot({ path: path.join(artifactsDir(), 'fallback-explorer.png') });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 120000);
});
