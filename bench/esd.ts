/**
 * bench/esd: esdlab's pure-TypeScript ESD (Gram + Householder + QL, backend 'ts') vs numpy on the same
 * float32 matrices, same run: numpy/scipy SVD values (WeightWatcher's route, `scipy.linalg.svd(W.astype(float),
 * compute_uv=False)`) and numpy `eigvalsh(W·Wᵀ)` in float64.
 *
 * Run (from the repository root):
 *   npx esbuild bench/esd.ts --bundle --platform=node --outfile=/tmp/esdlab-bench-esd.js && node /tmp/esdlab-bench-esd.js
 * Options: `--sizes 256x1024,512x2048,1024x4096` (default; M×N, stored as M×N float32 like a PyTorch Linear).
 * Python: $ESDLAB_REF_PYTHON or /work/refvenv/bin/python; numpy runs twice, with the default OpenBLAS
 * kernels and with OPENBLAS_CORETYPE=SkylakeX (see /work/shared/science/perf-linalg.md: OpenBLAS 0.3.21
 * falls back to generic kernels on this CPU). Times: median of 3 (1 above 2^21 elements) of a complete
 * spectrum from the in-memory array to sorted eigenvalues, excluding process start and file reading.
 * The machine is shared: absolute times are ±30 %; compare the ratios. Our single-thread CPU time is
 * printed too: on a loaded machine it is the better estimate of the quiet wall time.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { esdSpectrum } from '../src/core/esd';
import { tsSpectrumBackend } from '../src/core/eigen';
import { gaussianMatrix } from '../src/core/randomMatrices';

function npyF32(shape: number[], data: Float32Array): Buffer {
  let h = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  while ((10 + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(h.length, 8);
  return Buffer.concat([pre, Buffer.from(h, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

const PY = `
import sys, time, json, numpy as np, scipy.linalg
W = np.load(sys.argv[1]); reps = int(sys.argv[2])
def t(f):
    ts = []
    for _ in range(reps):
        a = time.perf_counter(); r = f(); ts.append(time.perf_counter() - a)
    return sorted(ts)[len(ts)//2], r
ts, sv = t(lambda: scipy.linalg.svd(W.astype(float), compute_uv=False))
te, ev = t(lambda: np.linalg.eigvalsh(W.astype(float) @ W.astype(float).T))
print(json.dumps({"svd": ts, "eigvalsh": te, "lmax": float(sv[0]**2)}))
`;
import { median } from './timing';

function main(): void {
  const argv = process.argv.slice(2);
  const si = argv.indexOf('--sizes');
  const sizes = (si >= 0 ? argv[si + 1] : '256x1024,512x2048,1024x4096').split(',').map((s) => s.split('x').map(Number));
  const py = [process.env.ESDLAB_REF_PYTHON, '/work/refvenv/bin/python'].find((c) => c && fs.existsSync(c)) ?? null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-bench-esd-'));
  console.log(`node ${process.version}; python ${py ?? '(not found: reference columns skipped)'}`);
  console.log('W (M×N f32) | esdlab ts wall (cpu) | scipy svd (default / SkylakeX) | numpy eigvalsh(WWᵀ) (default / SkylakeX) | ts ÷ svd | ts ÷ eigvalsh | rel. Δλmax');
  for (const [M, N] of sizes) {
    const W = gaussianMatrix(M, N, { seed: 7, dtype: 'float32' });
    const reps = M * N > 2 ** 21 ? 1 : 3;
    const times: number[] = [];
    const cpus: number[] = [];
    let lmax = 0;
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const s = esdSpectrum(W, { normalize: 'none', backend: tsSpectrumBackend });
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
      const c = process.cpuUsage(c0);
      cpus.push((c.user + c.system) / 1e6);
      lmax = s.eigenvalues[s.eigenvalues.length - 1];
    }
    const ours = median(times);
    const oursCpu = median(cpus);
    let ref = 'n/a | n/a';
    let ratio = 'n/a | n/a';
    let dl = 'n/a';
    if (py) {
      const f = path.join(dir, `w${M}x${N}.npy`);
      fs.writeFileSync(f, npyF32([M, N], W.data as Float32Array));
      const run = (env: NodeJS.ProcessEnv) => {
        const p = spawnSync(py, ['-c', PY, f, String(reps)], { env: { ...process.env, OPENBLAS_NUM_THREADS: '2', ...env }, encoding: 'utf8' });
        if (p.status !== 0) throw new Error(p.stderr);
        return JSON.parse(p.stdout) as { svd: number; eigvalsh: number; lmax: number };
      };
      const a = run({ OPENBLAS_CORETYPE: '' });
      const b = run({ OPENBLAS_CORETYPE: 'SkylakeX' });
      ref = `${a.svd.toFixed(3)} / ${b.svd.toFixed(3)} s | ${a.eigvalsh.toFixed(3)} / ${b.eigvalsh.toFixed(3)} s`;
      ratio = `${(ours / a.svd).toFixed(2)}× / ${(ours / b.svd).toFixed(2)}× | ${(ours / a.eigvalsh).toFixed(2)}× / ${(ours / b.eigvalsh).toFixed(2)}×`;
      dl = (Math.abs(lmax - a.lmax) / a.lmax).toExponential(1);
    }
    console.log(`${M}×${N} | ${ours.toFixed(3)} s (cpu ${oursCpu.toFixed(3)} s) | ${ref} | ${ratio} | ${dl}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
