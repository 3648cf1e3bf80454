/**
 * The WebAssembly-SIMD spectrum engine (Node only): all eigenvalues of WᵀW at LAPACK-class speed.
 *
 * The kernels are C (`native/spectrum.c`) compiled once by `scripts/build-wasm.sh` into
 * `assets/esdlab-spectrum-simd.wasm` (SIMD128 + threads) and `assets/esdlab-spectrum-fma.wasm`
 * (+ relaxed SIMD, so `f64x2.relaxed_madd` becomes a fused multiply-add). Both ship in the package;
 * a user's `npm install` compiles nothing.
 *
 * Pipeline (float64 throughout; float32 input is promoted while packing, so every product is exact):
 * packed SYRK Gram on all threads → blocked Householder tridiagonalization (LAPACK dsytrd/dlatrd
 * scheme: BLAS-2 symv split over threads, BLAS-3 rank-2·nb update with the Gram's tile kernel) →
 * root-free implicit QL (values only). Threads are `worker_threads` sharing one
 * `WebAssembly.Memory`; the main thread drives them through atomics, so the API stays synchronous.
 *
 * On Linux x86-64 with AVX-512 the BLAS-3 steps (the Gram and the rank-2·nb updates) run instead on
 * a small prebuilt N-API addon (`native/gram_native.c` → `assets/esdlab-gram-linux-x64-avx512.node`,
 * 512-bit FMAs, its own pthreads); see {@link WasmSpectrumOptions.nativeGram}.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { EsdlabError } from '../core/errors';
import type { NumericArray } from '../core/matrix';
import type { SpectrumBackend } from '../core/spectrumBackend';

// The WebAssembly global, typed locally: the project's `lib` (ES2020, no DOM) does not declare it.
interface WasmModule { readonly __wasmModule?: never }
interface WasmMemory { readonly buffer: SharedArrayBuffer; grow(pages: number): number }
interface WasmGlobal { readonly value: number }
interface WasmInstance { readonly exports: Record<string, unknown> }
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (m: WasmModule, imports: { env: { memory: WasmMemory; now: () => number; syr2k: (...a: number[]) => number } }) => WasmInstance;
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Options of {@link createWasmSpectrumBackend}. */
export interface WasmSpectrumOptions {
  /**
   * Threads (main thread included), 1–8. Default: `ESDLAB_THREADS`, else the number of CPUs
   * (capped at 8). Results are bit-identical for any thread count.
   */
  threads?: number;
  /**
   * Fused multiply-add through WebAssembly relaxed SIMD (15–25% faster Gram and tridiagonalization).
   * `'auto'` (default) and `true`: use it whenever the runtime can — Node ≥ 22 has relaxed SIMD on,
   * and on Node 20 V8's `--experimental-wasm-relaxed-simd` is switched on at run time (the plain
   * SIMD build is used if that fails). `false`: never. Env `ESDLAB_WASM_FMA=1|0` overrides `'auto'`.
   * Fused and unfused products round differently, so the two builds differ in the last bits
   * (both are within the accuracy contract); `info().fma` records which one ran.
   */
  fma?: boolean | 'auto';
  /** Panel width nb of the blocked tridiagonalization (default 16: measured faster than 32 at
   * 1024×1024, 0.080 vs 0.102 s median, and level at 2048). */
  panel?: number;
  /** Depth of a packed Gram block (default 256). */
  depth?: number;
  /** Matrices with fewer than this many Gram rows run on one thread (default 128). */
  minParallel?: number;
  /**
   * Run the BLAS-3 work — the Gram matrix and the rank-2k updates of the tridiagonalization — on the
   * native accelerator (`assets/esdlab-gram-linux-x64-{avx512,avx2}.node`: 512-bit fused
   * multiply-adds, ~3.5× the WebAssembly kernels per core; the AVX2 build ~1.7×). `'auto'` (default)
   * and `true`: when the platform is Linux x86-64, the CPU has the build's instructions (avx512f; or
   * avx2 and fma) and the addon loads; otherwise (and with `false`, or env `ESDLAB_NATIVE_GRAM=0`)
   * everything runs in WebAssembly. Used for Gram orders ≥ 64. The symmetric
   * products, the reflectors and QL always run in WebAssembly. Both routes accumulate in float64 and
   * meet the same accuracy contract; they round differently, so `info().nativeGram` records which
   * one ran.
   */
  nativeGram?: boolean | 'auto';
  /**
   * Which native build to use: `'auto'` (default: AVX-512 if the CPU has it, else AVX2), or one of
   * them (used only if the CPU has it). Env `ESDLAB_NATIVE_ISA` sets the default.
   */
  nativeIsa?: NativeIsa | 'auto';
}

