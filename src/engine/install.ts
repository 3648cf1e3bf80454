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

// One default engine per process, shared by every copy of this module (jest gives each test file
// its own module registry; without this each would start its own threads and memory).
const SHARED = Symbol.for('esdlab.spectrum.defaultWasmBackend');

let installed: WasmSpectrumBackend | null = null;

/**
 * Creates the WebAssembly backend and makes `esd()` use it. Replaces (and disposes) a backend this
 * function installed before; the process-wide default is left running for other importers. Returns
 * `null`, leaving the current backend, when the runtime cannot run it. Worker threads start only
 * when the first large matrix arrives.
 */
export function installWasmSpectrumBackend(options: WasmSpectrumOptions = {}): WasmSpectrumBackend | null {
  if (!wasmSpectrumSupported()) return null;
  const b = createWasmSpectrumBackend(options);
  // dispose the previous one unless it is the process-wide default (other imports may use it)
  if (installed && installed !== (globalThis as unknown as Record<symbol, unknown>)[SHARED]) installed.dispose();
  installed = b;
  setSpectrumBackend(b);
  return b;
}

/** The backend installed by {@link installWasmSpectrumBackend} or on import, if any. */
export function installedWasmSpectrumBackend(): WasmSpectrumBackend | null {
  return installed;
}

/**
 * Called on import of the Node entry point: installs the WebAssembly backend unless
 * `ESDLAB_SPECTRUM_BACKEND=ts`. The default engine is created once per process and reused by later
 * imports. Never throws (falls back to the pure-TypeScript backend).
 */
export function installDefaultSpectrumBackend(): void {
  const want = process.env.ESDLAB_SPECTRUM_BACKEND;
  if (want === 'ts') return;
  try {
    const g = globalThis as unknown as Record<symbol, WasmSpectrumBackend | undefined>;
    let b = g[SHARED];
    if (!b || b.info().disposed) {
      if (!wasmSpectrumSupported()) return;
      b = createWasmSpectrumBackend();
      g[SHARED] = b;
    }
    installed = b;
    setSpectrumBackend(b);
  } catch {
    /* keep the pure-TypeScript backend */
  }
}
