import { Matrix } from 'ml-matrix';
import { analyze, describe as describeModel } from '../src/analysis/analyze';
import { createRng } from '../src/core/rng';
import { esdSpectrum } from '../src/core/esd';
import { modelFromTensors } from '../src/io/model';

function gauss(n: number, seed: number): Float32Array {
  const r = createRng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
}

describe('in-memory tensors as a model', () => {
  test('typed-array tensors, ml-matrix matrices, nested arrays and tfjs tensors', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    const w1 = { data: gauss(40 * 20, 1), shape: [40, 20] };
    const w2 = new Matrix(Array.from({ length: 30 }, (_, i) => Array.from({ length: 12 }, (_, j) => Math.sin(i * 12 + j))));
    const w3 = Array.from({ length: 16 }, (_, i) => Array.from({ length: 11 }, (_, j) => Math.cos(i + 3 * j) + (i === j ? 2 : 0)));
    const w4 = tf.tensor2d(gauss(24 * 14, 4), [24, 14]);
    const model = modelFromTensors({ 'fc.weight': w1, 'mat.weight': w2, 'nested.weight': w3, 'tfjs.weight': w4 });
    const d = await describeModel(model);
    expect(d.layers.map((l) => `${l.name}:${l.N}x${l.M}`)).toEqual(['fc:40x20', 'mat:30x12', 'nested:16x11', 'tfjs:24x14']);
    const res = await analyze(model, { layerOptions: { normalize: 'none' } });
    expect(res.format).toBe('memory');
    expect(res.layers.every((r) => r.status === 'success')).toBe(true);
    // λmax of the tfjs tensor equals the ESD of the same values
    const ev = esdSpectrum({ data: w4.dataSync() as Float32Array, shape: [24, 14] }, { normalize: 'none' }).eigenvalues;
    expect(res.layers[3].lambda_max).toBeCloseTo(ev[ev.length - 1], 9);
    w4.dispose();
  });

  test('ragged input is a typed error naming the tensor', () => {
    expect(() => modelFromTensors({ bad: [[1, 2], [3]] })).toThrow(/tensor 'bad'.*ragged/);
  });
});
