/**
 * bench/mpfit: Marchenko–Pastur fits on the same eigenvalues, same run — esdlab's WeightWatcher-compatible
 * `fitMpWW`, its robust `fitMpRobust`, the full `classifyPhase`, and WeightWatcher's own
 * `RMT_Util.fit_density_with_range` (the KDE + brute + fmin fit inside `analyze(mp_fit=True)`), on the
 * mean-1 rescaled eigenvalues exactly as `mp_fit` passes them.
 *
 * Run (from the repository root):
 *   npx esbuild bench/mpfit.ts --bundle --platform=node --outfile=/tmp/esdlab-bench-mpfit.js && node /tmp/esdlab-bench-mpfit.js
 * Python: $ESDLAB_REF_PYTHON or /work/refvenv/bin/python (weightwatcher installed); without it the
 * reference columns are skipped. Times: median of 5 (ours) / 1 (WeightWatcher's, seconds per call),
 * eigenvalues precomputed (the eigen solve is not part of the fit). The machine is shared: compare ratios.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { esd } from '../src/core/esd';
import { fitMpRobust, fitMpWW } from '../src/core/mpFit';
import { classifyPhase } from '../src/core/phases';
import { gaussianMatrix, lomaxMatrix } from '../src/core/randomMatrices';

const PY = `
import sys, json, time, numpy as np
from weightwatcher.RMT_Util import fit_density_with_range
d = json.load(open(sys.argv[1]))
out = {}
for c in d:
    ev = np.array(c['evals'], dtype=np.float64)
    x = ev * (np.sqrt(len(ev)) / np.sqrt(np.sum(ev)))**2
    t = time.perf_counter(); s, _ = fit_density_with_range(x, c['N'] / c['M']); dt = time.perf_counter() - t
    out[c['name']] = {'ms': dt * 1000, 'sigma_mp': float(s)}
print(json.dumps(out))
`;
import { timeMs } from './timing';

const cases = [
  { name: 'gauss 1024x512', W: gaussianMatrix(1024, 512, { seed: 1 }) },
  { name: 'gauss 2048x1024', W: gaussianMatrix(2048, 1024, { seed: 2 }) },
  { name: 'lomax3 2048x1024', W: lomaxMatrix(2048, 1024, 3, { seed: 3 }) },
].map((c) => {
  const e = esd(c.W, { normalize: 'none' });
  return { name: c.name, N: e.N, M: e.M, evals: e.eigenvalues };
});

const py = process.env.ESDLAB_REF_PYTHON ?? '/work/refvenv/bin/python';
let ref: Record<string, { ms: number; sigma_mp: number }> | null = null;
if (fs.existsSync(py)) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-bench-mpfit-'));
  const f = path.join(dir, 'evals.json');
  fs.writeFileSync(f, JSON.stringify(cases));
  const r = spawnSync(py, ['-c', PY, f], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try { ref = JSON.parse(line); } catch { console.log(`(reference failed: ${r.stderr.slice(-300)})`); }
  fs.rmSync(dir, { recursive: true, force: true });
} else console.log(`(no Python at ${py}: reference columns skipped)`);

console.log('case               fitMpWW ms  fitMpRobust ms  classifyPhase ms  WW fit ms   WW/ours(fitMpWW)  |Δsigma_mp|');
for (const c of cases) {
  const spec = { eigenvalues: c.evals, N: c.N, M: c.M };
  const a = timeMs(() => fitMpWW(spec));
  const b = timeMs(() => fitMpRobust(spec));
  const p = timeMs(() => classifyPhase(spec));
  const r = ref ? ref[c.name] : null;
  const d = r ? Math.abs(fitMpWW(spec).sigma_mp - r.sigma_mp) : NaN;
  console.log(`${c.name.padEnd(18)} ${a.toFixed(2).padStart(10)} ${b.toFixed(2).padStart(15)} ${p.toFixed(2).padStart(17)} ${r ? r.ms.toFixed(0).padStart(10) : '–'.padStart(10)} ${r ? (r.ms / a).toFixed(0).padStart(17) : '–'.padStart(17)}  ${r ? d.toExponential(1) : '–'}`);
}
