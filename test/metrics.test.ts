import { alphaMetrics, layerMetrics, modelSummary, rankOf, spectralMetrics, trainingWarning } from '../src/core/metrics';
import { esdSpectrum } from '../src/core/esd';
import { withSingularValues as withSV } from './helpers/matrices';

const rel = (a: number | null, b: number) => Math.abs((a as number) - b) / Math.abs(b);

describe('spectralMetrics / layerMetrics', () => {
  const s = [0.0005, 0.5, 1, 2, 4];
  const W = withSV(20, s, 3);
  const lam = s.map((x) => x * x);
  it("equal the closed forms on a matrix with known singular values (normalize 'none')", () => {
    const m = layerMetrics(esdSpectrum({ data: W, shape: [20, 5] }, { normalize: 'none' }), 2.5);
    const sum = lam.reduce((a, b) => a + b, 0);
    expect(rel(m.norm, sum)).toBeLessThan(1e-12);
    expect(rel(m.log_norm, Math.log10(sum))).toBeLessThan(1e-12);
    expect(rel(m.lambda_max, 16)).toBeLessThan(1e-12);
    expect(m.spectral_norm).toBe(m.lambda_max);
    expect(rel(m.log_spectral_norm, Math.log10(16))).toBeLessThan(1e-12);
    expect(rel(m.stable_rank, sum / 16)).toBeLessThan(1e-12);
    expect(rel(m.sv_max, 4)).toBeLessThan(1e-12);
    expect(rel(m.sv_min, 0.0005)).toBeLessThan(1e-8);
    expect([m.matrix_rank, m.rank_loss, m.weak_rank_loss]).toEqual([5, 0, 1]); // λ_min = 2.5e-7 < 1e-6
    expect(rel(m.alpha_weighted, 2.5 * Math.log10(16))).toBeLessThan(1e-12);
    expect(rel(m.log_alpha_norm, Math.log10(lam.reduce((a, l) => a + l ** 2.5, 0)))).toBeLessThan(1e-12);
    const p = lam.map((l) => l / sum + 1e-10);
    expect(rel(m.entropy, -p.reduce((a, x) => a + x * Math.log(x), 0) / Math.log(5 + 1e-10))).toBeLessThan(1e-12);
    expect(m.warning).toBe('');
  });
  it("with normalize 'N' scales λ-metrics by 1/N but keeps singular values", () => {
    const m = spectralMetrics(esdSpectrum({ data: W, shape: [20, 5] }));
    expect(rel(m.lambda_max, 16 / 20)).toBeLessThan(1e-12);
    expect(rel(m.sv_max, 4)).toBeLessThan(1e-12);
  });
  it('counts an exactly rank-deficient matrix correctly with the gram rule (WeightWatcher\'s rule on Gram eigenvalues would not)', () => {
    const sp = esdSpectrum({ data: withSV(40, [0, 0, 1, 2, 3, 5], 7), shape: [40, 6] }, { normalize: 'none' });
    const m = spectralMetrics(sp);
    expect([m.matrix_rank, m.rank_loss]).toEqual([4, 2]);
    expect(rankOf([0, 1e-20, 1, 2], 10, 'gram')).toBe(2);
    expect(rankOf([0, 1e-20, 1, 2], 10, 'svd')).toBe(3); // √1e-20 = 1e-10 > √2·10·2.2e-16
  });
  it('uses WeightWatcher per-slice conventions: sv_min = max of slice minima, rank_loss summed over slices', () => {
    const out = 8, inC = 3;
    const sv = [[0.1, 1, 2], [0, 1, 3]]; // slice 2 is rank-deficient
    const sl = sv.map((x, i) => withSV(out, x, 20 + 2 * i));
    const pt = new Float64Array(out * inC * 2);
    for (let t = 0; t < 2; t++) for (let o = 0; o < out; o++) for (let c = 0; c < inC; c++) pt[(o * inC + c) * 2 + t] = sl[t][o * inC + c];
    const m = spectralMetrics(esdSpectrum({ data: pt, shape: [out, inC, 1, 2] }, { normalize: 'none' }));
    expect(rel(m.sv_min, 0.1)).toBeLessThan(1e-10);
    expect(m.rank_loss).toBe(1);
    expect(m.matrix_rank).toBe(5);
    expect(rel(m.sv_max, 3)).toBeLessThan(1e-12);
  });
  it('labels α as WeightWatcher does, and maps a failed fit (null α) to nulls and no label', () => {
    expect([trainingWarning(1.99), trainingWarning(2), trainingWarning(6), trainingWarning(6.01), trainingWarning(null)])
      .toEqual(['over-trained', '', '', 'under-trained', '']);
    expect(alphaMetrics([1, 2], null)).toEqual({ alpha_weighted: null, log_alpha_norm: null, warning: '' });
    expect(alphaMetrics([0, 2], -1).log_alpha_norm).toBeNull(); // 0^−1 = ∞ → null, not Infinity
  });
  it('gives null (not NaN) for an all-zero spectrum', () => {
    const m = spectralMetrics({ eigenvalues: [0, 0, 0], N: 3 });
    expect(m.log_norm).toBeNull();
    expect(m.stable_rank).toBeNull();
    expect(m.entropy).toBeNull();
    expect(JSON.stringify(m)).not.toMatch(/NaN/);
  });
});

describe('modelSummary', () => {
  it('averages the WeightWatcher summary columns that are present, leaving nulls out', () => {
    const s = modelSummary([
      { log_norm: 1, alpha: 2, alpha_weighted: 3, log_alpha_norm: 4, log_spectral_norm: 5, stable_rank: 6 },
      { log_norm: 3, alpha: null, alpha_weighted: null, log_alpha_norm: null, log_spectral_norm: 7, stable_rank: 8 },
    ]);
    expect(s).toEqual({ num_layers: 2, log_norm: 2, alpha: 2, alpha_weighted: 3, log_alpha_norm: 4, log_spectral_norm: 6, stable_rank: 7,
      skipped: { alpha: 1, alpha_weighted: 1, log_alpha_norm: 1 } });
    expect('mp_softrank' in s).toBe(false);
  });
});
