/**
 * The pluggable spectrum engine. The core ships a pure-TypeScript backend (always available, used
 * in the browser and for tiny matrices); Node code may register a faster one (WebAssembly SIMD,
 * worker threads) with {@link setSpectrumBackend}. `esd()` always goes through {@link getSpectrumBackend}.
 */
import type { NumericArray } from './matrix';

/** Computes all eigenvalues of WᵀW (M×M, M = cols) for a row-major rows×cols W, rows ≥ cols. */
export interface SpectrumBackend {
  /** Short name recorded in results, e.g. `ts` or `wasm-simd`. */
  readonly name: string;
  /**
   * All M eigenvalues of WᵀW (not divided by N), ascending, float64-accumulated.
   * `data` is row-major `rows × cols` with rows ≥ cols; the backend must not modify it.
   */
  gramEigenvalues(data: NumericArray, rows: number, cols: number): Float64Array;
  /**
   * True when the backend itself throws an `EsdlabError` with code `NON_FINITE` for any NaN/±Inf in
   * `data`. `esd()` then skips its own scan of W before the call, and scans only after such an error,
   * to name the offending element.
   */
  readonly checksFinite?: boolean;
}

let fallback: SpectrumBackend | null = null;
let current: SpectrumBackend | null = null;

/** Registers the pure-TypeScript backend (done once by the core's eigen module). @internal */
export function registerFallbackBackend(b: SpectrumBackend): void {
  fallback = b;
}

/** Installs a spectrum backend for all later `esd()` calls; `null` restores the pure-TypeScript one. */
export function setSpectrumBackend(b: SpectrumBackend | null): void {
  current = b;
}

/** The backend `esd()` uses now. */
export function getSpectrumBackend(): SpectrumBackend {
  const b = current ?? fallback;
  if (!b) throw new Error('esdlab: no spectrum backend registered');
  return b;
}
