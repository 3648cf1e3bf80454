import * as fs from 'fs';
import * as path from 'path';
import { analyze, describe as describeModelFile } from '../src/analysis/analyze';
import { loraProduct } from '../src/core/lora';
import { asLayerSource } from '../src/io/model';
import { openModel } from '../src/io/openModel';
import { MODELS, eigenvaluesOf } from './ioFixtures';

const EXP: { lora_products: Record<string, { shape: number[]; eigenvalues: number[] }> } =
  JSON.parse(fs.readFileSync(path.join(MODELS, 'models.expected.json'), 'utf8'));

describe('LoRA adapters: B·A products (fixture written by safetensors; numpy eigenvalues)', () => {
  test('pairs become one product layer each; eigenvalues of B·A match numpy', async () => {
    const m = await openModel(path.join(MODELS, 'adapter_model.safetensors'));
    const src = asLayerSource(m);
    expect(src.layers.map((l) => l.name).sort()).toEqual(Object.keys(EXP.lora_products).sort());
    for (const l of src.layers) {
      const e = EXP.lora_products[l.name];
      expect(l).toMatchObject({ shape: e.shape, layer_type: 'dense', lora: { rank: 4 } });
      const ev = eigenvaluesOf(await src.read(l));
      const lmax = e.eigenvalues[e.eigenvalues.length - 1];
      ev.forEach((v, i) => expect(Math.abs(v - e.eigenvalues[i])).toBeLessThan(1e-9 * lmax));
    }
    await m.close();
  });

  test('analyze: product rows carry lora_rank; --separate keeps A and B', async () => {
    const res = await analyze(path.join(MODELS, 'adapter_model.safetensors'));
    expect(res.layers.map((r) => r.lora_rank)).toEqual([4, 4, 4]);
    expect(res.layers.every((r) => r.status === 'success')).toBe(true);
    const d = await describeModelFile(path.join(MODELS, 'adapter_model.safetensors'), { lora: 'separate', min_evals: 0 });
    expect(d.layers).toHaveLength(6);
  });

  test('loraProduct multiplies and checks shapes', () => {
    const B = { data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] };
    const A = { data: new Float64Array([1, 0, 1, 0, 1, 1]), shape: [2, 3] };
    expect(Array.from(loraProduct(B, A).data)).toEqual([1, 2, 3, 3, 4, 7]);
    expect(() => loraProduct(B, { data: new Float64Array(3), shape: [3, 1] })).toThrow(/do not multiply/);
  });
});
