import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isEsdlabError } from '../src/core/errors';
import { layersOf } from '../src/io/model';
import { openTfjs } from '../src/io/tfjs';
import { eigenvaluesOf } from './ioFixtures';

// Real tensorflowjs-converter output shipped by @vladmandic/human (an optional dependency that
// `npm ci` installs); reference values from test/fixtures/make_tfjs_reference.py (numpy).
const HUMAN = path.join(__dirname, '..', 'node_modules', '@vladmandic', 'human', 'models');
const REF: { layers: Record<string, { shape: number[]; stored: string; sum: number; first: number[]; eigenvalues: number[] }> } =
  JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'models', 'human.expected.json'), 'utf8'));

describe('TF.js graph models (@vladmandic/human)', () => {
  test('the default-model package is installed', () => {
    expect(fs.existsSync(path.join(HUMAN, 'faceres.json'))).toBe(true);
  });

  for (const key of Object.keys(REF.layers)) {
    const [file, name] = key.split(/:(.*)/s);
    test(`${key}: values and eigenvalues match numpy (${REF.layers[key].stored})`, async () => {
      const m = await openTfjs(path.join(HUMAN, file));
      try {
        const e = REF.layers[key];
        const t = await m.readTensor(name);
        expect(t.shape).toEqual(e.shape);
        let sum = 0;
        for (let i = 0; i < t.data.length; i++) sum += t.data[i];
        expect(Math.abs(sum - e.sum)).toBeLessThan(1e-9 * Math.max(1, Math.abs(e.sum)));
        e.first.forEach((v, i) => expect(t.data[i]).toBe(v));
        const ev = eigenvaluesOf(t, 'keras');
        const lmax = e.eigenvalues[e.eigenvalues.length - 1];
        expect(ev.length).toBe(e.eigenvalues.length);
        let worst = 0;
        ev.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - e.eigenvalues[i]) / Math.max(e.eigenvalues[i], 1e-6 * lmax)); });
        expect(worst).toBeLessThan(1e-9);
      } finally {
        await m.close();
      }
    });
  }

  test('layer types come from the graph ops; quantization is recorded', async () => {
    const m = await openTfjs(path.join(HUMAN, 'faceres.json'));
    const layers = layersOf(m);
    const feats = layers.find((l) => l.longname === 'feats/kernel')!;
    expect(feats).toMatchObject({ layer_type: 'dense', N: 1024, M: 256, rf: 1, dtype: 'F16', dequantized: null });
    const pw = layers.find((l) => l.longname === 'conv_pw_13/convolution/merged_input')!;
    expect(pw).toMatchObject({ layer_type: 'conv2d', layout: 'keras', N: 1024, M: 1024, rf: 1, num_evals: 1024 });
    const dw = layers.find((l) => l.longname === 'conv_dw_1/depthwise_kernel')!;
    expect(dw).toMatchObject({ layer_type: 'conv2d', N: 32, M: 1, rf: 9 });
    await m.close();
    const h = await openTfjs(path.join(HUMAN, 'handtrack.json'));
    const q = layersOf(h).find((l) => l.longname.endsWith('model/Conv_1/Conv2D_weights'))!;
    expect(q.dtype).toBe('U8');
    expect(q.dequantized).toMatch(/^uint8 affine: q\*scale\+min \(scale=/);
    await h.close();
  });
});

describe('TF.js manifest validation', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-tfjs-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (manifest: unknown, bin = 16): string => {
    const f = path.join(dir, `m${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(f, JSON.stringify(manifest));
    fs.writeFileSync(path.join(dir, 'w.bin'), Buffer.alloc(bin));
    return f;
  };
  const code = async (p: Promise<unknown>): Promise<string> => p.then(() => 'no error', (e) => (isEsdlabError(e) ? e.code : `untyped: ${String(e)}`));

  test('weights needing more bytes than the shards hold → TRUNCATED', async () => {
    const f = write({ format: 'graph-model', weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'a', shape: [3, 3], dtype: 'float32' }] }] });
    expect(await code(openTfjs(f))).toBe('TRUNCATED');
  });
  test('shard path escaping the directory → FORBIDDEN', async () => {
    const f = write({ weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] });
    expect(await code(openTfjs(f))).toBe('FORBIDDEN');
  });
  test('unknown dtype → UNSUPPORTED_DTYPE', async () => {
    const f = write({ weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'a', shape: [2], dtype: 'complex64' }] }] });
    expect(await code(openTfjs(f))).toBe('UNSUPPORTED_DTYPE');
  });
  test('not a model.json → PARSE_ERROR', async () => {
    const f = write({ hello: 1 });
    expect(await code(openTfjs(f))).toBe('PARSE_ERROR');
  });
  test('uint8 affine dequantization: q*scale+min, across shards', async () => {
    const f = path.join(dir, 'q.json');
    fs.writeFileSync(f, JSON.stringify({ format: 'layers-model', modelTopology: { model_config: { config: { layers: [{ class_name: 'Dense', config: { name: 'd' } }] } } },
      weightsManifest: [{ paths: ['q1.bin', 'q2.bin'], weights: [{ name: 'd/kernel', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }] }] }));
    fs.writeFileSync(path.join(dir, 'q1.bin'), Buffer.from([0, 1, 2]));
    fs.writeFileSync(path.join(dir, 'q2.bin'), Buffer.from([255]));
    const m = await openTfjs(f);
    expect(m.format).toBe('tfjs-layers');
    expect(m.tensors[0].typeHint).toBe('dense');
    expect(Array.from((await m.readTensor('d/kernel')).data)).toEqual([-1, -0.5, 0, 126.5]);
    await m.close();
  });
});
