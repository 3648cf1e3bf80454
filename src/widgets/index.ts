/**
 * Kernel-side widgets (Node): ESD explorer, model dashboard, model comparison. Each displays as a
 * live JupyterLab widget under esdlab's kernel and degrades to vega-lite/SVG/text elsewhere.
 * @packageDocumentation
 */
export * from './moduleSpec';
export * from './staticSvg';
export * from './esdExplorer';
export * from './dashboard';
export * from './comparison';
