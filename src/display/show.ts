/**
 * `show(spec, text)`: displays a vega-lite chart in a notebook as one output carrying the vega-lite
 * spec, an SVG rendering of it (for nbconvert, GitHub, nbviewer; when the optional `vega` packages are
 * installed) and a plain-text summary. Node-only (the SVG is rendered in the kernel).
 * @packageDocumentation
 */
import type { JsonObject } from '../kernel/protocol';
import type { VegaLiteSpec } from '../viz/types';
import { renderSvg } from '../widgets/staticSvg';
import { display, type DisplayResult } from './display';

/** Displays `spec` (vega-lite v5) with an SVG fallback and `text` as its plain-text form. */
export async function show(spec: VegaLiteSpec, text = 'chart'): Promise<DisplayResult> {
  const svg = await renderSvg(spec);
  return display({ vegaLite: spec as JsonObject, svg: svg ?? undefined, text });
}
