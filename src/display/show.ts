/**
 * `show(spec, text)`: displays a vega-lite chart in a notebook as one output carrying the vega-lite
 * spec, an SVG rendering of it (for nbconvert, GitHub, nbviewer; when the optional `vega` packages are
 * installed) and a plain-text summary. Node-only (the SVG is rendered in the kernel).
 * @packageDocumentation
 */
import type { JsonObject } from '../kernel/protocol';
import type { VegaLiteSpec } from '../viz/types';
import { renderSvg } from '../widgets/staticSvg';
import { display } from './display';

/** Displays `spec` (vega-lite v5) with an SVG fallback and `text` as its plain-text form (resolves to nothing, so a notebook cell ending in `await show(…)` prints no value). */
export async function show(spec: VegaLiteSpec, text = 'chart'): Promise<void> {
  const svg = await renderSvg(spec);
  display({ vegaLite: spec as JsonObject, svg: svg ?? undefined, text });
}
