/**
 * esdlab: spectral diagnostics of neural-network weights.
 * The public API: the pure core plus the Node-only parts (loaders, engine, kernel, CLI helpers).
 * @packageDocumentation
 */
export * from './core';
export * from './viz';
export * from './kernel/protocol';
export * from './kernel/buffers';
export * from './kernel/widgetModel';
export * from './display/display';
export * from './display/progress';
export * from './report';
export * from './io/npy';
