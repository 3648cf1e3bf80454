/**
 * The Node-only spectrum engine: WebAssembly SIMD kernels on worker threads behind `esd()`.
 * @packageDocumentation
 */
export * from './wasmSpectrum';
export * from './install';
export * from './spectraOfMany';