/** What a backend instance runs on (recorded by benchmarks). */
export interface WasmSpectrumInfo {
  /**
   * Backend name: `wasm-simd` or `wasm-simd-fma` (fused multiply-adds round differently), with
   * `+avx512` or `+avx2` when the native accelerator does the Gram matrix and the rank-2k updates.
   */
  name: string;
  /** Threads used for large matrices. */
  threads: number;
  /** True when the FMA (relaxed SIMD) build runs. */
  fma: boolean;
  /** True when the Gram matrix and rank-2k updates (order ≥ 64) run on the native accelerator. */
  nativeGram: boolean;
  /** The native accelerator's build in use (`avx512` or `avx2`), or null. */
  nativeIsa: NativeIsa | null;
  /** Panel width of the tridiagonalization. */
  panel: number;
  /** Depth of the Gram blocks. */
  depth: number;
  /** True after `dispose()`. */
  disposed: boolean;
  /** Threads actually running (main + workers that started). */
  startedThreads: number;
  /** Current size of the shared WebAssembly memory, bytes. */
  memoryBytes: number;
  /** Stage times of the last matrix, seconds (Gram, tridiagonalization, QL) and its QL iterations. */
  last: { gram: number; tridiagonal: number; ql: number; qlIterations: number } | null;
  /** Counters since creation: main-thread sleeps and time-outs, worker sleeps, work chunks run by workers. */
  sync: { mainWaits: number; mainTimeouts: number; workerSleeps: number; workerChunks: number };
}

/** A {@link SpectrumBackend} backed by WebAssembly; call `dispose()` to stop its worker threads. */
export interface WasmSpectrumBackend extends SpectrumBackend {
  /** Configuration and memory in use. */
  info(): WasmSpectrumInfo;
  /** Stops the worker threads and releases the shared memory; later calls throw. */
  dispose(): void;
}

let assetDir: string | null = null;
/**
 * Path of a shipped .wasm file: `$ESDLAB_ASSETS_DIR`, else the package's `assets/` found from this
 * file (`src/engine` under ts-jest, `dist/engine` when installed) or, for bundled scripts, from the
 * working directory and its parents.
 */
function assetPath(file: string): string {
  if (assetDir === null) {
    const candidates: string[] = [];
    if (process.env.ESDLAB_ASSETS_DIR) candidates.push(process.env.ESDLAB_ASSETS_DIR);
    candidates.push(path.join(__dirname, '..', '..', 'assets'), path.join(__dirname, '..', 'assets'), path.join(__dirname, 'assets'));
    for (let d = process.cwd(), k = 0; k < 6; k++, d = path.dirname(d)) candidates.push(path.join(d, 'assets'), path.join(d, 'node_modules', 'esdlab', 'assets'));
    assetDir = candidates.find((d) => fs.existsSync(path.join(d, 'esdlab-spectrum-simd.wasm'))) ?? candidates[0];
  }
  return path.join(assetDir, file);
}

/**
 * Compiles the kernels with V8's optimizing compiler from the start. By default V8 first compiles
 * WebAssembly with its baseline compiler and swaps in optimized code only on a function's next call;
 * the engine's long-running loops are called once per matrix, so the first matrix would run on
 * baseline code (measured: the first 1024×4096 spectrum took ~0.1 s longer). The flag is restored
 * right after; if V8 refuses it, the module compiles the default way.
 */
function compileOptimized(bytes: Uint8Array): WasmModule {
  let v8: typeof import('v8') | null = null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    v8 = require('v8') as typeof import('v8');
    v8.setFlagsFromString('--no-liftoff');
  } catch {
    v8 = null;
  }
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    if (v8) v8.setFlagsFromString('--liftoff');
  }
}

