/**
 * bench/memory: peak memory of `analyze()` on a generated safetensors file larger than 2 GB. The
 * loader reads the header, then one tensor at a time at its offset, so the peak resident set should
 * stay under 3× the largest tensor whatever the file size. (No reference tool here: WeightWatcher
 * needs torch for safetensors; the figure is esdlab's own, against the 3× bound.)
 *
 * Run (from the repository root):
 *   npx esbuild bench/memory.ts --bundle --platform=node --outfile=/tmp/esdlab-bench-memory.js && node /tmp/esdlab-bench-memory.js
 * Options: `--tensors 17` `--shape 131072x256` (float32: 128 MiB each, 2.28 GB in all), `--dir DIR`
 * (default the OS temp dir), `--keep` (do not delete the file). The file is deleted at the end.
 * The analysis runs in a fresh Node process whose peak RSS (VmHWM from /proc/self/status) is reported,
 * together with the RSS of an idle process that loaded the same bundle (the runtime's own share).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyze } from '../src/analysis/analyze';
import { installDefaultSpectrumBackend } from '../src/engine/install';
import { createRng } from '../src/core/rng';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
}

async function child(file: string): Promise<void> {
  if (!process.env.ESDLAB_ASSETS_DIR) process.env.ESDLAB_ASSETS_DIR = path.join(process.cwd(), 'assets');
  installDefaultSpectrumBackend();
  const t0 = Date.now();
  const res = await analyze(file, { min_evals: 0 });
  const ms = Date.now() - t0;
  process.stdout.write(JSON.stringify({ peak: peakRssMiB(), ms, rows: res.layers.length, ok: res.layers.filter((r) => r.status === 'success').length, backend: res.layers[0]?.backend ?? null }) + '\n');
}

function writeFile(file: string, count: number, rows: number, cols: number): void {
  const n = rows * cols;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', note: 'esdlab bench/memory' } };
  for (let k = 0; k < count; k++) header[`layers.${k}.weight`] = { dtype: 'F32', shape: [rows, cols], data_offsets: [k * n * 4, (k + 1) * n * 4] };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const fd = fs.openSync(file, 'w');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  fs.writeSync(fd, len);
  fs.writeSync(fd, json);
  // values: a seeded block of Gaussian rows, repeated with a per-tensor scale (the distribution does
  // not matter for memory; generating 500 M normals would dominate the run)
  const blockRows = 4096;
  const block = new Float32Array(blockRows * cols);
  const rng = createRng(1000);
  for (let i = 0; i < block.length; i++) block[i] = rng.normal() * 0.02;
  const buf = new Float32Array(block.length);
  for (let k = 0; k < count; k++) {
    for (let r = 0; r < rows; r += blockRows) {
      const m = Math.min(blockRows, rows - r) * cols;
      const s = 1 + 0.01 * k + 1e-6 * r;
      for (let i = 0; i < m; i++) buf[i] = block[i] * s + (i % 7 === 0 ? 1e-4 * Math.sin(r + i) : 0);
      fs.writeSync(fd, new Uint8Array(buf.buffer, 0, m * 4));
    }
  }
  fs.closeSync(fd);
}

async function main(): Promise<void> {
  const ci = process.argv.indexOf('--child');
  if (ci >= 0) return child(process.argv[ci + 1]);
  if (process.argv.includes('--idle')) {
    process.stdout.write(JSON.stringify({ peak: peakRssMiB() }) + '\n');
    return;
  }
  const count = Number(arg('tensors', '17'));
  const [rows, cols] = arg('shape', '131072x256').split('x').map(Number);
  const dir = fs.mkdtempSync(path.join(arg('dir', os.tmpdir()), 'esdlab-mem-'));
  const file = path.join(dir, 'big.safetensors');
  try {
    const t0 = Date.now();
    writeFile(file, count, rows, cols);
    const size = fs.statSync(file).size;
    const largest = rows * cols * 4;
    console.log(`generated ${file}: ${(size / 1e9).toFixed(2)} GB, ${count} float32 tensors ${rows}×${cols} (largest ${(largest / 2 ** 20).toFixed(0)} MiB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const idle = JSON.parse(spawnSync(process.execPath, [process.argv[1], '--idle'], { encoding: 'utf8' }).stdout);
    const r = spawnSync(process.execPath, [process.argv[1], '--child', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
    const res = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    const ratio = (res.peak * 2 ** 20) / largest;
    console.log(`analyze(): ${res.ok}/${res.rows} layers ok in ${(res.ms / 1000).toFixed(1)} s (backend ${res.backend})`);
    console.log(`peak RSS ${res.peak.toFixed(0)} MiB = ${ratio.toFixed(2)}× the largest tensor (bound 3×: ${ratio < 3 ? 'PASS' : 'FAIL'}); file/peak = ${(size / (res.peak * 2 ** 20)).toFixed(1)}×; idle process with the same bundle: ${idle.peak.toFixed(0)} MiB`);
  } finally {
    if (!process.argv.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
