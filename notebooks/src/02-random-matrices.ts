// Source of notebooks/02-random-matrices.ipynb (built by scripts/build-notebooks.js).
// %% [markdown]
// # 2. Random matrices: Marchenko–Pastur, heavy tails, universality, finite size
//
// Reproduces the random-matrix figures of the Calculated Content posts *Power Laws in Deep Learning*
// and *Power Laws in Deep Learning 2: Universality* (and `GaussianRMT.ipynb`,
// `HeavyTailedUniversalityClasses.ipynb` of CalculatedContent/ImplicitSelfRegularization):
//
// 1. Gaussian W (N×M, Q = N/M): the ESD of X = WᵀW/N follows the Marchenko–Pastur law with edges
//    λ± = σ²(1 ± 1/√Q)².
// 2. Heavy-tailed W with Pareto-type entries (tail exponent μ): the ESD grows a power-law tail.
// 3. Universality classes: the fitted ESD exponent α against the entry exponent μ.
// 4. Finite-size effects: λmax against the matrix size.
//
// Every cell that claims a number ends with a `check`, so a wrong result fails the run.
// %%
import {
  esd, gaussianMatrix, paretoMatrix, lomaxMatrix, fitPowerLaw, mpDensity, mpEdges,
  histogramChart, seriesChart, show,
} from 'esdlab';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error('CHECK FAILED: ' + what);
  console.log('✓ ' + what);
}
const fmt = (x: number, d = 3) => x.toFixed(d);
// %% [markdown]
// ## 1. Gaussian random matrices for several Q
// M = 400 columns, N = Q·M rows, entries N(0, 1), so σ² = 1. The dashed curves are the MP densities;
// nothing is fitted here.
// %%
const M = 400;
const gaussRows: { Q: number; lambdaMax: number; lambdaPlus: number; lambdaMin: number; lambdaMinus: number; mean: number }[] = [];
for (const Q of [1, 2, 4]) {
  const W = gaussianMatrix(Q * M, M, { seed: 100 + Q });
  const ev = esd(W).eigenvalues;
  const { lambdaMinus, lambdaPlus } = mpEdges(Q, 1);
  const xs = Array.from({ length: 200 }, (_, i) => lambdaMinus + ((lambdaPlus - lambdaMinus) * (i + 0.5)) / 200);
  await show(histogramChart(ev, {
    title: `Gaussian W, Q = ${Q}: ESD and Marchenko–Pastur density`, bins: 50,
    curves: [{ name: 'MP density', x: xs, y: xs.map((x) => mpDensity(x, Q, 1)) }],
  }), `Gaussian ESD, Q=${Q}`);
  const mean = ev.reduce((a, b) => a + b, 0) / ev.length;
  gaussRows.push({ Q, lambdaMax: ev[ev.length - 1], lambdaPlus, lambdaMin: ev[0], lambdaMinus, mean });
}
console.table(gaussRows.map((r) => ({ Q: r.Q, 'λmin': fmt(r.lambdaMin), 'λ−': fmt(r.lambdaMinus), 'λmax': fmt(r.lambdaMax), 'λ+': fmt(r.lambdaPlus), mean: fmt(r.mean) })));
for (const r of gaussRows) {
  check(Math.abs(r.mean - 1) < 0.02, `Q=${r.Q}: mean eigenvalue ${fmt(r.mean)} = σ² = 1 within 2%`);
  check(Math.abs(r.lambdaMax - r.lambdaPlus) / r.lambdaPlus < 0.05, `Q=${r.Q}: λmax ${fmt(r.lambdaMax)} within 5% of λ+ ${fmt(r.lambdaPlus)}`);
}
// %% [markdown]
// ## 2. Heavy-tailed random matrices
// The post drew W with `numpy.random.pareto(μ)`: **positive Lomax** entries, P(W_ij > t) = (1+t)^−μ
// (`lomaxMatrix(…, { signs: 'positive' })`), N = 1000, M = 300. For μ < 4 the ESD has a power-law
// tail (a straight line on log-log axes); the smaller μ, the heavier the tail and the smaller the
// fitted α. The post printed one fit per μ; we average two seeds and show both side by side.
// %%
const published: Record<number, number> = { 0.4: 1.20, 1.2: 1.64, 2.5: 3.08, 3.5: 3.37, 5: 3.82 };
const heavy: { mu: number; alpha: number; D: number; nTail: number }[] = [];
for (const mu of [0.4, 1.2, 2.5, 3.5, 5]) {
  const fits = [1, 2].map((seed) => fitPowerLaw(esd(lomaxMatrix(1000, 300, mu, { seed, signs: 'positive' })).eigenvalues));
  const avg = (k: 'alpha' | 'D' | 'nTail') => (fits[0][k] + fits[1][k]) / 2;
  heavy.push({ mu, alpha: avg('alpha'), D: avg('D'), nTail: avg('nTail') });
  if (mu === 1.2 || mu === 3.5) {
    const ev = esd(lomaxMatrix(1000, 300, mu, { seed: 1, signs: 'positive' })).eigenvalues;
    await show(histogramChart(ev, { title: `Lomax W (positive), μ = ${mu}: log-log ESD`, logX: true, logY: true, bins: 40 }), `log-log ESD, mu=${mu}`);
  }
}
console.table(heavy.map((h) => ({ 'μ': h.mu, 'α (post)': published[h.mu], 'α (esdlab, 2 seeds)': fmt(h.alpha), D: fmt(h.D), nTail: h.nTail })));
for (const h of heavy) check(Math.abs(h.alpha - published[h.mu]) < 0.5, `μ = ${h.mu}: α = ${fmt(h.alpha)} within 0.5 of the post's ${published[h.mu]}`);
for (let i = 1; i < heavy.length; i++) {
  check(heavy[i].alpha > heavy[i - 1].alpha, `α grows with μ: α(μ=${heavy[i].mu}) = ${fmt(heavy[i].alpha)} > α(μ=${heavy[i - 1].mu}) = ${fmt(heavy[i - 1].alpha)}`);
}
// %% [markdown]
// ## 3. Universality classes: α against μ
// For very heavy tails (μ < 2) theory predicts α = 1 + μ/2 (Lévy matrices); the post's regression at
// M = 1000, Q = 2 was α ≈ 0.649 μ + 0.862 there, and α ≈ 1.21 μ − 0.03 for 2 < μ < 3.5; for μ > 4 the
// ESD falls back towards a Marchenko–Pastur bulk. Here M = 300, Q = 2, one matrix per μ (smaller
// matrices than the post's, so the 2 < μ < 3.5 branch rises less steeply).
// %%
const mus = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5];
const alphaVsMu = mus.map((mu, i) => {
  const ev = esd(lomaxMatrix(600, 300, mu, { seed: 1000 + i, signs: 'positive' })).eigenvalues;
  return { mu, alpha: fitPowerLaw(ev).alpha };
});
const lineMu = Array.from({ length: 50 }, (_, i) => 0.4 + (i * 3.2) / 49);
await show(seriesChart([
  { name: 'fitted α', x: alphaVsMu.map((r) => r.mu), y: alphaVsMu.map((r) => r.alpha), mark: 'point' },
  { name: 'α = 1 + μ/2', x: lineMu.filter((m) => m <= 2), y: lineMu.filter((m) => m <= 2).map((m) => 1 + m / 2) },
  { name: 'post: α = 1.21μ − 0.03 (M = 1000)', x: lineMu.filter((m) => m >= 2), y: lineMu.filter((m) => m >= 2).map((m) => 1.21 * m - 0.0253) },
], { title: 'Universality classes: ESD exponent α vs entry exponent μ', xTitle: 'μ', yTitle: 'α' }), 'alpha vs mu');
console.table(alphaVsMu.map((r) => ({ 'μ': r.mu, 'α': fmt(r.alpha), '1+μ/2': fmt(1 + r.mu / 2) })));
const vht = alphaVsMu.filter((r) => r.mu < 2);
const maeVht = vht.reduce((a, r) => a + Math.abs(r.alpha - (1 + r.mu / 2)), 0) / vht.length;
check(maeVht < 0.2, `μ < 2: mean |α − (1 + μ/2)| = ${fmt(maeVht)} < 0.2`);
const a2 = alphaVsMu.find((r) => r.mu === 2)!.alpha, a3 = alphaVsMu.find((r) => r.mu === 3)!.alpha;
check(a3 - a2 > 0.5, `2 ≤ μ ≤ 3: α rises by more than 0.5 (${fmt(a2)} → ${fmt(a3)})`);
// %% [markdown]
// ## 4. Finite-size effects: λmax against size
// Gaussian W: λmax converges to the MP edge λ+ as M grows (fluctuations shrink like M^(−2/3),
// Tracy–Widom). Heavy-tailed W (μ = 1.5): there is no edge — λmax keeps growing with N.
// Q = 2 in both cases.
// %%
const sizes = [64, 128, 256, 512];
const fs2 = sizes.map((m, i) => {
  const g = esd(gaussianMatrix(2 * m, m, { seed: 50 + i })).eigenvalues;
  const p = esd(paretoMatrix(2 * m, m, 1.5, { seed: 60 + i })).eigenvalues;
  return { M: m, gaussGap: Math.abs(g[g.length - 1] - mpEdges(2, 1).lambdaPlus), paretoMax: p[p.length - 1] };
});
await show(seriesChart([
  { name: 'Gaussian |λmax − λ+|', x: sizes, y: fs2.map((r) => r.gaussGap), mark: 'point' },
  { name: 'Pareto μ=1.5 λmax', x: sizes, y: fs2.map((r) => r.paretoMax), mark: 'point' },
], { title: 'Finite-size scaling of λmax (Q = 2)', xTitle: 'M', yTitle: 'value', logX: true, logY: true }), 'lambda max scaling');
console.table(fs2.map((r) => ({ M: r.M, 'Gaussian |λmax−λ+|': r.gaussGap.toExponential(2), 'Pareto λmax': fmt(r.paretoMax, 1) })));
check(fs2[fs2.length - 1].gaussGap < fs2[0].gaussGap, 'Gaussian: λmax is closer to λ+ at M = 512 than at M = 64');
check(fs2[fs2.length - 1].paretoMax > 4 * fs2[0].paretoMax, 'Pareto μ = 1.5: λmax grows more than 4× from M = 64 to M = 512');
