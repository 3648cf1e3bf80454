/**
 * Accuracy contract of the WebAssembly spectrum engine: every eigenvalue of WᵀW within 1e-10·λmax
 * of LAPACK's (squared singular values from scipy's gesdd, computed once by
 * test/reference/spectrum/make_reference.py and committed), on well-conditioned, square,
 * rank-deficient, heavy-tailed, very rectangular (Q = 64) and wide matrices, for every engine
 * configuration that changes the arithmetic (threads, FMA, panel width, chunking thresholds).
 */
import * as fs from 'fs';
import * as path from 'path';
import { createWasmSpectrumBackend, type WasmSpectrumBackend, type WasmSpectrumOptions } from '../src/engine/wasmSpectrum';
import { isEsdlabError } from '../src/core/errors';
import { esd } from '../src/core/esd';

interface RefCase { name: string; kind: string; rows: number; cols: number; dtype: 'float32' | 'float64'; file: string; svd: number[]; eigvalsh: number[] }
const dir = path.join(__dirname, 'reference', 'spectrum');
const ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8')) as { cases: RefCase[] };

function load(c: RefCase): Float32Array | Float64Array {
  const buf = fs.readFileSync(path.join(dir, c.file));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const a = c.dtype === 'float32' ? new Float32Array(ab) : new Float64Array(ab);
  expect(a.length).toBe(c.rows * c.cols);
  return a;
}

