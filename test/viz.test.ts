/**
 * Spec builders of src/viz: closed-form values by hand, the vega-lite transforms against their
 * TypeScript twin (headless vega, no browser), histogram/MP normalizations, escaping.
 */
import { closedFormFit, comparisonSpec, dashboardSpec, esdExplorerSpec, linearFit, logBinnedDensity, mpCurve, mpViewEdges, positiveSorted, alphaClass } from '../src/viz';
import { isEsdlabError } from '../src/core/errors';

/* eslint-disable @typescript-eslint/no-var-requires */
const vl = require('vega-lite');
const vega = require('vega');
const { expressionInterpreter } = require('vega-interpreter');

function paretoSample(n: number, a: number, seed: number): number[] {
  // Lehmer generator: independent of the project's RNG on purpose
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; out.push(Math.pow(1 - s / 2147483647, -1 / a)); }
  return out;
}

async function viewOf(spec: object): Promise<{ view: any; compiled: any }> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled, null, { ast: true }), { renderer: 'none', expr: expressionInterpreter });
  await view.runAsync();
  return { view, compiled };
}

function statsRow(view: any, compiled: any): any {
  for (const d of compiled.data) {
    let rows: any[] = [];
    try { rows = view.data(d.name); } catch { continue; }
    const r = rows.find((x) => x.kind === 'stats' && typeof x.statsText === 'string');
    if (r) return r;
  }
  throw new Error('no stats row');
}

describe('closedFormFit', () => {
  test('hand-computed example: values 1, e, e² from xmin 1', () => {
    const f = closedFormFit([1, Math.E, Math.E * Math.E], 1, null);
    expect(f.alpha).toBeCloseTo(2, 14); // 1 + 3 / (0 + 1 + 2)
    // ECDF 1/3, 2/3, 1 against F = 1 − 1/x: max gap 1/3 at x = 1
    expect(f.D).toBeCloseTo(1 / 3, 14);
    expect(f.sigma).toBeCloseTo(1 / Math.sqrt(3), 14);
    expect(f.nTail).toBe(3);
  });
  test('truncation renormalizes the CDF and counts points above xmax', () => {
    const v = [1, 2, 4, 8, 16];
    const f = closedFormFit(v, 1, 8);
    const slx = Math.log(2) + Math.log(4) + Math.log(8);
    const a = 1 + 4 / slx;
    expect(f.alpha).toBeCloseTo(a, 14);
    expect(f.nAbove).toBe(1);
    expect(f.truncated).toBe(true);
    const r = Math.pow(8, 1 - a);
    const F = (x: number): number => (1 - Math.pow(x, 1 - a)) / (1 - r);
    const D = Math.max(...[1, 2, 4, 8].map((x, i) => Math.abs((i + 1) / 4 - F(x))));
    expect(f.D).toBeCloseTo(D, 14);
  });
  test('too few points and bad input', () => {
    expect(closedFormFit([1, 2, 3], 2.5, null).alpha).toBeNull();
    expect(() => closedFormFit([1, NaN], 1, null)).toThrow(/non-finite/);
    expect(() => closedFormFit([1, 2], 0, null)).toThrow(/positive/);
  });
});

describe('histogram and MP curve', () => {
  test('log bins count every value and integrate to 1', () => {
    const s = positiveSorted(paretoSample(3000, 1.5, 7));
    const bins = logBinnedDensity(s, 40);
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(3000);
    expect(bins.reduce((a, b) => a + b.density * (b.x1 - b.x0), 0)).toBeCloseTo(1, 12);
  });
  test('MP edges (closed form) and the density integrates to ≈ 1', () => {
    const e = mpViewEdges({ sigma2: 2, Q: 4 });
    expect(e.lambdaMinus).toBeCloseTo(2 * 0.25, 14); // 2(1 − 1/2)²
    expect(e.lambdaPlus).toBeCloseTo(2 * 2.25, 14); // 2(1 + 1/2)²
    const c = mpCurve({ sigma2: 2, Q: 4 }, 4000);
    let integral = 0;
    for (let i = 1; i < c.length; i++) integral += 0.5 * (c[i].density + c[i - 1].density) * (c[i].x - c[i - 1].x);
    expect(integral).toBeGreaterThan(0.99);
    expect(integral).toBeLessThan(1.001);
  });
  test('non-finite eigenvalues are rejected with their index', () => {
    try { positiveSorted([1, 2, Infinity]); throw new Error('no throw'); } catch (e) {
      expect(isEsdlabError(e)).toBe(true);
      expect((e as { location: { index: number } }).location.index).toBe(2);
    }
  });
});

