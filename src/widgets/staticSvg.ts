/**
 * Renders a vega-lite v5 spec to SVG in Node (for the static `image/svg+xml` fallback of notebook
 * outputs: nbconvert, GitHub). Uses the optional `vega`/`vega-lite` packages when installed, and the
 * CSP-safe expression interpreter; resolves null when they are not available. Node-only.
 * @packageDocumentation
 */
import type { VegaLiteSpec } from '../viz/types';

/** SVG text of `spec`, or null if vega/vega-lite are not installed or rendering fails. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string | null> {
  let vega: any, vl: any, interp: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    /* eslint-disable @typescript-eslint/no-var-requires */
    vega = require('vega');
    vl = require('vega-lite');
    interp = require('vega-interpreter');
    /* eslint-enable @typescript-eslint/no-var-requires */
  } catch {
    return null;
  }
  try {
    const compiled = vl.compile(spec).spec;
    const view = new vega.View(vega.parse(compiled, null, { ast: true }), { renderer: 'none', expr: interp.expressionInterpreter });
    const svg: string = await view.toSVG();
    view.finalize();
    return svg;
  } catch {
    return null;
  }
}
