/**
 * Installs the WebAssembly spectrum engine as the backend of `esd()` when esdlab is imported in
 * Node (`src/index.ts` calls {@link installDefaultSpectrumBackend}). The browser-safe core never
 * imports this file and keeps its pure-TypeScript backend.
 *
 * Env `ESDLAB_SPECTRUM_BACKEND=ts` keeps the pure-TypeScript backend; `ESDLAB_THREADS=n` and
 * `ESDLAB_WASM_FMA=0|1` tune the engine (see {@link WasmSpectrumOptions}).
 */
import { setSpectrumBackend } from '../core/spectrumBackend';
import { createWasmSpectrumBackend, wasmSpectrumSupported, type WasmSpectrumBackend, type WasmSpectrumOptions } from './wasmSpectrum';

let installed: WasmSpectrumBackend | null = null;

/**
 * Creates the WebAssembly backend and makes `esd()` use it. Replaces (and disposes) a backend this
 * function installed before. Returns `null`, leaving the current backend, when the runtime cannot
 * run it. Worker threads start only when the first large matrix arrives.
 */
export function installWasmSpectrumBackend(options: WasmSpectrumOptions = {}): WasmSpectrumBackend | null {
  if (!wasmSpectrumSupported()) return null;
  const b = createWasmSpectrumBackend(options);
  if (installed) installed.dispose();
  installed = b;
  setSpectrumBackend(b);
  return b;
}

/** The backend installed by {@link installWasmSpectrumBackend}, if any. */
export function installedWasmSpectrumBackend(): WasmSpectrumBackend | null {
  return installed;
}

/**
 * Called on import of the Node entry point: installs the WebAssembly backend unless
 * `ESDLAB_SPECTRUM_BACKEND=ts`. Never throws (falls back to the pure-TypeScript backend).
 */
export function installDefaultSpectrumBackend(): void {
  const want = process.env.ESDLAB_SPECTRUM_BACKEND;
  if (want === 'ts') return;
  try {
    installWasmSpectrumBackend();
  } catch {
    /* keep the pure-TypeScript backend */
  }
}