/** The native Gram accelerator's interface (see native/gram_native.c). */
interface NativeGram {
  gram(w: NumericArray, orient: number, K: number, M: number, g: Float64Array, ldg: number, threads: number): void;
  /** G[i][j] −= Σ_q V_q[i]·W_q[j] + W_q[i]·V_q[j] (j ≤ i < k); offsets in float64 elements of `mem`. */
  syr2k(mem: Float64Array, g: number, ldg: number, k: number, v: number, w: number, ldv: number, nbp: number, threads: number): void;
}
const NATIVE_MIN_ORDER = 64;
/** Instruction sets the native accelerator is built for. */
export type NativeIsa = 'avx512' | 'avx2';
const nativeModules = new Map<NativeIsa, NativeGram | null>();
let cpuFlags: string | null = null;
/**
 * The native accelerator for this CPU, loaded once per instruction set: only on Linux x86-64, the
 * AVX-512 build when /proc/cpuinfo lists avx512f, else the AVX2 build when it lists avx2 and fma (each
 * would fault on a CPU without its instructions), unless `ESDLAB_NATIVE_GRAM=0`. `want` (or env
 * `ESDLAB_NATIVE_ISA`) asks for one build, still only if the CPU has it. Any failure to load (missing
 * file, older glibc) leaves everything in WebAssembly.
 */
function loadNativeGram(want: NativeIsa | 'auto' = 'auto'): { mod: NativeGram; isa: NativeIsa } | null {
  if (process.env.ESDLAB_NATIVE_GRAM === '0' || process.platform !== 'linux' || process.arch !== 'x64') return null;
  if (cpuFlags === null) {
    try {
      cpuFlags = /^flags\s*:(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
    } catch {
      cpuFlags = '';
    }
  }
  const has = (f: string): boolean => new RegExp(`\\s${f}(\\s|$)`).test(cpuFlags as string);
  const env = process.env.ESDLAB_NATIVE_ISA;
  const asked = want !== 'auto' ? want : env === 'avx512' || env === 'avx2' ? env : 'auto';
  const canAvx512 = has('avx512f'), canAvx2 = has('avx2') && has('fma');
  const isa: NativeIsa | null = asked === 'avx512' ? (canAvx512 ? 'avx512' : null)
    : asked === 'avx2' ? (canAvx2 ? 'avx2' : null)
      : canAvx512 ? 'avx512' : canAvx2 ? 'avx2' : null;
  if (!isa) return null;
  if (!nativeModules.has(isa)) {
    let mod: NativeGram | null = null;
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const m = require(assetPath(`esdlab-gram-linux-x64-${isa}.node`)) as NativeGram;
      if (typeof m.gram === 'function' && typeof m.syr2k === 'function') mod = m;
    } catch (e) {
      if (process.env.ESDLAB_DEBUG) console.error('esdlab: native accelerator not loaded:', e);
    }
    nativeModules.set(isa, mod);
  }
  const mod = nativeModules.get(isa);
  return mod ? { mod, isa } : null;
}

let relaxedFlagTried = false;
function relaxedSimdAvailable(bytes: Uint8Array): boolean {
  if (WebAssembly.validate(bytes)) return true;
  if (!relaxedFlagTried) {
    relaxedFlagTried = true;
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      (require('v8') as typeof import('v8')).setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      return false;
    }
  }
  return WebAssembly.validate(bytes);
}

/** True when this runtime can run the engine (WebAssembly SIMD, shared memory, worker threads). */
export function wasmSpectrumSupported(): boolean {
  try {
    const bytes = fs.readFileSync(assetPath('esdlab-spectrum-simd.wasm'));
    if (!WebAssembly.validate(bytes)) return false;
    new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    return true;
  } catch {
    return false;
  }
}

// Job struct field offsets (uint32 words), mirror of `Job` in native/spectrum.c.
const F = {
  w: 0, dtype: 1, orient: 2, K: 3, M: 4, Mp: 5, g: 6, kc: 7, nthreads: 8, ctrl: 9,
  pack: 10, y: 18, d: 26, e: 27, wp: 28, pa: 29, pb: 30, nb: 31, tau: 32,
  scaleExp: 33, status: 34, opC: 35, opV: 36, qlIters: 37, usGram: 38, usTri: 39, usQl: 40, opK0: 41, opKc: 42,
  gramReady: 43, nativeSyr2k: 44,
} as const;
const JOB_BYTES = 256;
const CTRL_BYTES = 64;
const MAX_THREADS = 8;
const PAGE = 65536;
const MAX_PAGES = 65536;

