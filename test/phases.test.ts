import { classifyPhase, PHASE_RULES, PHASE_THRESHOLDS } from '../src/core/phases';
import { fitMpRobust } from '../src/core/mpFit';
import { esd } from '../src/core/esd';
import { gaussianMatrix, lomaxMatrix } from '../src/core/randomMatrices';
import { createRng } from '../src/core/rng';
import { isEsdlabError } from '../src/core/errors';

function spiked(N: number, M: number, strengths: number[], seed: number): { data: Float64Array; shape: number[] } {
  const W = gaussianMatrix(N, M, { seed }).data as Float64Array;
  const rng = createRng(seed + 1);
  for (const s of strengths) {
    const u = Array.from({ length: N }, () => rng.normal());
    const v = Array.from({ length: M }, () => rng.normal());
    const nu = Math.hypot(...u), nv = Math.hypot(...v);
    for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) W[i * M + j] += (s * Math.sqrt(N) * u[i] * v[j]) / (nu * nv);
  }
  return { data: W, shape: [N, M] };
}

describe('classifyPhase', () => {
  test('Gaussian → random-like, with evidence and a one-line summary; JSON-serializable', () => {
    const r = classifyPhase(esd(gaussianMatrix(400, 200, { seed: 1 })));
    expect(r.phase).toBe('random-like');
    expect(r.rule).toBe('R2');
    expect(r.summary).toMatch(/^Random-like: bulk fits MP with KS 0\.\d+/);
    expect(r.evidence.numSpikes).toBe(0);
    expect(Math.abs((r.evidence.beta as number) - 1)).toBeLessThan(0.05);
    expect(r.thresholds.twMargin).toBe(3);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  test('strong spikes → bulk+spikes with the spike count in the summary', () => {
    const r = classifyPhase(esd(spiked(400, 200, [5, 4, 3], 2)));
    expect(r.phase).toBe('bulk+spikes');
    expect(r.summary).toMatch(/^Bulk\+Spikes: 3 spikes above λ\+ \+ 3 s_TW/);
    expect(r.evidence.numSpikes).toBe(3);
  });

  test('very heavy tails (Lomax μ = 1.5) → heavy-tailed, very-heavy (α < 2)', () => {
    const r = classifyPhase(esd(lomaxMatrix(400, 200, 1.5, { seed: 3 })));
    expect(r.phase).toBe('heavy-tailed');
    expect(r.subclass).toBe('very-heavy');
    expect(r.evidence.alpha as number).toBeLessThan(2);
    expect(r.evidence.plOk).toBe(true);
  });

  test('same answer in either normalization (λ = s²/N or s²)', () => {
    const W = spiked(300, 150, [4], 5);
    const a = classifyPhase(esd(W));
    const b = classifyPhase(esd(W, { normalize: 'none' }));
    expect(b.phase).toBe(a.phase);
    expect(b.evidence.numSpikes).toBe(a.evidence.numSpikes);
  });

  test('given fits are used; a threshold override is recorded and changes the decision', () => {
    const e = esd(gaussianMatrix(300, 300, { seed: 6 }));
    const mp = fitMpRobust(e);
    const r = classifyPhase(e, { mp, powerLaw: null });
    expect(r.phase).toBe('random-like');
    const strict = classifyPhase(e, { mp }, { thresholds: { randomSoftrank: 1.5 } });
    expect(strict.thresholds.randomSoftrank).toBe(1.5);
    expect(strict.phase).not.toBe('random-like');
  });

  test('the rule table and threshold table are complete and sourced', () => {
    expect(PHASE_RULES.map((r) => r.phase)).toEqual(['undetermined', 'rank-collapse', 'random-like', 'bleeding-out', 'bulk+spikes', 'heavy-tailed', 'bulk-decay']);
    for (const t of Object.values(PHASE_THRESHOLDS)) {
      expect(typeof t.value).toBe('number');
      expect(t.source).toMatch(/^\[(S|P|Z)\]/);
    }
  });
});

describe('degenerate input: a clear answer, never a crash', () => {
  test('all-zero matrix → rank-collapse (rank 0)', () => {
    const r = classifyPhase(esd({ data: new Float64Array(100 * 60), shape: [100, 60] }));
    expect(r.phase).toBe('rank-collapse');
    expect(r.summary).toMatch(/all 60 eigenvalues are zero/);
  });

  test('rank-1 matrix → rank-collapse', () => {
    const N = 120, M = 80;
    const data = new Float64Array(N * M);
    for (let i = 0; i < N; i++) for (let j = 0; j < M; j++) data[i * M + j] = Math.sin(i + 1) * Math.cos(j);
    const r = classifyPhase(esd({ data, shape: [N, M] }));
    expect(r.phase).toBe('rank-collapse');
    expect(r.evidence.nearZeroFraction).toBeGreaterThan(0.95);
  });

  test('1×N matrix (one eigenvalue) → undetermined', () => {
    const r = classifyPhase(esd({ data: new Float64Array(200).fill(1.5), shape: [1, 200] }));
    expect(r.phase).toBe('undetermined');
    expect(r.summary).toMatch(/1 eigenvalues, a phase needs at least 50/);
  });

  test('fewer eigenvalues than a fit needs → undetermined', () => {
    const r = classifyPhase(esd(gaussianMatrix(60, 30, { seed: 8 })));
    expect(r.phase).toBe('undetermined');
    expect(r.rule).toBe('R0');
  });

  test('no eigenvalues → undetermined', () => {
    expect(classifyPhase({ eigenvalues: [], N: 0 + 1, M: 1 }).phase).toBe('undetermined');
  });

  test('NaN / Inf are rejected with their location', () => {
    const W = gaussianMatrix(80, 60, { seed: 9 });
    W.data[61] = Infinity;
    let err: unknown;
    try { classifyPhase(esd(W, { name: 'layer3' })); } catch (e) { err = e; }
    expect(isEsdlabError(err)).toBe(true);
    expect((err as Error).message).toMatch(/layer3/);
    expect((err as Error).message).toMatch(/\[1, 1\]/);
    const ev = Array.from({ length: 60 }, (_, i) => i + 1);
    ev[7] = NaN;
    let err2: unknown;
    try { classifyPhase({ eigenvalues: ev, N: 80, M: 60 }); } catch (e) { err2 = e; }
    expect(isEsdlabError(err2)).toBe(true);
    expect((err2 as Error).message).toMatch(/index 7/);
  });
});

describe('analyzeLayer row: phase and MP columns', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { analyzeLayer } = require('../src/core/analyzeLayer') as typeof import('../src/core/analyzeLayer');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { readFileSync } = require('fs') as typeof import('fs');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { join } = require('path') as typeof import('path');

  test('phase is on by default, MP columns off; phase: false removes it', () => {
    const row = analyzeLayer(gaussianMatrix(300, 150, { seed: 21 }));
    expect(row.phase).toBe('random-like');
    expect(row.phase_rule).toBe('R2');
    expect(row.phase_subclass).toBeNull();
    expect(row.phase_summary).toMatch(/^Random-like/);
    expect(row.sigma_mp).toBeUndefined();
    const off = analyzeLayer(gaussianMatrix(300, 150, { seed: 21 }), { phase: false });
    expect(off.phase).toBeUndefined();
  });

  test("the row's power-law fit is reused: α in phase_summary is the row's alpha", () => {
    const row = analyzeLayer(lomaxMatrix(400, 200, 1.5, { seed: 3 }));
    expect(row.phase).toBe('heavy-tailed');
    expect(row.num_pl_spikes as number).toBeGreaterThanOrEqual(10);
    expect(row.phase_summary).toContain(`α = ${(row.alpha as number).toFixed(2)}`);
  });

  test("mpFit under the ww preset reproduces WeightWatcher's mp_fit columns (reference spiked_160x80)", () => {
    const dir = join(__dirname, 'reference', 'mpfit');
    const ref = JSON.parse(readFileSync(join(dir, 'mpfit_reference.json'), 'utf8')) as { cases: Array<Record<string, unknown>> };
    const c = ref.cases.find((x) => x.name === 'spiked_160x80') as { file: string; shape: number[]; num_spikes: number; sigma_mp: number; mp_softrank: number; bulk_max: number; bulk_min: number };
    const buf = readFileSync(join(dir, c.file));
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const row = analyzeLayer({ data, shape: c.shape }, { preset: 'ww', mpFit: true });
    expect(row.mp_fit_method).toBe('ww');
    expect(row.num_spikes).toBe(c.num_spikes);
    for (const k of ['sigma_mp', 'mp_softrank', 'bulk_max', 'bulk_min'] as const) {
      expect(Math.abs((row[k] as number) / c[k] - 1)).toBeLessThan(1e-9);
    }
    expect(row.phase).toBe('bulk+spikes');
    const robust = analyzeLayer({ data, shape: c.shape }, { mpFit: true });
    expect(robust.mp_fit_method).toBe('robust');
    expect(robust.num_spikes).toBe(3);
    // the bulk's true σ in mean-1 units is √(N·M/‖W‖²) (unit-variance noise); the robust fit is closer to it
    let fro = 0;
    for (let i = 0; i < data.length; i++) fro += data[i] * data[i];
    const truth = Math.sqrt((160 * 80) / fro);
    expect(Math.abs((robust.sigma_mp as number) - truth)).toBeLessThan(Math.abs(c.sigma_mp - truth));
  });
});
