/**
 * Finds the display sink of the *running* tslab kernel from library code, for displays under stock
 * tslab (no esdlab comm manager).
 *
 * tslab publishes its hooked `require` at `globalThis.__tslab__.require`; `require('tslab')` through
 * it returns the running kernel's public module. Its sibling module `dist/jupyter.js` (already loaded,
 * found in `require.cache`) exports `lastWriteDisplayData(data, update)`, which sends one whole
 * `display_data` content (several MIME types, metadata, transient display id) with the current cell
 * as parent. If that internal is missing (another tslab version), the public
 * `display.raw(mime, value)` (one MIME type per output) is used instead.
 * @packageDocumentation
 */
import * as path from 'path';
import type { JsonObject } from '../kernel/protocol';

/** A display_data content: MIME bundle, metadata and transient display id. */
export interface DisplayContent {
  /** MIME type → value. */
  data: JsonObject;
  /** MIME type → metadata. */
  metadata: JsonObject;
  /** `display_id` for updatable outputs. */
  transient: { display_id?: string };
}

/** How a display reaches stock tslab. */
export interface TslabSink {
  /** `full`: whole bundles via tslab's internal sink; `single`: one MIME type via `display.raw`. */
  kind: 'full' | 'single';
  /** Sends one display (or update). */
  send(content: DisplayContent, update: boolean): void;
}

type RawDisplay = { raw(mime: string, value: unknown): void };

/** Order in which a single-MIME fallback picks the one representation to show. */
export const SINGLE_MIME_PREFERENCE = [
  'application/vnd.vegalite.v5+json', 'text/html', 'image/svg+xml', 'image/png', 'text/markdown', 'text/plain',
];

/** Returns the running tslab's display sink, or null outside tslab. Never throws. */
export function findTslabSink(): TslabSink | null {
  try {
    const t = (globalThis as unknown as { __tslab__?: { require?: (id: string) => unknown } }).__tslab__;
    if (!t || typeof t.require !== 'function') return null;
    const pub = t.require('tslab') as { display?: RawDisplay; newDisplay?: () => RawDisplay } | undefined;
    if (!pub || typeof pub !== 'object') return null;
    let jupyterFile: string | null = null;
    for (const m of Object.values(require.cache)) {
      if (m && m.exports === pub) { jupyterFile = path.join(path.dirname(m.filename), 'jupyter.js'); break; }
    }
    const jupyterMod = jupyterFile ? (require.cache[jupyterFile]?.exports as { lastWriteDisplayData?: unknown } | undefined) : undefined;
    if (jupyterMod && 'lastWriteDisplayData' in jupyterMod) {
      return {
        kind: 'full',
        send(content, update) {
          const sink = jupyterMod.lastWriteDisplayData;
          if (typeof sink === 'function') (sink as (c: DisplayContent, u: boolean) => void)(content, update);
        },
      };
    }
    if (!pub.display || typeof pub.display.raw !== 'function') return null;
    const display = pub.display;
    return {
      kind: 'single',
      send(content) {
        const mime = SINGLE_MIME_PREFERENCE.find((m) => m in content.data) ?? Object.keys(content.data)[0];
        if (mime !== undefined) display.raw(mime, content.data[mime]);
      },
    };
  } catch {
    return null;
  }
}
