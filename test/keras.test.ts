import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isEsdlabError } from '../src/core/errors';
import { layersOf } from '../src/io/model';
import { openModel } from '../src/io/openModel';
import { MODELS, expectMatchesFixture } from './ioFixtures';

describe('Keras HDF5 (fixtures written by Keras 3 with h5py)', () => {
  test('legacy .h5: values and eigenvalues match numpy; types from model_config', async () => {
    const m = await openModel(path.join(MODELS, 'tiny_keras.h5'));
    try {
      expect(m.format).toBe('keras-h5');
      await expectMatchesFixture(m, 'tiny_keras.h5', 'keras');
      expect(layersOf(m).map((l) => `${l.name}:${l.layer_type}:${l.N}x${l.M}x${l.rf}`)).toEqual([
        'conv/sequential/conv:conv2d:6x3x9', 'fc/sequential/fc:dense:216x10x1', 'head/sequential/head:dense:10x4x1']);
    } finally {
      await m.close();
    }
  });

  test('.keras archive: values and eigenvalues match numpy; types from layer names', async () => {
    const m = await openModel(path.join(MODELS, 'tiny.keras'));
    try {
      expect(m.format).toBe('keras');
      await expectMatchesFixture(m, 'tiny.keras', 'keras');
      expect(layersOf(m).map((l) => `${l.name}:${l.layer_type}`)).toEqual(['conv2d:conv2d', 'dense:dense', 'dense_1:dense']);
    } finally {
      await m.close();
    }
  });

  test('a truncated or non-HDF5 file is a typed error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-h5-'));
    const b = fs.readFileSync(path.join(MODELS, 'tiny_keras.h5'));
    fs.writeFileSync(path.join(dir, 'cut.h5'), b.subarray(0, 3000));
    fs.writeFileSync(path.join(dir, 'text.h5'), 'hello');
    for (const f of ['cut.h5', 'text.h5']) {
      const err = await openModel(path.join(dir, f)).then(async (m) => { for (const t of m.tensors) await m.readTensor(t.name); await m.close(); return null; }, (e) => e);
      expect(isEsdlabError(err)).toBe(true);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
