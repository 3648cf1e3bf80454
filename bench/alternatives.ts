/**
 * bench/alternatives: esdlab's truncated-power-law fit (and the other alternatives) vs powerlaw 1.5's
 * `Fit(x, xmin=…).truncated_power_law` (what WeightWatcher's `fit='TPL'` calls), same data, same run.
 *
 * Run (from the repository root):
 *   npx esbuild bench/alternatives.ts --bundle --platform=node --outfile=/tmp/esdlab-bench-alt.js && node /tmp/esdlab-bench-alt.js
 * Options: `--sizes 512,15000` (default), `--no-python` (skip the reference column).
 * Python: $ESDLAB_REF_PYTHON or /work/refvenv/bin/python (with powerlaw==1.5); skipped with a note if
 * missing. Each side gets the same tail (written to a temp file) and the same xmin; ours: median of
 * 7 runs; powerlaw: 1 run (its fit includes a KS distance over the tail with mpmath's gammainc per
 * value, which is part of what a WeightWatcher TPL fit costs; ours computes no KS distance for the
 * alternatives). Also printed: the log-likelihood each side reaches (ours must be ≥).
 *
 * Data: seeded samples of the truncated power law x^(−1.8)·e^(−x/50) on [1, ∞) (an interior optimum:
 * the hard case), plus a pure Pareto tail (α = 3.5, where the maximum is at λ = 0).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRng } from '../src/core/rng';
import { ALTERNATIVE_DISTRIBUTIONS, fitDistribution } from '../src/core/alternatives';

function tplSample(n: number, seed: number): Float64Array {
  const r = createRng(seed);
  const out = new Float64Array(n);
  let k = 0;
  while (k < n) {
    const v = Math.pow(1 - r.next(), -1 / 0.8); // Pareto(1.8) proposal
    if (r.next() < Math.exp(-(v - 1) / 50)) out[k++] = v;
  }
  return out;
}

function paretoSample(n: number, seed: number): Float64Array {
  const r = createRng(seed);
  return Float64Array.from({ length: n }, () => Math.pow(1 - r.next(), -1 / 2.5));
}

const PY = `
import sys, time, json, warnings
warnings.filterwarnings('ignore')
import numpy as np, powerlaw
x = np.loadtxt(sys.argv[1])
fit = powerlaw.Fit(x, xmin=1.0)
t0 = time.time()
d = fit.truncated_power_law
t = time.time() - t0
print(json.dumps({'ms': t * 1000, 'alpha': float(d.alpha), 'Lambda': float(d.Lambda),
                  'logLikelihood': float(np.sum(d.loglikelihoods(fit.data)))}))
`;
import { timeMs } from './timing';

function main(): void {
  const args = process.argv.slice(2);
  const si = args.indexOf('--sizes');
  const sizes = si >= 0 ? args[si + 1].split(',').map(Number) : [512, 15000];
  const noPy = args.includes('--no-python');
  const py = process.env.ESDLAB_REF_PYTHON ?? '/work/refvenv/bin/python';
  const havePy = !noPy && fs.existsSync(py);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-bench-alt-'));
  const script = path.join(dir, 'tpl.py');
  fs.writeFileSync(script, PY);
  console.log('truncated power law, xmin = 1 (times in ms; ratio = ours / powerlaw)');
  console.log('data          n    ours TPL  ours all 5   powerlaw TPL   ratio     LL ours − LL powerlaw   alpha, Lambda (ours)');
  for (const kind of ['tpl', 'pareto'] as const) {
    for (const n of sizes) {
      const x = kind === 'tpl' ? tplSample(n, 1000 + n) : paretoSample(n, 2000 + n);
      const tpl = timeMs(() => fitDistribution('truncated_power_law', x, { xmin: 1 }), 7, 0);
      const all = timeMs(() => ALTERNATIVE_DISTRIBUTIONS.map((d) => fitDistribution(d, x, { xmin: 1 })), 3, 0);
      const ours = fitDistribution('truncated_power_law', x, { xmin: 1 });
      let ref = 'skipped (no Python)';
      let ratio = '';
      let dll = '';
      if (havePy) {
        const file = path.join(dir, `${kind}${n}.txt`);
        fs.writeFileSync(file, Array.from(x, (v) => v.toPrecision(17)).join('\n') + '\n');
        const r = spawnSync(py, [script, file], { encoding: 'utf8', timeout: 900000 });
        if (r.status === 0) {
          const o = JSON.parse(r.stdout.trim().split('\n').pop() as string);
          ref = o.ms.toFixed(0);
          ratio = (tpl / o.ms).toExponential(1);
          dll = (ours.logLikelihood - o.logLikelihood).toExponential(2);
        } else {
          ref = `failed (${r.error ? r.error.message : r.stderr.trim().split('\n').pop()})`;
        }
      }
      console.log(
        `${kind.padEnd(8)} ${String(n).padStart(6)} ${tpl.toFixed(2).padStart(10)} ${all.toFixed(1).padStart(11)} ${ref.padStart(14)} ${ratio.padStart(8)} ${dll.padStart(22)}    ${ours.params.alpha!.toFixed(5)}, ${ours.params.Lambda!.toExponential(4)}`,
      );
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
