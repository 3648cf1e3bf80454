/**
 * Kernel-side widgets (src/widgets) over an in-memory comm manager: the explorer answers a frontend
 * xmin/xmax update with the core's exact fit; the dashboard answers a pick with the layer's data;
 * bundles carry the widget view, vega-lite v5 and text.
 */
import { EsdExplorerWidget, DashboardWidget, ComparisonWidget, renderSvg } from '../src/widgets';
import { fitPowerLaw } from '../src/core/powerlaw';
import { esdExplorerSpec } from '../src/viz';
import type { CommManagerV1, CommV1, CommMessage, JsonObject } from '../src/kernel/protocol';
import { heavyTailedEigenvalues } from './browserHarness';

interface Sent { data: JsonObject }

function fakeManager(): { manager: CommManagerV1; comms: (CommV1 & { sent: Sent[]; opened: JsonObject })[]; displays: JsonObject[] } {
  const comms: (CommV1 & { sent: Sent[]; opened: JsonObject })[] = [];
  const displays: JsonObject[] = [];
  const manager = {
    protocol: 1, kernel: 'fake',
    openComm(targetName: string, data: JsonObject, _m?: JsonObject, _b?: unknown[], commId?: string): CommV1 {
      const c = { commId: commId ?? 'c', targetName, closed: false, sent: [] as Sent[], opened: data, onMsg: null, onClose: null,
        send(d: JsonObject) { this.sent.push({ data: d }); }, close() { this.closed = true; } };
      comms.push(c as never);
      return c as never;
    },
    registerTarget() {}, unregisterTarget() {}, comms: new Map(),
    display(data: JsonObject) { displays.push(data); },
    currentParent: () => null,
  } as unknown as CommManagerV1;
  return { manager, comms, displays };
}

function frontendUpdate(comm: CommV1, state: JsonObject): void {
  const msg: CommMessage = { header: { msg_id: 'm', msg_type: 'comm_msg', session: 's', date: '', username: '', version: '5.3' }, parent_header: {}, metadata: {}, content: { comm_id: comm.commId, data: { method: 'update', state, buffer_paths: [] } }, buffers: [] };
  void comm.onMsg!(msg);
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('EsdExplorerWidget (kernel side)', () => {
  const ev = heavyTailedEigenvalues(600, 1.8, 21);

  test('opens with the module names, the fit, MP and phase', () => {
    const { manager, comms } = fakeManager();
    const w = new EsdExplorerWidget({ eigenvalues: ev, N: 1200, M: 600, name: 'fc<1>' }, { manager });
    expect(w.open()).toBe(true);
    const st = comms[0].opened.state as JsonObject;
    expect(st._model_module).toBe('esdlab-widgets');
    expect(st._model_name).toBe('EsdExplorerModel');
    expect(st._view_name).toBe('EsdExplorerView');
    expect(st.name).toBe('fc<1>');
    const ref = fitPowerLaw(Float64Array.from(ev).sort());
    expect((st.fit as { alpha: number }).alpha).toBeCloseTo(ref.alpha, 12);
    expect(st.mp).not.toBeNull();
    expect(typeof (st.phase as { phase: string }).phase).toBe('string');
  });

  test('a frontend xmin/xmax update is answered with the exact core fit', async () => {
    const { manager, comms } = fakeManager();
    const w = new EsdExplorerWidget({ eigenvalues: ev, N: 1200, M: 600 }, { manager, compare: false });
    w.open();
    const sorted = Float64Array.from(ev).sort();
    const xmin = sorted[450], xmax = sorted[590];
    frontendUpdate(comms[0], { xmin, xmax, fit_source: 'browser' });
    await flush();
    const ref = fitPowerLaw(sorted, { xmin, xmax });
    expect(w.xmin).toBe(xmin);
    expect(w.xmax).toBe(xmax);
    expect(w.fit!.alpha).toBeCloseTo(ref.alpha, 12);
    expect(w.fit!.nTail).toBe(ref.nTail);
    const updates = comms[0].sent.filter((s) => s.data.method === 'update');
    const last = updates[updates.length - 1].data.state as JsonObject;
    expect(last.fit_source).toBe('kernel');
    expect((last.fit as { alpha: number }).alpha).toBeCloseTo(ref.alpha, 12);
  });

  test('show() sends widget view + vega-lite v5 (kernel-free sliders) + svg + text', async () => {
    const { manager, displays } = fakeManager();
    const g = globalThis as unknown as Record<symbol, unknown>;
    const sym = Symbol.for('esdlab.comm.v1');
    const prev = g[sym];
    g[sym] = manager;
    try {
      const w = new EsdExplorerWidget(ev, { name: 'x', compare: false });
      await w.show();
      expect(w.lastDisplay!.route).toBe('kernel');
      const b = displays[0];
      expect(b['application/vnd.jupyter.widget-view+json']).toEqual({ version_major: 2, version_minor: 1, model_id: w.modelId });
      const vlSpec = b['application/vnd.vegalite.v5+json'] as JsonObject;
      expect(String(vlSpec.$schema)).toContain('vega-lite/v5');
      expect((vlSpec.params as { name: string }[]).map((p) => p.name)).toContain('lxmin');
      expect(String(b['image/svg+xml'])).toContain('<svg');
      expect(String(b['text/plain'])).toMatch(/alpha=\d\.\d{3}/);
    } finally {
      g[sym] = prev;
    }
  });

  test('rejects non-finite eigenvalues with the index', () => {
    expect(() => new EsdExplorerWidget([1, 2, NaN], { manager: null })).toThrow(/eigenvalue 2 is not finite/);
  });
});

describe('DashboardWidget and ComparisonWidget', () => {
  test('a pick is answered with that layer\'s explorer data', () => {
    const { manager, comms } = fakeManager();
    const ev = heavyTailedEigenvalues(200, 2, 3);
    const d = new DashboardWidget({ layers: [{ name: 'a', alpha: 2.2, phase: 'heavy-tailed' }, { name: 'b', alpha: 5 }], esds: [ev, null], summary: { alpha: 3.6 } }, { manager });
    d.open();
    frontendUpdate(comms[0], { picked: 0 });
    expect(d.get('detail')!.name).toBe('a');
    frontendUpdate(comms[0], { picked: 1 });
    expect(d.get('detail')).toBeNull();
    expect(d.get('summary')).toBe('alpha = 3.6');
  });
  test('comparison line', () => {
    const c = new ComparisonWidget([
      { name: 'm1', accuracy: 70, metrics: { log_norm: 3 } }, { name: 'm2', accuracy: 74, metrics: { log_norm: 2 } }, { name: 'm3', accuracy: 78, metrics: { log_norm: 1 } },
    ], { metric: 'log_norm', manager: null });
    expect(c.line()!.slope).toBeCloseTo(-4, 12);
  });
  test('renderSvg renders a static explorer', async () => {
    const svg = await renderSvg(esdExplorerSpec({ name: 's', eigenvalues: heavyTailedEigenvalues(100, 2, 1) }, { interactive: 'static' }));
    expect(svg).toContain('<svg');
  });
});
