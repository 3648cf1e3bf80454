/**
 * bench/spectrum: all eigenvalues of W·Wᵀ for float32 W (M×N) — esdlab's WebAssembly engine next to
 * scipy's `svd(W.astype(float64), compute_uv=False)` (WeightWatcher's route) and numpy's Gram +
 * `eigvalsh`, measured in the same run, interleaved round by round, as ratios.
 *
 * Run (from the repository root):
 *   npx esbuild bench/spectrum.ts --bundle --platform=node --outfile=/tmp/esdlab-bench-spectrum.js && node /tmp/esdlab-bench-spectrum.js
 * Options: `--sizes 512x2048,1024x4096,2048x8192,4096x16384` (default), `--rounds 3` (the 4096 case
 * uses min(rounds, 2)), `--no-python`, `--no-svd`, `--no-fma`, `--svd-max M` / `--prescott-max M` /
 * `--f32-max M` (skip that reference above M rows: on a loaded machine scipy's svd of 4096×16384
 * takes tens of minutes). The svd runs in the first round only for M ≥ 2048. `--cpu-1t`: one thread
 * each, CPU seconds instead of wall time (see cpuOneThread).
 * Python: $ESDLAB_REF_PYTHON or /work/refvenv/bin/python (pip numpy/scipy with their bundled
 * OpenBLAS). It runs twice per round: with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (OpenBLAS
 * picks its kernels itself: SkylakeX/AVX-512 on this CPU), and with OPENBLAS_CORETYPE=Prescott (the
 * generic SSE3 kernels Debian's OpenBLAS 0.3.21 falls back to on this CPU). The BLAS numpy used is
 * printed (threadpoolctl).
 * Ours: each size in a fresh Node process (peak RSS is that process's), 2 threads, after a warm-up on
 * a small matrix, in two variants: "WebAssembly only" (FMA build, `nativeGram: false`: what runs on
 * any platform) and "default" (what `esd()` runs here: the native AVX-512 Gram accelerator where the
 * CPU has it, then the WebAssembly FMA tridiagonalization and QL). Time = the whole
 * `gramEigenvalues` call (W into WebAssembly memory or the native Gram, tridiagonalization, QL, sort).
 * `--no-fma` skips the default variant (historical name).
 * numpy: `eigvalsh(X @ X.T)` with `X = W.astype(float64)` (the cast included: the float64 Gram is the
 * accuracy contract's arithmetic), and, for reference, the float32 route `eigvalsh(W @ W.T)`.
 * Reported: medians over rounds; the 1-minute load average before each size (the machine is shared).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const PY = `
import json, resource, sys, time
import numpy as np, scipy, scipy.linalg
from threadpoolctl import threadpool_info
path, M, N, do_svd, ev_out, do_f32 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == '1', sys.argv[5], sys.argv[6] == '1'
W = np.fromfile(path, dtype='<f4').reshape(M, N)
cpu = {}
def timed(f, key=None):
    c = time.process_time(); t = time.perf_counter(); r = f(); w = time.perf_counter() - t
    if key: cpu[key] = time.process_time() - c
    return w, r
def gram64():
    X = W.astype(np.float64)
    return np.linalg.eigvalsh(X @ X.T)
out = {}
out['eigvalsh64'], ev = timed(gram64, 'eigvalsh64')
if ev_out:
    ev.astype('<f8').tofile(ev_out)
if do_f32:
    out['eigvalsh32'], _ = timed(lambda: np.linalg.eigvalsh(W @ W.T))
if do_svd:
    out['svd'], sv = timed(lambda: scipy.linalg.svd(W.astype(np.float64), compute_uv=False))
out['blas'] = [{k: d.get(k) for k in ('internal_api', 'version', 'architecture', 'num_threads')} for d in threadpool_info()]
out['numpy'] = np.__version__
out['scipy'] = scipy.__version__
out['maxrss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out['cpu'] = cpu
print(json.dumps(out))
`;
import { median } from './timing';

interface PyOut { cpu: { eigvalsh64: number }; eigvalsh64: number; eigvalsh32?: number; svd?: number; blas: Record<string, unknown>[]; numpy: string; scipy: string; maxrss_mb: number }
interface OurOut { name: string; time: number; cpu: number; gram: number; tridiagonal: number; ql: number; maxrssMb: number; evFile: string }

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const has = (name: string): boolean => process.argv.includes(name);

/** Seeded float32 Gaussian matrix (same bytes for every process). */
function matrix(M: number, N: number, seed: number): Float32Array {
  // xorshift32 + Box–Muller: only needs to be the same for both sides (they read the same file)
  let x = seed >>> 0 || 1;
  const u = (): number => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return (x + 0.5) / 4294967296; };
  const a = new Float32Array(M * N);
  for (let i = 0; i < a.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u())), t = 2 * Math.PI * u();
    a[i] = r * Math.cos(t);
    if (i + 1 < a.length) a[i + 1] = r * Math.sin(t);
  }
  return a;
}

