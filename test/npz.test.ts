import * as path from 'path';
import { isEsdlabError } from '../src/core/errors';
import { openModel } from '../src/io/openModel';
import { layersOf } from '../src/io/model';
import { MODELS, expectMatchesFixture } from './ioFixtures';

describe('.npz / .npy / WeightWatcher flat files (fixtures written by numpy)', () => {
  for (const f of ['tiny.npz', 'tiny_compressed.npz']) {
    test(`${f} (np.savez${f.includes('compressed') ? '_compressed' : ''}): values and eigenvalues match numpy`, async () => {
      const m = await openModel(path.join(MODELS, f));
      try {
        expect(m.format).toBe('npz');
        await expectMatchesFixture(m, f);
      } finally {
        await m.close();
      }
    });
  }

  test('WeightWatcher flat-file directory: layers, types from ww_config.json, values', async () => {
    const m = await openModel(path.join(MODELS, 'wwflat'));
    try {
      expect(m.format).toBe('ww-flatfiles');
      await expectMatchesFixture(m, 'wwflat');
      expect(layersOf(m).map((l) => `${l.name}:${l.layer_type}`)).toEqual([
        'embed_tokens:dense', 'layers.0.self_attn.q_proj:dense', 'layers.0.mlp.fc1:dense', 'conv:conv2d', 'conv1d:conv1d', 'head:dense']);
    } finally {
      await m.close();
    }
  });

  test('a single .npy file is a one-tensor model', async () => {
    const m = await openModel(path.join(MODELS, 'wwflat', 'head.weight.npy'));
    expect(m.tensors).toEqual([{ name: 'head.weight', shape: [10, 24], dtype: '<f8' }]);
    expect((await m.readTensor('head.weight')).data.length).toBe(240);
    await m.close();
  });

  test('a zip without .npy members is rejected with a typed error', async () => {
    const err = await openModel(path.join(MODELS, 'tiny.pt'), { format: 'npz' }).then(() => null, (e) => e);
    expect(isEsdlabError(err) && err.code).toBe('PARSE_ERROR');
  });
});