// The native Gram accelerator loads on Linux x86-64 CPUs with avx512f (this project's machines); the
// tests that need it say so and fail if it does not load there.
const cpuFlags = (() => { try { return /^flags\s*:(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? ''; } catch { return ''; } })();
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64' && process.env.ESDLAB_NATIVE_GRAM !== '0';
const hasAvx512 = onLinuxX64 && /\savx512f(\s|$)/.test(cpuFlags);
const hasAvx2 = onLinuxX64 && /\savx2(\s|$)/.test(cpuFlags) && /\sfma(\s|$)/.test(cpuFlags);
const nativeExpected = hasAvx512 || hasAvx2;
const autoIsa = hasAvx512 ? 'avx512' : hasAvx2 ? 'avx2' : null;

const configs: { label: string; opts: WasmSpectrumOptions }[] = [
  { label: '1 thread, WebAssembly Gram', opts: { threads: 1, fma: false, nativeGram: false } },
  { label: '2 threads, small panels and blocks, everything chunked', opts: { threads: 2, fma: false, panel: 8, depth: 40, minParallel: 16, nativeGram: false } },
  { label: '2 threads, FMA (relaxed SIMD, switched on if needed)', opts: { threads: 2, fma: true, panel: 16, minParallel: 16, nativeGram: false } },
  { label: '1 thread, panel 1 (unblocked)', opts: { threads: 1, fma: false, panel: 1, nativeGram: false } },
  { label: 'defaults (native AVX-512 Gram where available, FMA, 2 threads)', opts: { threads: 2 } },
  { label: 'native Gram, 1 thread, plain SIMD after it', opts: { threads: 1, fma: false, nativeGram: true } },
  { label: 'native AVX2 build (used where the CPU has it), 2 threads', opts: { threads: 2, nativeIsa: 'avx2' } },
];

const backends: WasmSpectrumBackend[] = [];
afterAll(() => { for (const b of backends) b.dispose(); });

describe.each(configs)('wasm engine, $label', ({ opts }) => {
  const be = createWasmSpectrumBackend(opts);
  backends.push(be);
  test('runs the Gram route it was asked for', () => {
    const want = opts.nativeGram === false ? null : opts.nativeIsa === 'avx2' ? (hasAvx2 ? 'avx2' : null) : autoIsa;
    expect(be.info().nativeGram).toBe(want !== null);
    expect(be.info().nativeIsa).toBe(want);
  });
  test.each(ref.cases.map((c) => [c.name, c] as [string, RefCase]))('%s: within 1e-10·λmax of LAPACK', (_n, c) => {
    const W = load(c);
    const copy = W.slice();
    const ev = be.gramEigenvalues(W, c.rows, c.cols);
    expect(ev).toBeInstanceOf(Float64Array);
    expect(ev.length).toBe(c.cols);
    const lmax = c.svd[c.svd.length - 1];
    let worst = 0;
    for (let i = 0; i < c.cols; i++) {
      if (i > 0) expect(ev[i]).toBeGreaterThanOrEqual(ev[i - 1]);
      worst = Math.max(worst, Math.abs(ev[i] - c.svd[i]));
    }
    expect(worst / lmax).toBeLessThan(1e-10);
    // the input is not modified
    expect(Buffer.from(W.buffer).equals(Buffer.from(copy.buffer))).toBe(true);
  });
});

describe('wasm engine: deterministic, and independent of the thread count', () => {
  test.each([['WebAssembly', false], ['native where available', 'auto']] as const)('repeat calls agree bit for bit (%s Gram)', (_l, nativeGram) => {
    const be = createWasmSpectrumBackend({ threads: 2, fma: false, minParallel: 16, nativeGram });
    backends.push(be);
    const c = ref.cases.find((x) => x.name.startsWith('gauss_600x301'))!;
    const small = ref.cases.find((x) => x.name.startsWith('gauss_256x128'))!;
    const a = be.gramEigenvalues(load(c), c.rows, c.cols);
    be.gramEigenvalues(load(small), small.rows, small.cols);
    const b = be.gramEigenvalues(load(c), c.rows, c.cols);
    expect(Array.from(b)).toEqual(Array.from(a));
    const one = createWasmSpectrumBackend({ threads: 1, fma: false, nativeGram });
    backends.push(one);
    expect(Array.from(one.gramEigenvalues(load(c), c.rows, c.cols))).toEqual(Array.from(a));
  });
  test('a large enough matrix really uses the second thread (chunks run by the worker)', () => {
    const be = createWasmSpectrumBackend({ threads: 2, fma: false, nativeGram: false });
    backends.push(be);
    const rows = 1200, cols = 600;
    const W = new Float32Array(rows * cols);
    for (let i = 0; i < W.length; i++) W[i] = Math.sin(i * 0.7) + Math.cos(i * 1.3);
    let ev = be.gramEigenvalues(W, rows, cols);
    // A worker may be descheduled for a whole call on a busy machine; three calls are plenty.
    for (let k = 0; k < 2 && be.info().sync.workerChunks === 0; k++) ev = be.gramEigenvalues(W, rows, cols);
    const one = createWasmSpectrumBackend({ threads: 1, fma: false, nativeGram: false });
    backends.push(one);
    expect(Array.from(one.gramEigenvalues(W, rows, cols))).toEqual(Array.from(ev));
    const info = be.info();
    expect(info.startedThreads).toBe(2);
    expect(info.sync.workerChunks).toBeGreaterThan(0);
  });
});

describe('wasm engine: bad input gets a typed error', () => {
  const be = createWasmSpectrumBackend({ threads: 1 });
  backends.push(be);
  test('NaN in W → NON_FINITE', () => {
    const a = new Float64Array(12).fill(1);
    a[5] = NaN;
    let err: unknown;
    try { be.gramEigenvalues(a, 4, 3); } catch (e) { err = e; }
    expect(isEsdlabError(err) && (err as { code: string }).code).toBe('NON_FINITE');
  });
  test('Inf in float32 W → NON_FINITE', () => {
    const a = new Float32Array(12).fill(1);
    a[0] = Infinity;
    expect(() => be.gramEigenvalues(a, 3, 4)).toThrow(/non-finite/);
  });
  test('length does not match the shape → INVALID_SHAPE', () => {
    let err: unknown;
    try { be.gramEigenvalues(new Float64Array(10), 4, 3); } catch (e) { err = e; }
    expect(isEsdlabError(err) && (err as { code: string }).code).toBe('INVALID_SHAPE');
  });
  test('empty and all-zero matrices give zeros', () => {
    expect(Array.from(be.gramEigenvalues(new Float64Array(0), 0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(be.gramEigenvalues(new Float32Array(20), 5, 4))).toEqual([0, 0, 0, 0]);
  });
  test('bad options are rejected', () => {
    expect(() => createWasmSpectrumBackend({ threads: 0 })).toThrow(/threads/);
    expect(() => createWasmSpectrumBackend({ panel: 0 })).toThrow(/panel/);
  });
  test('esd() through the engine skips its own scan yet still names the bad element (and keeps the overflow message)', () => {
    expect(be.checksFinite).toBe(true);
    // NaN/Inf anywhere, dense and conv2d, tall and wide: the engine's Gram check fires, esd() names the element
    const cases: Array<{ shape: number[]; at: number; value: number; where: string; what: string }> = [
      { shape: [12, 5], at: 13, value: Infinity, where: '[2, 3]', what: '+Inf' },
      { shape: [5, 12], at: 59, value: NaN, where: '[4, 11]', what: 'NaN' },
      { shape: [4, 3, 3, 3], at: 100, value: -Infinity, where: '[3, 2, 0, 1]', what: '-Inf' },
    ];
    for (const c of cases) {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const W = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      W[c.at] = c.value;
      let err: unknown;
      try { esd({ data: W, shape: c.shape }, { name: 'fc1', backend: be }); } catch (e) { err = e; }
      expect(isEsdlabError(err) && (err as { code: string }).code).toBe('NON_FINITE');
      expect((err as Error).message).toBe(`[tensor 'fc1', at ${c.where}] ${c.what} value`);
    }
    // finite but too large: the Gram overflows; no element to name, the engine's message stays
    const big = Float64Array.from({ length: 8 }, (_, i) => (i + 1) * 1e200);
    expect(() => esd({ data: big, shape: [4, 2] }, { normalize: 'none', backend: be })).toThrow(/non-finite/);
  });
  test('a disposed backend refuses work', () => {
    const b = createWasmSpectrumBackend({ threads: 1 });
    b.dispose();
    expect(() => b.gramEigenvalues(new Float64Array(4), 2, 2)).toThrow(/disposed/);
  });
});

const builds = [['avx512', hasAvx512], ['avx2', hasAvx2]] as const;
const availableBuilds = builds.filter(([, ok]) => ok).map(([isa]) => [isa] as ['avx512' | 'avx2']);
(availableBuilds.length ? describe.each(availableBuilds) : describe.skip.each([['avx512'] as ['avx512' | 'avx2']]))('native accelerator, %s build (Linux x86-64)', (isa) => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const addon = require(path.join(__dirname, '..', 'assets', `esdlab-gram-linux-x64-${isa}.node`)) as {
    gram(w: Float32Array | Float64Array, orient: number, K: number, M: number, g: Float64Array, ldg: number, threads: number): void;
    syr2k(mem: Float64Array, g: number, ldg: number, k: number, v: number, w: number, ldv: number, nbp: number, threads: number): void;
  };
  // G's lower triangle by plain float64 loops (exact products of float32 inputs)
  const naive = (W: Float32Array | Float64Array, orient: number, K: number, M: number): Float64Array => {
    const G = new Float64Array(M * M);
    for (let i = 0; i < M; i++) for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += orient === 0 ? W[k * M + i] * W[k * M + j] : W[i * K + k] * W[j * K + k];
      G[i * M + j] = s;
    }
    return G;
  };
  test.each([
    [37, 19, 0, 'f32', 1], [300, 45, 0, 'f64', 2], [45, 300, 1, 'f32', 2], [600, 123, 1, 'f64', 3], [513, 257, 0, 'f32', 2], [256, 8, 0, 'f32', 2],
  ] as const)('K=%i M=%i orient %i %s, %i threads: lower triangle within 1e-14 of plain loops, and padding untouched', (K, M, orient, dt, threads) => {
    const W = (dt === 'f32' ? Float32Array : Float64Array).from({ length: K * M }, (_, i) => Math.sin(i * 0.7) + Math.cos(i * 1.3));
    const ldg = M + 3;
    const G = new Float64Array(new SharedArrayBuffer(8 * M * ldg)).fill(7);
    for (let i = 0; i < M; i++) for (let j = 0; j <= i; j++) G[i * ldg + j] = 0;
    addon.gram(W, orient, K, M, G, ldg, threads);
    const R = naive(W, orient, K, M);
    let err = 0, mx = 0;
    for (let i = 0; i < M; i++) for (let j = 0; j <= i; j++) { err = Math.max(err, Math.abs(G[i * ldg + j] - R[i * M + j])); mx = Math.max(mx, Math.abs(R[i * M + j])); }
    expect(err / mx).toBeLessThan(1e-14);
    // the stride padding (columns M..ldg) is never written
    for (let i = 0; i < M; i++) for (let c = M; c < ldg; c++) expect(G[i * ldg + c]).toBe(7);
  });
  test.each([[70, 3, 1], [131, 16, 2], [200, 1, 3], [64, 32, 2]] as const)('rank-2k update, k=%i nbp=%i, %i threads: G − VWᵀ − WVᵀ on the lower k×k, nothing else touched', (k, nbp, threads) => {
    // one Float64Array standing for the engine's memory: G (stride ldg) then V and W rows (stride ldv)
    const ldg = k + 5, ldv = k + 2, g = 3, v = g + k * ldg + 7, w = v + nbp * ldv + 1;
    const mem = new Float64Array(w + nbp * ldv + 4).map((_, i) => Math.sin(i * 0.37) + 0.5 * Math.cos(i * 1.9));
    const before = mem.slice();
    addon.syr2k(mem, g, ldg, k, v, w, ldv, nbp, threads);
    let err = 0, mx = 0;
    for (let i = 0; i < mem.length; i++) {
      const off = i - g, r = Math.floor(off / ldg), c = off - r * ldg;
      if (off >= 0 && r < k && c <= r) {
        let s2 = 0;
        for (let q = 0; q < nbp; q++) s2 += before[v + q * ldv + r] * before[w + q * ldv + c] + before[w + q * ldv + r] * before[v + q * ldv + c];
        const want = before[i] - s2;
        err = Math.max(err, Math.abs(mem[i] - want));
        mx = Math.max(mx, Math.abs(want));
      } else if (!(off >= 0 && r < k && c < k)) {
        // outside the leading k×k block (stride padding, V, W, guard cells): untouched
        expect(mem[i]).toBe(before[i]);
      }
    }
    expect(err / mx).toBeLessThan(1e-14);
  });
  test('bad arguments throw instead of touching memory', () => {
    // (messages, not constructors: the addon's errors come from another realm than jest's)
    const RangeError = /sizes do not match/, TypeError = /expected a Float32Array/;
    const W = new Float32Array(12), G = new Float64Array(16);
    expect(() => addon.gram(W, 0, 4, 4, G, 4, 1)).toThrow(RangeError); // W too short for 4×4
    expect(() => addon.gram(W, 0, 3, 4, G, 3, 1)).toThrow(RangeError); // ldg < M
    expect(() => addon.gram(W, 0, 3, 4, new Float64Array(8), 4, 1)).toThrow(RangeError); // G too short
    expect(() => addon.gram(W, 0, 3, 4, G as unknown as Float64Array, 4, 0)).toThrow(RangeError);
    expect(() => addon.gram(new Int32Array(12) as unknown as Float32Array, 0, 3, 4, G, 4, 1)).toThrow(TypeError);
    const mem = new Float64Array(100);
    expect(() => addon.syr2k(mem, 0, 11, 11, 0, 0, 11, 1, 1)).toThrow(RangeError); // an 11×11 G (stride 11) needs 121 values
    expect(() => addon.syr2k(mem, 0, 8, 10, 0, 0, 10, 1, 1)).toThrow(RangeError); // ldg < k
    expect(() => addon.syr2k(mem, 0, 10, 10, 95, 0, 10, 1, 1)).toThrow(RangeError); // V runs past the end
    expect(() => addon.syr2k(mem, 0, 10, 10, 0, 0, 10, 0, 1)).toThrow(RangeError); // nbp 0
    expect(() => addon.syr2k(new Float32Array(100) as unknown as Float64Array, 0, 10, 10, 0, 0, 10, 1, 1)).toThrow(/expected a Float64Array/);
  });
  test('NaN in a large W still gives NON_FINITE through the engine', () => {
    const be = createWasmSpectrumBackend({ threads: 2, nativeIsa: isa });
    backends.push(be);
    const W = new Float32Array(200 * 100).fill(0.5);
    W[4321] = NaN;
    let err: unknown;
    try { be.gramEigenvalues(W, 200, 100); } catch (e) { err = e; }
    expect(be.info().nativeGram).toBe(true);
    expect(isEsdlabError(err) && (err as { code: string }).code).toBe('NON_FINITE');
  });
});

test('this machine kind runs the native accelerator (the CI machines have AVX-512)', () => {
  // both builds' tests above run only where the CPU has the instructions; on Linux x86-64 at least one must
  if (onLinuxX64) expect(nativeExpected).toBe(true);
});

describe('closed forms', () => {
  const be = createWasmSpectrumBackend({ threads: 1 });
  backends.push(be);
  test('orthogonal columns scaled by s_i give eigenvalues s_i² exactly', () => {
    // W = rows of a scaled identity block: WᵀW = diag(s²)
    const s = [3, 0.5, 2, 1e-3, 7];
    const rows = 9, cols = s.length;
    const W = new Float64Array(rows * cols);
    for (let i = 0; i < cols; i++) W[i * cols + i] = s[i];
    const ev = be.gramEigenvalues(W, rows, cols);
    const want = s.map((x) => x * x).sort((a, b) => a - b);
    for (let i = 0; i < cols; i++) expect(Math.abs(ev[i] - want[i])).toBeLessThanOrEqual(1e-15 * 49);
  });
  test('a rank-one matrix u vᵀ has one eigenvalue |u|²|v|², the rest 0', () => {
    const rows = 300, cols = 140;
    const W = new Float64Array(rows * cols);
    let nu = 0, nv = 0;
    const u = Array.from({ length: rows }, (_, i) => Math.sin(i + 1));
    const v = Array.from({ length: cols }, (_, j) => Math.cos(0.3 * j) + 0.1);
    for (const x of u) nu += x * x;
    for (const x of v) nv += x * x;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) W[i * cols + j] = u[i] * v[j];
    const ev = be.gramEigenvalues(W, rows, cols);
    expect(Math.abs(ev[cols - 1] - nu * nv) / (nu * nv)).toBeLessThan(1e-13);
    for (let i = 0; i < cols - 1; i++) expect(ev[i]).toBeLessThan(1e-12 * nu * nv);
  });
});
