/**
 * esdlab visual specs: pure builders of vega-lite v5 specs (ESD explorer, dashboard, comparison),
 * shared by the JupyterLab widget, the kernel-free fallback and the HTML report.
 * @packageDocumentation
 */
export * from './types';
export * from './phaseStyle';
export * from './closedFormFit';
export * from './esdRows';
export * from './esdSpec';
export * from './dashboardSpec';
export * from './linearFit';
export * from './comparisonSpec';
export * from './charts';
