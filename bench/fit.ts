/**
 * bench/fit: esdlab's fitPowerLaw vs WeightWatcher's WWFit vs powerlaw 1.5 `Fit`, same data, same run.
 *
 * Run (from the repository root):
 *   npx esbuild bench/fit.ts --bundle --platform=node --outfile=/tmp/esdlab-bench-fit.js && node /tmp/esdlab-bench-fit.js
 * Options: `--sizes 500,2000,8000` (default), `--no-powerlaw` (skip powerlaw.Fit, slow at n = 8000).
 * Python: $ESDLAB_REF_PYTHON or /work/refvenv/bin/python (with powerlaw==1.5 and weightwatcher); the
 * reference columns are skipped with a note when neither is found.
 *
 * Data: seeded heavy-tailed values (Pareto tail, density exponent 2.5, behind a lognormal body),
 * written to a temp file that both sides read. Times are the median of several runs (ours: 7; WWFit: 3;
 * powerlaw: 1) of a complete fit (xmin search + alpha + D), excluding process start and file parsing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRng } from '../src/core/rng';
import { fitPowerLaw } from '../src/core/powerlaw';

function data(n: number, seed: number): Float64Array {
  const r = createRng(seed);
  const x = new Float64Array(n);
  const nBody = Math.floor(0.4 * n);
  for (let i = 0; i < n; i++) {
    if (i < nBody) x[i] = 0.5 * Math.exp(0.5 * r.normal());
    else x[i] = Math.pow(1 - r.next(), -1 / 1.5);
  }
  return x;
}

function findPython(): string | null {
  const cands = [process.env.ESDLAB_REF_PYTHON, '/work/refvenv/bin/python'].filter((s): s is string => !!s);
  for (const c of cands) if (fs.existsSync(c)) return c;
  return null;
}

const PY = `
import sys, time, json, io, contextlib, warnings
warnings.simplefilter("ignore")
import numpy as np
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    import powerlaw
    from weightwatcher.WW_powerlaw import WWFit
x = np.loadtxt(sys.argv[1]); do_pl = sys.argv[2] == "1"
out = {}
ts = []
for _ in range(3):
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        f = WWFit(x)
    ts.append(time.perf_counter() - t)
out["ww"] = {"seconds": sorted(ts)[1], "alpha": float(f.alpha), "xmin": float(f.xmin), "D": float(f.D)}
if do_pl:
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        f = powerlaw.Fit(x, verbose=False)
    out["pl"] = {"seconds": time.perf_counter() - t, "alpha": float(f.alpha), "xmin": float(f.xmin), "D": float(f.D)}
print(json.dumps(out))
`;
import { median } from './timing';

function main(): void {
  const args = process.argv.slice(2);
  const si = args.indexOf('--sizes');
  const sizes = si >= 0 ? args[si + 1].split(',').map(Number) : [500, 2000, 8000];
  const doPl = !args.includes('--no-powerlaw');
  const py = findPython();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-bench-fit-'));
  const rows: string[][] = [];
  const head = ['n', 'esdlab ms', 'WWFit ms', 'powerlaw ms', 'esdlab/WWFit', 'esdlab/powerlaw', 'same fit'];
  for (let k = 0; k < 20; k++) fitPowerLaw(data(4000, k)); // global JIT warm-up
  try {
    for (const n of sizes) {
      const x = data(n, 1000 + n);
      const file = path.join(tmp, `x${n}.txt`);
      fs.writeFileSync(file, Array.from(x, (v) => String(v)).join('\n') + '\n');
      for (let k = 0; k < 5; k++) fitPowerLaw(x); // warm-up (JIT)
      const ts: number[] = [];
      let fit = fitPowerLaw(x);
      for (let k = 0; k < 7; k++) {
        const t = process.hrtime.bigint();
        fit = fitPowerLaw(x);
        ts.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      const ours = median(ts);
      let ww: { seconds: number; alpha: number; xmin: number; D: number } | null = null;
      let pl: { seconds: number; alpha: number; xmin: number; D: number } | null = null;
      if (py) {
        const r = spawnSync(py, ['-c', PY, file, doPl ? '1' : '0'], { encoding: 'utf8', maxBuffer: 1 << 24 });
        if (r.status === 0) {
          const o = JSON.parse(r.stdout.trim().split('\n').pop() as string);
          ww = o.ww; pl = o.pl ?? null;
        } else {
          process.stderr.write(`python failed (n=${n}): ${r.stderr.split('\n').slice(-3).join(' ')}\n`);
        }
      }
      const same = [ww, pl].filter((v): v is NonNullable<typeof v> => v !== null)
        .every((v) => v.xmin === fit.xmin && Math.abs(v.alpha - fit.alpha) <= 1e-9 * fit.alpha && Math.abs(v.D - fit.D) <= 1e-9 * fit.D);
      rows.push([
        String(n), ours.toFixed(2),
        ww ? (ww.seconds * 1e3).toFixed(1) : '-', pl ? (pl.seconds * 1e3).toFixed(0) : '-',
        ww ? (ours / (ww.seconds * 1e3)).toFixed(4) : '-', pl ? (ours / (pl.seconds * 1e3)).toFixed(5) : '-',
        ww || pl ? (same ? 'yes' : 'NO') : '-',
      ]);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padStart(w[i])).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  if (!py) console.log('(reference columns skipped: no Python found; set ESDLAB_REF_PYTHON)');
  console.log(`node ${process.version}; ${os.cpus()[0]?.model ?? 'cpu'}; ratio < 1 = esdlab faster; goal esdlab/WWFit ≤ 0.05 at n = 8000`);
}

main();
