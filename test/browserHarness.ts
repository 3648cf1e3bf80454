/**
 * Shared helpers of the browser tests: Debian's chromium through playwright-core (never a downloaded
 * browser), a skip rule (tests skip with a message when chromium is absent, and fail when CI=true),
 * seeded heavy-tailed eigenvalues, and the artifacts/ folder for screenshots.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Candidate chromium binaries (ESDLAB_CHROMIUM overrides). */
export function chromiumPath(): string | null {
  for (const p of [process.env.ESDLAB_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && fs.existsSync(p)) return p;
  }
  return null;
}

/** `describe` or `describe.skip` (with a console note) depending on chromium; throws under CI=true. */
export function describeWithChromium(name: string, fn: () => void): void {
  const exe = chromiumPath();
  if (!exe) {
    if (process.env.CI === 'true') throw new Error('browser tests: chromium not found (run scripts/setup.d/20-chromium.sh)');
    // eslint-disable-next-line no-console
    console.warn(`skipping "${name}": chromium not found (run scripts/setup.d/20-chromium.sh)`);
    describe.skip(name, fn);
    return;
  }
  describe(name, fn);
}

/** Launches headless chromium with the project's flags. */
export async function launchChromium(): Promise<import('playwright-core').Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath() as string,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** The repo's artifacts/ folder (git-ignored), created on demand. */
export function artifactsDir(): string {
  const d = path.join(__dirname, '..', 'artifacts');
  fs.mkdirSync(d, { recursive: true });
  return d;
}

/**
 * Seeded Pareto-like eigenvalues with tail exponent `a` (p(x) ∝ x^−(a+1)), through a Lehmer
 * generator that is independent of the code under test.
 */
export function heavyTailedEigenvalues(n: number, a: number, seed: number): number[] {
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; out.push(0.05 * Math.pow(1 - s / 2147483647, -1 / a)); }
  return out.sort((x, y) => x - y);
}

/**
 * A self-contained HTML page with the viewer bundle inlined, a JSON data block and a boot script
 * (same CSP as the report: inline code only, no network, no eval). Written under artifacts/.
 */
export function viewerPage(file: string, viewerJs: string, data: unknown, bootJs: string): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { jsonForScript, scriptSafe, REPORT_CSP, escapeHtml } = require('../src/report');
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}"></head>` +
    `<body><div id="host"></div><script type="application/json" id="data">${jsonForScript(data)}</script>` +
    `<script>${scriptSafe(viewerJs)}</script><script>${scriptSafe(bootJs)}</script></body></html>`;
  const p = path.join(artifactsDir(), file);
  fs.writeFileSync(p, html);
  return p;
}