// ---- child: our engine on one size ----
function child(): void {
  const file = arg('--child')!;
  const M = Number(arg('--M')), N = Number(arg('--N')), variant = arg('--variant') ?? 'default', reps = Number(arg('--reps') ?? 1);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { createWasmSpectrumBackend } = require('../src/engine/wasmSpectrum') as typeof import('../src/engine/wasmSpectrum');
  const threads = Number(arg('--threads') ?? 2);
  // 'wasm': everything in WebAssembly (FMA build); 'default': what esd() runs (native Gram where available)
  const be = createWasmSpectrumBackend(variant === 'wasm' ? { threads, fma: true, nativeGram: false } : { threads });
  const buf = fs.readFileSync(file);
  const W = new Float32Array(buf.buffer, buf.byteOffset, M * N);
  const warm = matrix(256, 1024, 99);
  be.gramEigenvalues(warm, 256, 1024);
  be.gramEigenvalues(warm, 256, 1024);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // let background tier-up finish
  const res: OurOut[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const ev = be.gramEigenvalues(W, M, N);
    const t = Number(process.hrtime.bigint() - t0) / 1e9;
    const cu = process.cpuUsage(c0);
    const last = be.info().last!;
    const evFile = `${file}.ours.${variant}.f64`;
    fs.writeFileSync(evFile, Buffer.from(ev.buffer, ev.byteOffset, ev.byteLength));
    res.push({ name: be.info().name, time: t, cpu: (cu.user + cu.system) / 1e6, gram: last.gram, tridiagonal: last.tridiagonal, ql: last.ql, maxrssMb: process.resourceUsage().maxRSS / 1024, evFile });
  }
  be.dispose();
  process.stdout.write(JSON.stringify(res) + '\n');
}

