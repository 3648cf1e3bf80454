import { analyzeModel, describeModel, weightProblem, type LayerAnalyzer, type ProgressEvent } from '../src/core/analyzeModel';
import { esdSpectrum } from '../src/core/esd';
import { resolveLayerFilter, filterLayers } from '../src/core/layerFilter';
import { createRng } from '../src/core/rng';
import { asLayerSource, modelFromTensors } from '../src/io/model';

// A real (small) analyzer: λmax of the ESD, so wrong inputs give wrong numbers.
const lmax: LayerAnalyzer = (W, o) => {
  const s = esdSpectrum(W, { normalize: 'none', layerType: o.layerType as 'dense', layout: o.layout as 'pytorch' });
  return { lambda_max: s.eigenvalues[s.eigenvalues.length - 1], num_evals: s.eigenvalues.length, options: o };
};

function gauss(rows: number, cols: number, seed: number): { data: Float64Array; shape: number[] } {
  const rng = createRng(seed);
  const d = new Float64Array(rows * cols);
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  return { data: d, shape: [rows, cols] };
}

describe('analyzeModel', () => {
  const diag = { data: new Float64Array([3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0]), shape: [4, 3] }; // σ = 3,2,1
  const nan = gauss(20, 12, 2);
  nan.data[17] = NaN;
  const model = modelFromTensors({
    'a.weight': gauss(30, 12, 1),
    'a.bias': { data: new Float64Array(30), shape: [30] } as never,
    'bad.weight': nan,
    'zero.weight': { data: new Float64Array(24 * 12), shape: [24, 12] },
    'tiny.weight': diag,
  });

  test('one row per layer; NaN and all-zero layers fail with reasons and the analysis goes on', async () => {
    const events: ProgressEvent[] = [];
    const res = await analyzeModel(asLayerSource(model), lmax, { min_evals: 0, onProgress: (e) => events.push(e) });
    expect(res.layers.map((r) => r.name)).toEqual(['a', 'bad', 'zero', 'tiny']);
    expect(res.layers[1]).toMatchObject({ status: 'failed', reason: 'weights contain NaN (first at [1, 5])' });
    expect(res.layers[2]).toMatchObject({ status: 'failed', reason: 'all weights are zero' });
    expect(res.layers[3].status).toBe('success');
    expect(res.layers[3].lambda_max).toBeCloseTo(9, 12);
    expect(res.counts).toEqual({ success: 2, failed: 2 });
    expect(events.filter((e) => e.stage === 'done').map((e) => `${e.index}/${e.total}`)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(events[events.length - 1].etaMs).toBe(0);
    expect(JSON.parse(JSON.stringify(res))).toEqual(res);
  });

  test('default min_evals = 10 skips the 3-eigenvalue layer, with a reason; no default upper limit', async () => {
    const res = await analyzeModel(asLayerSource(model), lmax);
    expect(res.skipped).toEqual([{ layer_id: 3, name: 'tiny', layer_type: 'dense', reason: 'num_evals 3 < min_evals 10' }]);
    expect(res.options.filter).toEqual({ layers: [], min_evals: 10, max_evals: null, max_N: null });
  });

  test('base model: rows analyze W − W_base', async () => {
    const base = modelFromTensors({ 'tiny.weight': { data: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]), shape: [4, 3] } });
    const res = await analyzeModel(asLayerSource(model), lmax, { layers: ['tiny'], min_evals: 0, base: asLayerSource(base) });
    expect(res.layers).toHaveLength(1);
    expect(res.layers[0].delta).toBe(true);
    expect(res.layers[0].lambda_max).toBeCloseTo(4, 12); // diag(2,1,0)
    const res2 = await analyzeModel(asLayerSource(model), lmax, { layers: ['a'], base: asLayerSource(base) });
    expect(res2.layers[0]).toMatchObject({ status: 'failed' });
    expect(String(res2.layers[0].reason)).toMatch(/no layer of this name in the base model/);
  });

  test('describeModel lists without reading weights', () => {
    const d = describeModel(asLayerSource(model), { layers: ['dense'], max_N: 25 });
    expect(d.layers.map((l) => l.name)).toEqual(['bad', 'zero']);
    expect(d.skipped.map((s) => s.reason)).toEqual(['N 30 > max_N 25', 'num_evals 3 < min_evals 10']);
  });

  test('weightProblem', () => {
    expect(weightProblem({ data: new Float32Array([0, Infinity]), shape: [2] })).toMatch(/Inf/);
    expect(weightProblem({ data: new Float32Array([0, 1]), shape: [2] })).toBeNull();
  });
});

describe('layer filter (WeightWatcher semantics)', () => {
  const layers = asLayerSource(modelFromTensors({
    'emb.weight': { data: new Float64Array(50 * 12), shape: [50, 12] },
    'l1.weight': { data: new Float64Array(12 * 12), shape: [12, 12] },
    'c.weight': { data: new Float64Array(4 * 3 * 3 * 3), shape: [4, 3, 3, 3] },
  })).layers;
  const names = (o: Parameters<typeof resolveLayerFilter>[0]): string[] => filterLayers(layers, resolveLayerFilter(o)).selected.map((l) => l.name);
  test('ids, negative ids, types, names, -names', () => {
    expect(names({ layers: [0, 2] })).toEqual(['emb', 'c']);
    expect(names({ layers: [-1] })).toEqual(['emb', 'c']);
    expect(names({ layers: ['embedding'] })).toEqual(['emb']);
    expect(names({ layers: ['l1.weight', 'c'] })).toEqual(['l1', 'c']);
    expect(names({ layers: ['-emb'] })).toEqual(['l1', 'c']);
    expect(names({ max_evals: 20 })).toEqual(['emb', 'l1']);
    expect(names({ max_N: 20 })).toEqual(['l1', 'c']);
  });
  test('mixing keep and skip ids is rejected', () => {
    expect(() => resolveLayerFilter({ layers: [1, -2] })).toThrow(/ambiguous/);
    expect(() => resolveLayerFilter({ min_evals: -1 })).toThrow(/min_evals/);
  });
});
