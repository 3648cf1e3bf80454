/**
 * bench/model: one real model analyzed by esdlab and by WeightWatcher 0.7.5.5 in the same run, same
 * layers, same options: wall time of the whole analysis (as ratios) and per-layer alpha agreement.
 *
 * Run (from the repository root):
 *   npx esbuild bench/model.ts --bundle --platform=node --outfile=/tmp/esdlab-bench-model.js && node /tmp/esdlab-bench-model.js
 * Options: `--model PATH` (default: the embedded default model, FaceRes from @vladmandic/human),
 * `--rounds 3`, `--no-python`.
 * Python: $ESDLAB_REF_PYTHON or /work/refvenv/bin/python with weightwatcher 0.7.5.5 (installed without
 * torch: its WW_FLATFILES input needs none). The layers esdlab selects with WeightWatcher's default
 * filters (min_evals 10, max_evals 15000, max_N 50000) are written once as float32 `.npy` files (conv
 * kernels in PyTorch layout, as WeightWatcher's flat files expect) plus a `ww_config.json`; WeightWatcher runs `analyze(model=dir)` with its defaults, and
 * esdlab runs `analyze(dir, {layerOptions: {preset: 'ww'}})` (λ = σ², WeightWatcher's conv2d scaling,
 * its xmin candidates and 1e-5 floor) on the same directory, so both read the same bytes. esdlab is also
 * timed on the original model file (its own loader, float16 decoding included).
 * Times: median over rounds of the whole analyze call (reading files included, process start and
 * imports excluded); WeightWatcher is timed inside Python around `watcher.analyze`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze, describe } from '../src/analysis/analyze';
import { openModelOrUrl } from '../src/analysis/openAny';
import { installDefaultSpectrumBackend } from '../src/engine/install';
import { defaultModelPath } from '../src/io/defaultModel';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

function npyF32(shape: number[], data: ArrayLike<number>): Buffer {
  let h = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + h.length + 1;
  h += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(h.length, 8);
  const body = Buffer.from(Float32Array.from(data).buffer);
  return Buffer.concat([head, Buffer.from(h, 'latin1'), body]);
}

/** Keras (kh, kw, in, out) → PyTorch (out, in, kh, kw), the layout WeightWatcher's flat files use. */
function hwioToOihw(shape: number[], d: ArrayLike<number>): { data: Float32Array; shape: number[] } {
  const [h, w, i, o] = shape;
  const out = new Float32Array(d.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let b = 0; b < i; b++) for (let a = 0; a < o; a++) {
    out[((a * i + b) * h + y) * w + x] = d[((y * w + x) * i + b) * o + a];
  }
  return { data: out, shape: [o, i, h, w] };
}


const PY = `
import contextlib, io, json, sys, time, warnings, os
warnings.simplefilter('ignore')
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    import weightwatcher as ww, logging
    logging.getLogger('weightwatcher').setLevel(logging.ERROR)
d = sys.argv[1]; rounds = int(sys.argv[2])
os.chdir(d)
times = []
for r in range(rounds):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        w = ww.WeightWatcher()
        t0 = time.perf_counter()
        det = w.analyze(model=d)
        times.append(time.perf_counter() - t0)
print(json.dumps({'times': times, 'rows': [{'name': str(r['name']), 'alpha': float(r['alpha']), 'D': float(r['D']), 'xmin': float(r['xmin']), 'num_evals': int(r['num_evals'])} for _, r in det.iterrows()]}))
`;
import { median } from './timing';

