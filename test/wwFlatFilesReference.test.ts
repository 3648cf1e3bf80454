import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../src/analysis/analyze';

// WeightWatcher 0.7.5.5's own analyze() of a WW_FLATFILES directory (test/reference/weightwatcher,
// made by its make_reference.py) against esdlab's analyze() of the same directory through the
// flat-file loader with the ww preset: the whole model path (loader → layers → rows) end to end.
const DIR = path.join(__dirname, 'reference', 'weightwatcher');
const REF: { layers: Array<Record<string, number | string | null>> } = JSON.parse(fs.readFileSync(path.join(DIR, 'weightwatcher.json'), 'utf8'));

describe('analyze(WeightWatcher flat-file dir, preset ww) reproduces WeightWatcher', () => {
  test('same layers; alpha, D, xmin, lambda_max, log_norm, num_evals per layer', async () => {
    const res = await analyze(DIR, { layerOptions: { preset: 'ww' } });
    expect(res.format).toBe('ww-flatfiles');
    expect(res.layers.map((r) => r.name)).toEqual(REF.layers.map((r) => r.name));
    for (const ref of REF.layers) {
      const row = res.layers.find((r) => r.name === ref.name)!;
      expect(row.num_evals).toBe(ref.num_evals);
      for (const k of ['alpha', 'D', 'xmin', 'lambda_max', 'log_norm']) {
        const want = ref[k] as number;
        expect(Math.abs((row[k] as number) - want)).toBeLessThanOrEqual(1e-9 * Math.abs(want));
      }
    }
  });
});