function runOurs(file: string, M: number, N: number, defaultVariant: boolean, threads = 2): OurOut {
  const r = spawnSync(process.execPath, [__filename, '--child', file, '--M', String(M), '--N', String(N), '--variant', defaultVariant ? 'default' : 'wasm', '--threads', String(threads)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as OurOut[])[0];
}

function runPython(py: string, script: string, file: string, M: number, N: number, svd: boolean, coretype: string | null, evOut: string, f32: boolean, threads?: number): PyOut {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (threads !== undefined) env.OPENBLAS_NUM_THREADS = String(threads);
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (coretype) env.OPENBLAS_CORETYPE = coretype;
  const r = spawnSync(py, [script, file, String(M), String(N), svd ? '1' : '0', evOut, f32 ? '1' : '0'], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as PyOut;
}

function readF64(file: string): Float64Array {
  const b = fs.readFileSync(file);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function main(): void {
  const sizes = (arg('--sizes') ?? '512x2048,1024x4096,2048x8192,4096x16384').split(',').map((s) => s.split('x').map(Number) as [number, number]);
  const rounds = Number(arg('--rounds') ?? 3);
  const usePy = !has('--no-python');
  const useSvd = !has('--no-svd');
  const useFma = !has('--no-fma');
  const svdMax = Number(arg('--svd-max') ?? Infinity), prescottMax = Number(arg('--prescott-max') ?? Infinity), f32Max = Number(arg('--f32-max') ?? Infinity);
  const py = process.env.ESDLAB_REF_PYTHON ?? '/work/refvenv/bin/python';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-bench-spectrum-'));
  const script = path.join(tmp, 'ref.py');
  fs.writeFileSync(script, PY);
  console.log(`# bench/spectrum — node ${process.version}, ${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}, ${new Date().toISOString()}`);
  const rows: string[] = [];
  const details: string[] = [];
  let blasLine = '';
  const header = '| W (f32) | ours, WebAssembly only s | ours, default s | numpy Gram+eigvalsh f64 (auto kernels) s | ours ÷ numpy (wasm / default) | numpy f64, Prescott kernels s | best ours ÷ Prescott | numpy f32 eigvalsh s | scipy svd f64 s | ours ÷ svd (wasm / default) | max abs Δλ / λmax vs numpy | load (1 min) |';
  console.log(header);
  for (const [M, N] of sizes) {
    const R = M >= 4096 ? Math.min(rounds, 2) : rounds;
    const file = path.join(tmp, `w${M}x${N}.f32`);
    const W = matrix(M, N, 1000 + M);
    fs.writeFileSync(file, Buffer.from(W.buffer));
    const load0 = os.loadavg()[0];
    const ours: OurOut[] = [], oursF: OurOut[] = [], pyA: PyOut[] = [], pyP: PyOut[] = [];
    const evRef = path.join(tmp, `w${M}x${N}.ref.f64`);
    for (let r = 0; r < R; r++) {
      if (usePy) {
        pyA.push(runPython(py, script, file, M, N, useSvd && M <= svdMax && (r === 0 || M < 2048), null, r === 0 ? evRef : '', M <= f32Max));
        if (M <= prescottMax) pyP.push(runPython(py, script, file, M, N, false, 'Prescott', '', false));
      }
      ours.push(runOurs(file, M, N, false));
      if (useFma) oursF.push(runOurs(file, M, N, true));
      process.stderr.write(`  ${M}x${N} round ${r + 1}/${R}: ours wasm ${ours[r].time.toFixed(3)} s${useFma ? `, default ${oursF[r].time.toFixed(3)} s` : ''}${usePy ? `, numpy ${pyA[r].eigvalsh64.toFixed(3)} s, numpy-Prescott ${pyP[r] ? pyP[r].eigvalsh64.toFixed(3) : '—'} s${pyA[r].svd !== undefined ? `, svd ${pyA[r].svd!.toFixed(3)} s` : ''}` : ''} (load ${os.loadavg()[0].toFixed(1)})\n`);
    }
    const load1 = os.loadavg()[0];
    const t = median(ours.map((o) => o.time));
    const tf = useFma ? median(oursF.map((o) => o.time)) : NaN;
    const best = useFma ? Math.min(t, tf) : t;
    let acc = '';
    if (usePy) {
      const ref = readF64(evRef);
      const lmax = ref[ref.length - 1];
      // ours: the N eigenvalues of WᵀW (N − M exact zeros first); numpy: the M of W·Wᵀ
      const worst = (f: string): number => { const e = readF64(f); const off = e.length - ref.length; let w = 0; for (let i = 0; i < ref.length; i++) w = Math.max(w, Math.abs(e[off + i] - ref[i])); return w / lmax; };
      acc = `${worst(ours[0].evFile).toExponential(1)}${useFma ? ` / ${worst(oursF[0].evFile).toExponential(1)}` : ''}`;
      blasLine = pyA[0].blas.map((b) => `${b.internal_api} ${b.version} (${b.architecture}, ${b.num_threads} threads)`).join('; ') + `; with OPENBLAS_CORETYPE=Prescott: ${pyP[0] ? pyP[0].blas.map((b) => b.architecture).join(', ') : 'not run'}; numpy ${pyA[0].numpy}, scipy ${pyA[0].scipy}`;
    }
    const np64 = usePy ? median(pyA.map((p) => p.eigvalsh64)) : NaN;
    const f32s = pyA.map((p) => p.eigvalsh32).filter((x): x is number => x !== undefined);
    const np32 = f32s.length ? median(f32s) : NaN;
    const npP = pyP.length ? median(pyP.map((p) => p.eigvalsh64)) : NaN;
    const svds = pyA.map((p) => p.svd).filter((x): x is number => x !== undefined);
    const svd = svds.length ? median(svds) : NaN;
    const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '—');
    const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) ? (a / b).toFixed(2) + '×' : '—');
    rows.push(`| ${M}×${N} | ${f(t)} | ${f(tf)} | ${f(np64)} | ${ratio(t, np64)} / ${ratio(tf, np64)} | ${f(npP)} | ${ratio(best, npP)} | ${f(np32)} | ${f(svd)} | ${ratio(t, svd)} / ${ratio(tf, svd)} | ${acc} | ${load0.toFixed(1)}–${load1.toFixed(1)} |`);
    const o = ours[Math.floor(ours.length / 2)], of = oursF[Math.floor(oursF.length / 2)];
    details.push(`${M}×${N}: ours stages (gram / tridiagonal / QL, s) ${o.gram.toFixed(3)} / ${o.tridiagonal.toFixed(3)} / ${o.ql.toFixed(3)}` +
      (of ? `; default (${of.name}) ${of.gram.toFixed(3)} / ${of.tridiagonal.toFixed(3)} / ${of.ql.toFixed(3)}` : '') +
      `; peak RSS ours wasm ${Math.max(...ours.map((x) => x.maxrssMb)).toFixed(0)} MB${of ? `, default ${Math.max(...oursF.map((x) => x.maxrssMb)).toFixed(0)} MB` : ''}` + (usePy ? `, python ${Math.max(...pyA.map((x) => x.maxrss_mb)).toFixed(0)} MB` : '') +
      `; W itself ${(M * N * 4 / 2 ** 20).toFixed(0)} MB; rounds ${R}; all ours wasm ${ours.map((x) => x.time.toFixed(3)).join(' ')}${of ? ` | default ${oursF.map((x) => x.time.toFixed(3)).join(' ')}` : ''}` +
      (usePy ? ` | numpy ${pyA.map((x) => x.eigvalsh64.toFixed(3)).join(' ')} | Prescott ${pyP.map((x) => x.eigvalsh64.toFixed(3)).join(' ')} | svd ${svds.map((x) => x.toFixed(2)).join(' ')}` : ''));
    console.log(rows[rows.length - 1]);
    console.log('  ' + details[details.length - 1]);
  }
  console.log('');
  console.log(header);
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log('');
  if (blasLine) console.log(`BLAS: ${blasLine}`);
  for (const d of details) console.log(d);
  fs.rmSync(tmp, { recursive: true, force: true });
}

