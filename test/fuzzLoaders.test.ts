import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isEsdlabError } from '../src/core/errors';
import { createRng } from '../src/core/rng';
import { openKeras } from '../src/io/keras';
import { openModel } from '../src/io/openModel';
import { MODELS } from './ioFixtures';

// Bounded fuzzing: each format's fixture is mutated (byte flips, random overwrites, truncation,
// insertion) with a fixed seed; opening the result and reading every tensor must either succeed or
// throw an EsdlabError — never another exception, a hang or a crash.
const ITER = 120;

function mutate(src: Uint8Array, rng: ReturnType<typeof createRng>): Uint8Array {
  const kind = Math.floor(rng.next() * 5);
  const at = Math.floor(rng.next() * src.length);
  if (kind === 0) return src.slice(0, at); // truncate
  const b = src.slice();
  if (kind === 1) { // flip a few bits
    for (let k = 0; k < 1 + Math.floor(rng.next() * 8); k++) b[Math.floor(rng.next() * b.length)] ^= 1 << Math.floor(rng.next() * 8);
    return b;
  }
  if (kind === 2) { // overwrite a run with random bytes
    for (let k = 0; k < 1 + Math.floor(rng.next() * 32) && at + k < b.length; k++) b[at + k] = Math.floor(rng.next() * 256);
    return b;
  }
  if (kind === 3) { // overwrite near the start (headers live there) with extreme values
    const pos = Math.floor(rng.next() * Math.min(64, b.length));
    for (let k = 0; k < 4 && pos + k < b.length; k++) b[pos + k] = rng.next() < 0.5 ? 0xff : 0;
    return b;
  }
  const ins = new Uint8Array(1 + Math.floor(rng.next() * 16)).map(() => Math.floor(rng.next() * 256));
  const out = new Uint8Array(src.length + ins.length);
  out.set(src.subarray(0, at));
  out.set(ins, at);
  out.set(src.subarray(at), at + ins.length);
  return out;
}

describe('fuzzing the loaders accepts only typed errors', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-fuzz-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, string, number, number?]> = [
    ['tiny_f32.safetensors', 'x.safetensors', 1],
    ['tiny_bf16.safetensors', 'x.safetensors', 2],
    ['tiny.npz', 'x.npz', 3],
    ['tiny_compressed.npz', 'x.npz', 4],
    ['tiny.pt', 'x.pt', 5],
    ['seq_state_dict.bin', 'x.bin', 6],
    ['wwflat/ww_config.json', 'ww', 7],
    ['tiny.onnx', 'x.onnx', 9],
    ['tflite/face_detection_short_range.tflite', 'x.tflite', 12, 60],
    // HDF5 runs in a worker (≈1 s to start) and some corrupted files make the HDF5 library loop: fewer
    // iterations, and a 5 s request limit that turns a hang into a typed error
    ['tiny_keras.h5', 'x.h5', 10, 30],
    ['tiny.keras', 'x.keras', 11, 20],
    ['../../../node_modules/@vladmandic/human/models/liveness.json', 'tfjs', 8],
  ];
  for (const [fixture, target, seed, iters = ITER] of cases) {
    test(`${fixture}: ${iters} mutations`, async () => {
      const rng = createRng(seed);
      const src = new Uint8Array(fs.readFileSync(path.join(MODELS, fixture)));
      const counts = { ok: 0, typed: 0 };
      for (let i = 0; i < iters; i++) {
        let p = path.join(dir, target);
        const bytes = mutate(src, rng);
        if (target === 'ww') {
          // a copy of the flat-file directory with a mutated config
          const d = path.join(dir, `ww${seed}`);
          fs.mkdirSync(d, { recursive: true });
          for (const f of fs.readdirSync(path.join(MODELS, 'wwflat'))) fs.copyFileSync(path.join(MODELS, 'wwflat', f), path.join(d, f));
          fs.writeFileSync(path.join(d, 'ww_config.json'), bytes);
          p = d;
        } else if (target === 'tfjs') {
          // the real TF.js model (float32, from @vladmandic/human) with a mutated model.json; its shard unchanged
          const bin = path.join(dir, 'liveness.bin');
          if (!fs.existsSync(bin)) fs.copyFileSync(path.join(MODELS, fixture.replace(/\.json$/, '.bin')), bin);
          p = path.join(dir, 'model.json');
          fs.writeFileSync(p, bytes);
        } else fs.writeFileSync(p, bytes);
        try {
          const m = /\.(h5|keras)$/.test(p) ? await openKeras(p, { timeoutMs: 5000 }) : await openModel(p);
          try {
            for (const t of m.tensors) await m.readTensor(t.name);
          } finally {
            await m.close();
          }
          counts.ok++;
        } catch (e) {
          if (!isEsdlabError(e)) throw new Error(`iteration ${i}: untyped ${String((e as Error)?.stack ?? e)}`);
          counts.typed++;
        }
      }
      expect(counts.ok + counts.typed).toBe(iters);
      expect(counts.typed).toBeGreaterThan(0);
    });
  }
});