// The worker: instantiate the shared module on the shared memory and serve operations forever.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { module, memory, job, t } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory, now: () => performance.now(), syr2k: () => 1 } });
const ctrl = new Int32Array(memory.buffer, job + ${JOB_BYTES} + ${CTRL_BYTES} * (t + 1), ${CTRL_BYTES / 4});
Atomics.store(ctrl, 6, 1);
Atomics.notify(ctrl, 6);
try {
  inst.exports.worker_loop(job, t, 0);
} catch (e) {
  Atomics.store(ctrl, 7, 1);
  if (process.env.ESDLAB_DEBUG) require('fs').writeSync(2, 'esdlab worker ' + t + ': ' + (e && e.stack || e) + '\\n');
  throw e;
}
`;

function defaultThreads(): number {
  const env = process.env.ESDLAB_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1) return Math.min(n, MAX_THREADS);
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const os = require('os') as typeof import('os');
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(n, MAX_THREADS));
}

const align = (x: number, a: number): number => Math.ceil(x / a) * a;

/**
 * Creates the WebAssembly spectrum backend. Its worker threads are spawned at once and boot in the
 * background (nothing waits for them); they are `unref()`ed, so they never keep the process alive.
 * @throws EsdlabError UNSUPPORTED_FORMAT when the runtime lacks WebAssembly SIMD or shared memory.
 */
export function createWasmSpectrumBackend(options: WasmSpectrumOptions = {}): WasmSpectrumBackend {
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new EsdlabError('INVALID_ARGUMENT', `threads must be an integer in 1..${MAX_THREADS}, got ${threads}`);
  }
  const nb = options.panel ?? 16;
  const kcDefault = options.depth ?? 256;
  const minParallel = options.minParallel ?? 128;
  if (!Number.isInteger(nb) || nb < 1 || nb > 256) throw new EsdlabError('INVALID_ARGUMENT', `panel must be an integer in 1..256, got ${nb}`);
  if (!Number.isInteger(kcDefault) || kcDefault < 4 || kcDefault > 4096) throw new EsdlabError('INVALID_ARGUMENT', `depth must be an integer in 4..4096, got ${kcDefault}`);

  let fmaWanted: boolean | 'auto' = options.fma ?? 'auto';
  if (fmaWanted === 'auto' && process.env.ESDLAB_WASM_FMA !== undefined && process.env.ESDLAB_WASM_FMA !== '') {
    fmaWanted = process.env.ESDLAB_WASM_FMA !== '0';
  }
  let bytes: Uint8Array;
  let fma = false;
  try {
    const fmaBytes = fmaWanted === false ? null : fs.readFileSync(assetPath('esdlab-spectrum-fma.wasm'));
    if (fmaBytes && relaxedSimdAvailable(fmaBytes)) {
      bytes = fmaBytes;
      fma = true;
    } else bytes = fs.readFileSync(assetPath('esdlab-spectrum-simd.wasm'));
  } catch (e) {
    throw new EsdlabError('NOT_FOUND', `cannot read the spectrum kernels: ${(e as Error).message}`, { file: assetPath('esdlab-spectrum-simd.wasm') });
  }
  let module: WasmModule;
  let memory: WasmMemory;
  try {
    module = compileOptimized(bytes);
    memory = new WebAssembly.Memory({ initial: 32, maximum: MAX_PAGES, shared: true });
  } catch (e) {
    throw new EsdlabError('UNSUPPORTED_FORMAT', `this runtime cannot run the WebAssembly spectrum engine: ${(e as Error).message}`);
  }
  // the rank-2k updates of the tridiagonalization call back into the host when the native
  // accelerator is on (see native/spectrum.c host_syr2k); `syr2kThreads` is set per matrix
  const loaded = options.nativeGram === false ? null : loadNativeGram(options.nativeIsa ?? 'auto');
  const native = loaded ? loaded.mod : null;
  let syr2kThreads = 1;
  let syr2kFailed = false;
  const hostSyr2k = (g: number, ldg: number, k: number, v: number, w: number, nbp: number): number => {
    if (!native || syr2kFailed) return 1;
    try {
      native.syr2k(new Float64Array(memory.buffer), g / 8, ldg, k, v / 8, w / 8, ldg, nbp, syr2kThreads);
      return 0;
    } catch (e) {
      // nothing was written (arguments are checked first): let the WebAssembly kernels do it, from now on
      syr2kFailed = true;
      if (process.env.ESDLAB_DEBUG) console.error('esdlab: native rank-2k update failed:', e);
      return 1;
    }
  };
  const inst = new WebAssembly.Instance(module, { env: { memory, now: () => performance.now(), syr2k: hostSyr2k } });
  const ex = inst.exports as unknown as {
    spectrum_run(job: number): number;
    eig_run(job: number): number;
    workers_quit(job: number): void;
    __heap_base: WasmGlobal;
  };
  const job = align(Number(ex.__heap_base.value), 64);
  const arena = align(job + JOB_BYTES + CTRL_BYTES * (MAX_THREADS + 1), 64);
  const workers: Worker[] = [];
  let disposed = false;
  let ran = false;
  let threadsBroken = false;
  const name = (fma ? 'wasm-simd-fma' : 'wasm-simd') + (loaded ? `+${loaded.isa}` : '');
  let nativeGramSeconds = 0;

  const u32 = (): Uint32Array => new Uint32Array(memory.buffer, job, JOB_BYTES / 4);
  // Workers find their synchronisation words through the job's ctrl field as soon as they start,
  // so it is set before any worker exists and kept by every run.
  u32()[F.ctrl] = job + JOB_BYTES;
  const ensureBytes = (end: number): void => {
    if (end > MAX_PAGES * PAGE - PAGE) {
      throw new EsdlabError('INVALID_ARGUMENT', `matrix too large for the WebAssembly engine (needs ${(end / 2 ** 30).toFixed(2)} GiB of its 4 GiB address space)`);
    }
    const have = memory.buffer.byteLength;
    if (end > have) memory.grow(Math.ceil((end - have) / PAGE));
  };

  // Workers are spawned when the backend is created and boot in the background (a worker takes
  // ~0.1 s to start): nothing waits for them. The main thread never waits for a worker that has not
  // taken a chunk, so a worker still booting (or descheduled) only means the main thread does more.
  const spawnWorkers = (): void => {
    const ctrlAll = new Int32Array(memory.buffer, job + JOB_BYTES, (CTRL_BYTES * (MAX_THREADS + 1)) / 4);
    for (let t = 1; t < threads; t++) {
      ctrlAll.fill(0, ((t + 1) * CTRL_BYTES) / 4, ((t + 2) * CTRL_BYTES) / 4);
      try {
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, job, t } });
        w.unref();
        w.on('error', (e) => { if (process.env.ESDLAB_DEBUG) console.error('worker error', e); });
        workers.push(w);
      } catch (e) {
        if (process.env.ESDLAB_DEBUG) console.error('worker spawn failed', e);
        break;
      }
    }
  };
  /** Threads running: the main thread and every worker that has entered its loop. */
  const runningThreads = (): number => {
    if (threadsBroken) return 1;
    const ctrlAll = new Int32Array(memory.buffer, job + JOB_BYTES, (CTRL_BYTES * (MAX_THREADS + 1)) / 4);
    let n = 1;
    for (let t = 1; t <= workers.length; t++) if (Atomics.load(ctrlAll, ((t + 1) * CTRL_BYTES) / 4 + 6) === 1) n++;
    return n;
  };
  if (threads > 1) spawnWorkers();

  const run = (data: NumericArray, rows: number, cols: number, kcOverride?: number): Float64Array => {
    if (disposed) throw new EsdlabError('INVALID_ARGUMENT', `spectrum backend '${name}' was disposed`);
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new EsdlabError('INVALID_SHAPE', `invalid matrix shape ${rows}×${cols}`);
    }
    if (data.length !== rows * cols) {
      throw new EsdlabError('INVALID_SHAPE', `a ${rows}×${cols} matrix needs ${rows * cols} values, got ${data.length}`);
    }
    const isF32 = data instanceof Float32Array;
    if (!isF32 && !(data instanceof Float64Array)) throw new EsdlabError('UNSUPPORTED_DTYPE', 'expected a Float64Array or Float32Array');
    // G = WᵀW (cols × cols). For a wide matrix the small Gram W·Wᵀ has the same non-zero eigenvalues;
    // WᵀW's other cols − rows eigenvalues are exact zeros.
    const orient = rows >= cols ? 0 : 1;
    const M = orient === 0 ? cols : rows;
    const K = orient === 0 ? rows : cols;
    const out = new Float64Array(cols);
    if (M === 0) return out;
    const T = M >= minParallel ? threads : 1;
    // chunks are cut for every thread spawned; those still booting simply take none
    const nthreads = T > 1 && !threadsBroken ? 1 + workers.length : 1;
    const Mp = align(M, 4);
    const kc = Math.max(1, Math.min(kcOverride ?? kcDefault, Math.max(K, 1)));
    // layout
    let off = arena;
    const take = (bytes: number): number => { const p = off; off = align(off + bytes, 64); return p; };
    // the native Gram reads W where it is: no copy into WebAssembly memory
    const useNative = native !== null && M >= NATIVE_MIN_ORDER;
    const wBytes = useNative ? 0 : data.length * (isF32 ? 4 : 8);
    const pW = take(wBytes);
    const pG = take(Mp * Mp * 8);
    const pY: number[] = [];
    const pPack = take(Mp * kc * 8); // one Gram pack, shared by all threads
    for (let q = 0; q < 8; q++) pY.push(take(Mp * 8));
    const pD = take(Mp * 8), pE = take(Mp * 8);
    const pWp = take(2 * nb * Mp * 8);
    const pPa = take(Mp * 2 * nb * 8), pPb = take(Mp * 2 * nb * 8);
    const pTau = take(Math.max(4 * nb, 4) * 8);
    ensureBytes(off);
    nativeGramSeconds = 0;
    if (useNative) {
      const t0 = performance.now();
      const g = new Float64Array(memory.buffer, pG, Mp * Mp);
      g.fill(0);
      try {
        native.gram(data, orient, K, M, g, Mp, T);
      } catch (e) {
        throw new EsdlabError('INTERNAL', `native Gram accelerator failed: ${(e as Error).message}`);
      }
      nativeGramSeconds = (performance.now() - t0) / 1000;
    } else {
      // copy W in (as stored: float32 stays float32)
      if (isF32) new Float32Array(memory.buffer, pW, data.length).set(data);
      else new Float64Array(memory.buffer, pW, data.length).set(data);
    }
    const j = u32();
    j.fill(0);
    j[F.w] = pW; j[F.dtype] = isF32 ? 1 : 0; j[F.orient] = orient; j[F.K] = K; j[F.M] = M; j[F.Mp] = Mp;
    j[F.g] = pG; j[F.kc] = kc; j[F.nthreads] = nthreads; j[F.ctrl] = job + JOB_BYTES;
    j[F.pack] = pPack;
    for (let q = 0; q < 8; q++) j[F.y + q] = pY[q];
    j[F.d] = pD; j[F.e] = pE; j[F.wp] = pWp; j[F.pa] = pPa; j[F.pb] = pPb; j[F.nb] = nb; j[F.tau] = pTau;
    j[F.gramReady] = useNative ? 1 : 0;
    j[F.nativeSyr2k] = useNative ? 1 : 0;
    syr2kThreads = T;
    const st = ex.spectrum_run(job);
    ran = true;
    if (st === 2) throw new EsdlabError('NON_FINITE', 'the Gram matrix has a non-finite entry (NaN/Inf in W, or overflow)');
    if (st === 1) throw new EsdlabError('NOT_CONVERGED', `QL iteration did not converge for a ${rows}×${cols} matrix`);
    if (st === 3) {
      // a worker died holding work: stop using workers, so later calls run on the main thread
      threadsBroken = true;
      for (const w of workers) void w.terminate();
      workers.length = 0;
      throw new EsdlabError('INTERNAL', 'a spectrum worker thread failed; later calls run on one thread');
    }
    const scaleExp = new Int32Array(memory.buffer, job, JOB_BYTES / 4)[F.scaleExp];
    const d = new Float64Array(memory.buffer, pD, M);
    const scale = Math.pow(2, scaleExp);
    const ev = new Float64Array(M);
    for (let i = 0; i < M; i++) { const x = d[i] * scale; ev[i] = x > 0 ? x : 0; }
    ev.sort();
    out.set(ev, cols - M);
    return out;
  };

  return {
    name,
    gramEigenvalues: (data: NumericArray, rows: number, cols: number): Float64Array => run(data, rows, cols),
    // every element of W enters one diagonal entry of the Gram matrix, which the kernels check
    checksFinite: true,
    info: (): WasmSpectrumInfo => {
      const c = new Int32Array(memory.buffer, job + JOB_BYTES, 16);
      const sync = { mainWaits: c[8], mainTimeouts: c[9], workerSleeps: c[10], workerChunks: c[11] };
      const j = u32();
      const last = ran ? { gram: j[F.usGram] / 1e6 + nativeGramSeconds, tridiagonal: j[F.usTri] / 1e6, ql: j[F.usQl] / 1e6, qlIterations: j[F.qlIters] } : null;
      return { name, threads, disposed, startedThreads: runningThreads(), fma, nativeGram: native !== null, nativeIsa: loaded ? loaded.isa : null, panel: nb, depth: kcDefault, memoryBytes: memory.buffer.byteLength, last, sync };
    },
    dispose: (): void => {
      if (disposed) return;
      disposed = true;
      if (workers.length > 0) ex.workers_quit(job);
      for (const w of workers) void w.terminate();
      workers.length = 0;
    },
  };
}
