import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isEsdlabError } from '../src/core/errors';
import { layersOf } from '../src/io/model';
import { openModel } from '../src/io/openModel';
import { MODELS, expectMatchesFixture } from './ioFixtures';

describe('ONNX (fixtures written by onnx.helper / numpy_helper)', () => {
  test('tiny.onnx: raw_data, float16, double_data; values and eigenvalues match numpy', async () => {
    const m = await openModel(path.join(MODELS, 'tiny.onnx'));
    try {
      expect(m.format).toBe('onnx');
      await expectMatchesFixture(m, 'tiny.onnx');
      expect(layersOf(m).map((l) => `${l.name}:${l.layer_type}:${l.dtype}`)).toEqual([
        'emb:embedding:F32', 'conv:conv2d:F32', 'fc:dense:F32', 'proj:dense:F16', 'head:dense:F64']);
    } finally {
      await m.close();
    }
  });

  test('external data and initializers inside an If subgraph', async () => {
    const m = await openModel(path.join(MODELS, 'onnx_ext'));
    try {
      await expectMatchesFixture(m, 'onnx_ext/model.onnx');
    } finally {
      await m.close();
    }
  });

  test('malformed: truncated protobuf and an escaping external path are typed errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-onnx-'));
    const b = fs.readFileSync(path.join(MODELS, 'tiny.onnx'));
    fs.writeFileSync(path.join(dir, 'cut.onnx'), b.subarray(0, b.length - 300));
    const err = await openModel(path.join(dir, 'cut.onnx')).then(async (m) => { for (const t of m.tensors) await m.readTensor(t.name); return null; }, (e) => e);
    expect(isEsdlabError(err)).toBe(true);
    const ext = fs.readFileSync(path.join(MODELS, 'onnx_ext', 'model.onnx')).toString('latin1').replace('weights.bin', '../../etc/x');
    fs.writeFileSync(path.join(dir, 'esc.onnx'), Buffer.from(ext, 'latin1'));
    const m = await openModel(path.join(dir, 'esc.onnx'));
    const e2 = await m.readTensor('big.weight').then(() => null, (e) => e);
    expect(isEsdlabError(e2) && e2.code).toBe('FORBIDDEN');
    await m.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
