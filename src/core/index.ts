/**
 * esdlab core: pure TypeScript (no Node or DOM imports). Runs in the kernel, the CLI and the
 * widget's browser code alike.
 * @packageDocumentation
 */
export * from './errors';
export * from './rng';
export * from './matrix';
export * from './spectrumBackend';
export * from './gram';
export * from './eigen';
export * from './layerMatrices';
export * from './esd';
export * from './metrics';
export * from './randomMatrices';
export * from './presets';
export * from './analyzeLayer';
export * from './zeta';
export * from './nelderMead1d';
export * from './powerlaw';
export * from './modelLayers';
export * from './layerFilter';
export * from './analyzeModel';
export * from './fixFingers';
export * from './specialFunctions';
export * from './optimize';
export * from './alternatives';
export * from './compare';
export * from './marchenkoPastur';
export * from './tracyWidom';
export * from './mpFit';
export * from './randomize';
export * from './phaseZoo';
export * from './phases';
export * from './phaseColumns';
export * from './lora';
export * from './alternativesDiscrete';