async function main(): Promise<void> {
  if (!process.env.ESDLAB_ASSETS_DIR) process.env.ESDLAB_ASSETS_DIR = path.join(process.cwd(), 'assets');
  installDefaultSpectrumBackend();
  const model = arg('model', '') || defaultModelPath();
  const rounds = Number(arg('rounds', '3'));
  const filter = { min_evals: 10, max_evals: 15000, max_N: 50000 };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-bench-model-'));
  try {
    // the selected layers as a WeightWatcher flat-file model
    const d = await describe(model, filter);
    const m = await openModelOrUrl(model);
    const layers: Record<string, unknown> = {};
    for (const l of d.layers) {
      let t = await m.readTensor(l.longname);
      if (l.layout === 'keras' && t.shape.length === 4) t = hwioToOihw(t.shape, t.data); // flat files use PyTorch layout
      const file = `${l.layer_id}.weight.npy`;
      fs.writeFileSync(path.join(dir, file), npyF32(t.shape, t.data));
      layers[String(l.layer_id + 1)] = { name: l.name, longname: l.name, weightfile: file, biasfile: null, type: l.layer_type === 'embedding' ? 'dense' : l.layer_type, dims: JSON.stringify(t.shape) };
    }
    await m.close();
    fs.writeFileSync(path.join(dir, 'ww_config.json'), JSON.stringify({ weights_dir: '.', layers }));
    console.log(`model ${model}: ${d.layers.length} layers selected (${d.skipped.length} skipped by WeightWatcher's default filters), ${rounds} rounds, load average ${os.loadavg()[0].toFixed(1)}`);

    const opts = { ...filter, layerOptions: { preset: 'ww' } };
    await analyze(dir, opts); // warm-up (engine start, JIT)
    const tFlat: number[] = [];
    const tOrig: number[] = [];
    let ours = await analyze(dir, opts);
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      ours = await analyze(dir, opts);
      tFlat.push(performance.now() - t0);
      t0 = performance.now();
      await analyze(model, opts);
      tOrig.push(performance.now() - t0);
    }
    const backend = String(ours.layers[0]?.backend ?? '?');
    console.log(`esdlab (${backend}): flat files ${median(tFlat).toFixed(0)} ms, original model file ${median(tOrig).toFixed(0)} ms (median of ${rounds})`);
    if (process.argv.includes('--no-python')) return;
    const py = process.env.ESDLAB_REF_PYTHON ?? '/work/refvenv/bin/python';
    if (!fs.existsSync(py)) { console.log(`(no reference Python at ${py}: WeightWatcher column skipped)`); return; }
    fs.writeFileSync(path.join(dir, 'run_ww.py'), PY);
    const res = spawnSync(py, [path.join(dir, 'run_ww.py'), dir, String(rounds)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (res.status !== 0) { console.log(`WeightWatcher failed: ${res.stderr.slice(-2000)}`); return; }
    const ww = JSON.parse(res.stdout.trim().split('\n').pop() as string) as { times: number[]; rows: Array<{ name: string; alpha: number; D: number; xmin: number; num_evals: number }> };
    const tWw = median(ww.times) * 1000;
    console.log(`WeightWatcher 0.7.5.5: ${tWw.toFixed(0)} ms (median of ${rounds})`);
    console.log(`time ratio esdlab/WeightWatcher: flat files ${(median(tFlat) / tWw).toFixed(3)}×, original model ${(median(tOrig) / tWw).toFixed(3)}× (goal ≤ 0.5×)`);
    console.log('\nlayer                                      num_evals  alpha(esdlab)  alpha(WW)   |Δalpha|   xmin rel.diff');
    let worst = 0;
    let matched = 0;
    for (const w of ww.rows) {
      const o = ours.layers.find((r) => r.name === w.name);
      if (!o) { console.log(`${w.name.padEnd(42)} missing in esdlab`); continue; }
      matched++;
      const a = typeof o.alpha === 'number' ? o.alpha : NaN;
      const da = Math.abs(a - w.alpha);
      worst = Math.max(worst, da / Math.abs(w.alpha));
      const dx = Math.abs((o.xmin as number) - w.xmin) / Math.abs(w.xmin);
      console.log(`${w.name.padEnd(42)} ${String(w.num_evals).padStart(9)}  ${a.toFixed(6).padStart(13)}  ${w.alpha.toFixed(6).padStart(9)}  ${da.toExponential(2).padStart(9)}  ${dx.toExponential(2)}`);
    }
    console.log(`\n${matched}/${ww.rows.length} layers matched by name (esdlab analyzed ${ours.layers.length}); largest relative alpha difference ${worst.toExponential(2)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