describe('explorer spec in vega (kernel-free sliders)', () => {
  const ev = paretoSample(1500, 1.7, 42);
  const spec = esdExplorerSpec({ name: 'fc1', eigenvalues: ev, mp: { sigma2: 1, Q: 2 }, spikes: [ev[3]], phase: { phase: 'heavy-tailed', subclass: 'fat' } });

  test('compiles to vega and binds two log sliders and a view toggle', () => {
    const params = (spec.params as { name: string; bind?: { input: string } }[]).filter((p) => p.bind);
    expect(params.map((p) => p.name)).toEqual(['lxmin', 'lxmax', 'view']);
    expect(() => vl.compile(spec)).not.toThrow();
  });

  test.each([[1.5, null], [3, null], [2, 40], [1.2, 9]])('xmin %p, xmax %p: vega transforms = closedFormFit', async (xmin, xmax) => {
    const { view, compiled } = await viewOf(spec);
    view.signal('lxmin', Math.log10(xmin));
    view.signal('lxmax', Math.log10(xmax ?? Math.max(...ev)));
    await view.runAsync();
    const st = statsRow(view, compiled);
    const ref = closedFormFit(ev, view.signal('xmin'), xmax === null ? null : view.signal('xmax'));
    expect(st.nTail).toBe(ref.nTail);
    expect(st.alpha).toBeCloseTo(ref.alpha as number, 12);
    expect(st.D).toBeCloseTo(ref.D as number, 12);
    expect(st.statsText).toContain(`α = ${(ref.alpha as number).toFixed(3)}`);
    expect(st.classText).toBe(alphaClass(ref.alpha as number).label);
  });

  test('ties: rounded eigenvalues give the same α and D as closedFormFit', async () => {
    const tied = ev.map((v) => Math.round(v * 20) / 20).filter((v) => v > 0);
    const ts = esdExplorerSpec({ name: 'tied', eigenvalues: tied });
    const { view, compiled } = await viewOf(ts);
    view.signal('lxmin', Math.log10(1.5));
    await view.runAsync();
    const st = statsRow(view, compiled);
    const ref = closedFormFit(tied, view.signal('xmin'), null);
    expect(st.nTail).toBe(ref.nTail);
    expect(st.alpha).toBeCloseTo(ref.alpha as number, 12);
    expect(st.D).toBeCloseTo(ref.D as number, 12);
  });

  test('host mode has no bound inputs and draws the given fit', async () => {
    const host = esdExplorerSpec({ name: 'h', eigenvalues: ev, fit: { alpha: 2.5, xmin: 2, xmax: null, D: 0.05, sigma: 0.1, nTail: 100 } }, { interactive: 'host' });
    expect((host.params as { bind?: unknown }[]).some((p) => p.bind)).toBe(false);
    const { view, compiled } = await viewOf(host);
    expect(statsRow(view, compiled).statsText).toContain('α = 2.500 ± 0.100');
    view.signal('fitAlpha', 3.25); await view.runAsync();
    expect(statsRow(view, compiled).statsText).toContain('α = 3.250');
  });

  test('layer names are text, escaped in SVG output', async () => {
    const evil = esdExplorerSpec({ name: '<img src=x onerror=alert(1)>', eigenvalues: ev }, { interactive: 'static' });
    const { view } = await viewOf(evil);
    const svg: string = await view.toSVG();
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('dashboard and comparison', () => {
  test('dashboard handles hundreds of layers and colours by phase', async () => {
    const layers = Array.from({ length: 300 }, (_, i) => ({ name: `layer.${i}`, alpha: 2 + (i % 7) * 0.5, phase: i % 2 ? 'heavy-tailed' : 'bulk+spikes' }));
    layers[5].alpha = null as unknown as number;
    const spec = dashboardSpec(layers, { summary: 'mean α 3.5' });
    const { view } = await viewOf(spec);
    const svg: string = await view.toSVG();
    expect(svg).toContain('#D55E00');
    expect(svg).toContain('#0072B2');
    expect((spec.data as { values: unknown[] }).values).toHaveLength(300);
  });
  test('least-squares line: exact line and a textbook example', () => {
    const f = linearFit([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(f.slope).toBeCloseTo(2, 14);
    expect(f.intercept).toBeCloseTo(1, 14);
    expect(f.r2).toBeCloseTo(1, 14);
    // (1,1),(2,2),(3,2): slope = Sxy/Sxx = 0.5, intercept = 5/3 − 0.5·2 = 2/3
    const g = linearFit([1, 2, 3], [1, 2, 2]);
    expect(g.slope).toBeCloseTo(0.5, 14);
    expect(g.intercept).toBeCloseTo(2 / 3, 14);
  });
  test('comparison spec records its fit and compiles', async () => {
    const spec = comparisonSpec([
      { name: 'a', accuracy: 70, metrics: { log_norm: 2 } },
      { name: 'b', accuracy: 75, metrics: { log_norm: 1.5 } },
      { name: 'c', accuracy: 80, metrics: { log_norm: 1 } },
      { name: 'no-metric', accuracy: 60, metrics: {} },
    ], { metric: 'log_norm' });
    const meta = (spec.usermeta as { esdlab: { fit: { slope: number }; dropped: number } }).esdlab;
    expect(meta.fit.slope).toBeCloseTo(-10, 12);
    expect(meta.dropped).toBe(1);
    const { view } = await viewOf(spec);
    expect(await view.toSVG()).toContain('<svg');
  });
});