/**
 * `--cpu-1t`: one thread each (OPENBLAS_NUM_THREADS=1; our engine with threads: 1) and CPU seconds
 * (process CPU time) instead of wall time. On a shared, overloaded machine this estimates what each
 * side costs per core, which wall-clock times there cannot show.
 */
function cpuOneThread(): void {
  const sizes = (arg('--sizes') ?? '1024x4096,2048x8192').split(',').map((s) => s.split('x').map(Number) as [number, number]);
  const rounds = Number(arg('--rounds') ?? 3);
  const py = process.env.ESDLAB_REF_PYTHON ?? '/work/refvenv/bin/python';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-bench-spectrum-'));
  const script = path.join(tmp, 'ref.py');
  fs.writeFileSync(script, PY);
  console.log(`# bench/spectrum --cpu-1t — node ${process.version}, ${new Date().toISOString()}: CPU seconds, 1 thread each, medians of ${rounds}`);
  console.log('| W (f32) | ours, WebAssembly only CPU s | ours, default CPU s | numpy Gram+eigvalsh f64 CPU s (1 thread, auto kernels) | ours ÷ numpy (wasm / default) | load (1 min) |');
  console.log('|---|---|---|---|---|---|');
  for (const [M, N] of sizes) {
    const file = path.join(tmp, `w${M}x${N}.f32`);
    fs.writeFileSync(file, Buffer.from(matrix(M, N, 1000 + M).buffer));
    const a: number[] = [], b: number[] = [], c: number[] = [];
    const load0 = os.loadavg()[0];
    for (let r = 0; r < rounds; r++) {
      c.push(runPython(py, script, file, M, N, false, null, '', false, 1).cpu.eigvalsh64);
      a.push(runOurs(file, M, N, false, 1).cpu);
      b.push(runOurs(file, M, N, true, 1).cpu);
      process.stderr.write(`  ${M}x${N} round ${r + 1}: ours wasm ${a[r].toFixed(3)}, default ${b[r].toFixed(3)}, numpy ${c[r].toFixed(3)} CPU s (load ${os.loadavg()[0].toFixed(1)})\n`);
    }
    const [x, y, z] = [median(a), median(b), median(c)];
    console.log(`| ${M}×${N} | ${x.toFixed(3)} | ${y.toFixed(3)} | ${z.toFixed(3)} | ${(x / z).toFixed(2)}× / ${(y / z).toFixed(2)}× | ${load0.toFixed(1)}–${os.loadavg()[0].toFixed(1)} |`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (process.argv.includes('--child')) child();
else if (process.argv.includes('--cpu-1t')) cpuOneThread();
else main();
