/**
 * The kernel-free viewer bundle (widgets/src/standalone.ts bundled with vega, vega-lite,
 * vega-embed, vega-interpreter and esdlab's core fit) that the HTML report inlines.
 * Built by `npm run build` into dist/viewer/esdlab-viewer.js; from a source checkout it is built on
 * demand with esbuild. Node-only.
 * @packageDocumentation
 */
import * as fs from 'fs';
import * as path from 'path';
import { EsdlabError } from '../core/errors';

/** The bundle's global name in the page. */
export const VIEWER_GLOBAL = 'esdlabViewer';

let cached: string | null = null;

/** The esdlab package root (the nearest ancestor of this file with an esdlab package.json). */
export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'package.json');
    try {
      if (fs.existsSync(p) && JSON.parse(fs.readFileSync(p, 'utf8')).name === 'esdlab') return dir;
    } catch { /* keep walking */ }
    dir = path.dirname(dir);
  }
  throw new EsdlabError('NOT_FOUND', `cannot find the esdlab package root above ${__dirname}`);
}

/** Where `npm run build` writes the bundle. */
export function builtViewerPath(): string {
  return path.join(packageRoot(), 'dist', 'viewer', 'esdlab-viewer.js');
}

/** Bundles widgets/src/standalone.ts with esbuild (a dev dependency) and returns the JavaScript. */
export function buildViewerScript(): string {
  const root = packageRoot();
  const entry = path.join(root, 'widgets', 'src', 'standalone.ts');
  if (!fs.existsSync(entry)) throw new EsdlabError('NOT_FOUND', 'viewer source widgets/src/standalone.ts not found and no built bundle', { file: entry });
  let esbuild: { buildSync(o: object): { outputFiles?: { text: string }[] } };
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    esbuild = require('esbuild');
  } catch {
    throw new EsdlabError('NOT_FOUND', 'the viewer bundle is not built and esbuild is not installed: run `npm run build` in the esdlab package', { file: builtViewerPath() });
  }
  const out = esbuild.buildSync({
    entryPoints: [entry], bundle: true, format: 'iife', globalName: VIEWER_GLOBAL, platform: 'browser',
    target: 'es2019', minify: true, write: false, legalComments: 'none', logLevel: 'silent',
    absWorkingDir: root, nodePaths: [path.join(root, 'node_modules')],
  });
  const text = out.outputFiles?.[0]?.text;
  if (!text) throw new EsdlabError('INTERNAL', 'esbuild produced no viewer bundle');
  return text;
}

/** Writes the bundle to dist/viewer/esdlab-viewer.js (used by `npm run build`); returns its path. */
export function writeViewerBundle(): string {
  const js = buildViewerScript();
  const out = builtViewerPath();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, js);
  return out;
}

/**
 * The viewer JavaScript: the built file if present (unless `rebuild`), else bundled from source.
 * Cached per process.
 */
export function loadViewerScript(options: { rebuild?: boolean } = {}): string {
  if (cached !== null && !options.rebuild) return cached;
  const built = builtViewerPath();
  if (!options.rebuild && fs.existsSync(built)) cached = fs.readFileSync(built, 'utf8');
  else cached = buildViewerScript();
  return cached;
}
