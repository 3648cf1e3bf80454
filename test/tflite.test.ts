import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isEsdlabError } from '../src/core/errors';
import { layersOf } from '../src/io/model';
import { openModel } from '../src/io/openModel';
import { MODELS, expectMatchesFixture } from './ioFixtures';

const FILE = 'tflite/face_detection_short_range.tflite';

describe('TFLite (real converter output from @mediapipe/face_detection, float16 behind DEQUANTIZE)', () => {
  test('values (conv filters transposed to Keras layout) and eigenvalues match the tflite parser + numpy', async () => {
    const m = await openModel(path.join(MODELS, FILE));
    try {
      expect(m.format).toBe('tflite');
      await expectMatchesFixture(m, FILE, 'keras');
    } finally {
      await m.close();
    }
  });

  test('layer types from the operators (through DEQUANTIZE)', async () => {
    const m = await openModel(path.join(MODELS, FILE));
    const layers = layersOf(m);
    expect(layers.find((l) => l.longname === 'conv2d_1/Kernel')).toMatchObject({ layer_type: 'conv2d', layout: 'keras', shape: [1, 1, 24, 24], N: 24, M: 24, rf: 1, dtype: 'F16' });
    expect(layers.find((l) => l.longname === 'conv2d/Kernel')).toMatchObject({ shape: [5, 5, 3, 24], N: 24, M: 3, rf: 25 });
    await m.close();
  });

  test('malformed flatbuffers give typed errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-tfl-'));
    const b = fs.readFileSync(path.join(MODELS, FILE));
    fs.writeFileSync(path.join(dir, 'cut.tflite'), b.subarray(0, 5000));
    fs.writeFileSync(path.join(dir, 'noid.tflite'), Buffer.concat([Buffer.alloc(8), b.subarray(8, 100)]));
    for (const f of ['cut.tflite', 'noid.tflite']) {
      const err = await openModel(path.join(dir, f)).then(() => null, (e) => e);
      expect(isEsdlabError(err)).toBe(true);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
