import { KernelCommManager, type KernelIo } from '../src/kernel/commManager';
import { asFloat64Array, putBuffers, removeBuffers } from '../src/kernel/buffers';
import { getCommManager, setCommManager, type CommMessage, type JsonObject } from '../src/kernel/protocol';
import { bytesToBase64, WidgetModel, type WidgetModelSpec } from '../src/kernel/widgetModel';
import { display, UpdatingDisplay } from '../src/display/display';
import { ProgressDisplay, progressText } from '../src/display/progress';
import { inNotebook, InterruptedError, notebookProgress } from '../src/display/notebookProgress';

interface Sent { type: string; content: JsonObject; metadata: JsonObject; buffers: Uint8Array[] }

function fakeIo(signal: { aborted: boolean } = { aborted: false }): { io: KernelIo; sent: Sent[]; logs: string[] } {
  const sent: Sent[] = [];
  const logs: string[] = [];
  const io: KernelIo = {
    publish: (type, content, metadata = {}, buffers = []) => { sent.push({ type, content, metadata, buffers }); },
    log: (l) => { logs.push(l); },
    interruptSignal: () => signal,
    kernel: 'test',
  };
  return { io, sent, logs };
}

let seq = 0;
function frontendMsg(type: string, content: CommMessage['content'], buffers: Uint8Array[] = []): CommMessage {
  seq += 1;
  return {
    header: { msg_id: `f${seq}`, msg_type: type, session: 's', date: '', username: 'u', version: '5.3' },
    parent_header: {}, metadata: {}, content, buffers,
  };
}

const SPEC: WidgetModelSpec = {
  modelName: 'RangeModel', modelModule: 'esdlab-widgets', modelModuleVersion: '^0.1.0',
  viewName: 'RangeView', viewModule: 'esdlab-widgets', viewModuleVersion: '^0.1.0',
};

interface RangeState { xmin: number; xmax: number; values: Float64Array; label: string }

class RangeWidget extends WidgetModel<RangeState> {}

function make(mgr: KernelCommManager | null): RangeWidget {
  return new RangeWidget(SPEC, { xmin: 1, xmax: 10, values: new Float64Array([0.5, 2]), label: 'a' }, { manager: mgr });
}

describe('buffers', () => {
  test('removeBuffers splits nested binary values and putBuffers restores them', () => {
    const f = new Float64Array([1.5, -2]);
    const u = new Uint8Array([7]);
    const state = { a: 1, top: f, nested: { list: [u, 3], deep: { x: f } } };
    const s = removeBuffers(state);
    expect(s.state).toEqual({ a: 1, nested: { list: [null, 3], deep: {} } });
    expect(s.buffer_paths).toEqual([['top'], ['nested', 'list', 0], ['nested', 'deep', 'x']]);
    expect(Array.from(new Float64Array(s.buffers[0].slice().buffer))).toEqual([1.5, -2]);
    expect(state.nested.list[0]).toBe(u); // input untouched
    const back = putBuffers(JSON.parse(JSON.stringify(s.state)), s.buffer_paths, s.buffers);
    expect((back.nested as { list: unknown[] }).list[0]).toEqual(new Uint8Array([7]));
    expect(Array.from(new Float64Array((back.top as Uint8Array).slice().buffer))).toEqual([1.5, -2]);
  });

  test('putBuffers ignores malformed paths from the network', () => {
    const st: Record<string, unknown> = { a: {} };
    putBuffers(st, [['nope', 'x'], 'bad', [], ['__proto__', 'polluted']], [new Uint8Array(1), new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)]);
    expect(st).toEqual({ a: {} });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(putBuffers(st, 'not-a-list', [])).toBe(st);
  });

  test('asFloat64Array reads aligned and unaligned little-endian bytes', () => {
    const f = new Float64Array([1.25, -8]);
    expect(asFloat64Array(f)).toBe(f);
    const raw = new Uint8Array(f.buffer);
    const unaligned = new Uint8Array(17);
    unaligned.set(raw, 1);
    expect(Array.from(asFloat64Array(unaligned.subarray(1))!)).toEqual([1.25, -8]);
    expect(Array.from(asFloat64Array(raw)!)).toEqual([1.25, -8]);
    expect(Array.from(asFloat64Array([1, 2])!)).toEqual([1, 2]);
    expect(asFloat64Array(new Uint8Array(3))).toBeNull();
    expect(asFloat64Array('x')).toBeNull();
  });

  test('base64 matches Node Buffer (independent encoder)', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 31]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      expect(bytesToBase64(b)).toBe(Buffer.from(b).toString('base64'));
    }
  });
});

describe('WidgetModel over the kernel comm manager', () => {
  test('open sends comm_open with the protocol keys, metadata version and binary buffers', () => {
    const { io, sent } = fakeIo();
    const w = make(new KernelCommManager(io));
    expect(w.open()).toBe(true);
    const open = sent.find((m) => m.type === 'comm_open')!;
    expect(open.metadata).toEqual({ version: '2.1.0' });
    expect(open.content.target_name).toBe('jupyter.widget');
    expect(open.content.comm_id).toBe(w.modelId);
    const data = open.content.data as { state: JsonObject; buffer_paths: unknown };
    expect(data.state).toMatchObject({
      _model_name: 'RangeModel', _model_module: 'esdlab-widgets', _model_module_version: '^0.1.0',
      _view_name: 'RangeView', _view_module: 'esdlab-widgets', _view_module_version: '^0.1.0', xmin: 1, xmax: 10, label: 'a',
    });
    expect(data.state.values).toBeUndefined();
    expect(data.buffer_paths).toEqual([['values']]);
    expect(open.buffers[0].byteLength).toBe(16);
    expect(w.viewData()).toEqual({ 'application/vnd.jupyter.widget-view+json': { version_major: 2, version_minor: 1, model_id: w.modelId } });
  });

  test('set sends one update with the changed keys and fires typed change events', () => {
    const { io, sent } = fakeIo();
    const w = make(new KernelCommManager(io));
    w.open();
    const events: string[] = [];
    w.on('change:xmin', (e) => events.push(`xmin ${e.old}->${e.new} ${e.source}`));
    w.on('change', (e) => events.push(`any ${String(e.name)}`));
    sent.length = 0;
    w.set({ xmin: 2, xmax: 10 });
    expect(sent).toHaveLength(1);
    expect(sent[0].content.data).toEqual({ method: 'update', state: { xmin: 2 }, buffer_paths: [] });
    expect(events).toEqual(['xmin 1->2 kernel', 'any xmin']);
  });

  test('frontend update: echo_update first, then state + events; a listener re-setting the same value sends nothing', async () => {
    const { io, sent } = fakeIo();
    const mgr = new KernelCommManager(io);
    const w = make(mgr);
    w.open();
    const seen: Array<[number, string]> = [];
    w.on('change:xmin', (e) => {
      seen.push([e.new, e.source]);
      w.set({ xmin: e.new, label: `from ${e.new}` });
    });
    sent.length = 0;
    const bytes = new Uint8Array(new Float64Array([3, 4, 5]).buffer);
    await mgr.handleMsg(frontendMsg('comm_msg', { comm_id: w.modelId, data: { method: 'update', state: { xmin: 3.5, bogus: 1, _model_name: 'X' }, buffer_paths: [['values']] } }, [bytes]));
    expect(seen).toEqual([[3.5, 'frontend']]);
    expect(w.get('xmin')).toBe(3.5);
    expect(w.get('values')).toEqual(bytes);
    expect(sent.map((m) => (m.content.data as JsonObject).method)).toEqual(['echo_update', 'update']);
    expect((sent[0].content.data as JsonObject).state).toEqual({ xmin: 3.5 });
    expect((sent[0].content.data as JsonObject).buffer_paths).toEqual([['values']]);
    expect(sent[1].content.data).toEqual({ method: 'update', state: { label: 'from 3.5' }, buffer_paths: [] });
  });

  test('request_state answers the full state; custom messages go both ways', async () => {
    const { io, sent } = fakeIo();
    const mgr = new KernelCommManager(io);
    const w = make(mgr);
    w.open();
    sent.length = 0;
    await mgr.handleMsg(frontendMsg('comm_msg', { comm_id: w.modelId, data: { method: 'request_state' } }));
    const st = (sent[0].content.data as { method: string; state: JsonObject; buffer_paths: unknown });
    expect(st.method).toBe('update');
    expect(st.state._model_name).toBe('RangeModel');
    expect(st.buffer_paths).toEqual([['values']]);
    const got: unknown[] = [];
    w.on('custom', (e) => got.push([e.content, e.buffers.length]));
    await mgr.handleMsg(frontendMsg('comm_msg', { comm_id: w.modelId, data: { method: 'custom', content: { refit: true } } }, [new Uint8Array(2)]));
    expect(got).toEqual([[{ refit: true }, 1]]);
    sent.length = 0;
    w.send({ fit: 2.5 }, [new Float32Array([1])]);
    expect(sent[0].content.data).toEqual({ method: 'custom', content: { fit: 2.5 } });
    expect(sent[0].buffers[0].byteLength).toBe(4);
  });

  test('control channel request_states returns every widget with buffer paths under states', async () => {
    const { io, sent } = fakeIo();
    const mgr = new KernelCommManager(io);
    const w = make(mgr);
    w.open();
    await mgr.handleOpen(frontendMsg('comm_open', { comm_id: 'ctl', target_name: 'jupyter.widget.control', data: {} }));
    sent.length = 0;
    await mgr.handleMsg(frontendMsg('comm_msg', { comm_id: 'ctl', data: { method: 'request_states' } }));
    const d = sent[0].content.data as { method: string; states: Record<string, { model_name: string; state: JsonObject }>; buffer_paths: unknown };
    expect(d.method).toBe('update_states');
    expect(d.states[w.modelId].model_name).toBe('RangeModel');
    expect(d.states[w.modelId].state.xmin).toBe(1);
    expect(d.buffer_paths).toEqual([[w.modelId, 'state', 'values']]);
    expect(sent[0].buffers[0].byteLength).toBe(16);
  });

  test('unknown target gets comm_close; unknown comm id is logged, not thrown; comm_info lists live comms', async () => {
    const { io, sent, logs } = fakeIo();
    const mgr = new KernelCommManager(io);
    await mgr.handleOpen(frontendMsg('comm_open', { comm_id: 'x1', target_name: 'no.such.target', data: {} }));
    expect(sent).toEqual([{ type: 'comm_close', content: { comm_id: 'x1', data: {} }, metadata: {}, buffers: [] }]);
    await expect(mgr.handleMsg(frontendMsg('comm_msg', { comm_id: 'ghost', data: {} }))).resolves.toBeUndefined();
    expect(logs.join('\n')).toContain("unknown comm id 'ghost'");
    const w = make(mgr);
    w.open();
    expect(mgr.commInfo('jupyter.widget')).toEqual({ status: 'ok', comms: { [w.modelId]: { target_name: 'jupyter.widget' } } });
    expect(mgr.commInfo('other')).toEqual({ status: 'ok', comms: {} });
    let closed = '';
    w.on('close', (e) => { closed = e.source; });
    await mgr.handleClose(frontendMsg('comm_close', { comm_id: w.modelId, data: {} }));
    expect(closed).toBe('frontend');
    expect(w.commLive).toBe(false);
    expect(mgr.commInfo()).toEqual({ status: 'ok', comms: {} });
  });

  test('kernel-side close sends comm_close once; echo can be turned off; a closed model re-opens with the same id', async () => {
    const { io, sent } = fakeIo();
    const mgr = new KernelCommManager(io);
    const w = new RangeWidget(SPEC, { xmin: 1, xmax: 2, values: new Float64Array(0), label: '' }, { manager: mgr, echo: false });
    w.open();
    const closes: string[] = [];
    w.on('close', (e) => closes.push(e.source));
    sent.length = 0;
    await mgr.handleMsg(frontendMsg('comm_msg', { comm_id: w.modelId, data: { method: 'update', state: { xmax: 3 }, buffer_paths: [] } }));
    expect(sent).toEqual([]); // no echo_update, and nothing else changed
    expect(w.get('xmax')).toBe(3);
    w.close();
    w.close();
    expect(sent.map((m) => [m.type, m.content.comm_id])).toEqual([['comm_close', w.modelId]]);
    expect(closes).toEqual(['kernel']);
    expect(w.commLive).toBe(false);
    w.set({ xmin: 9 }); // local only now
    expect(sent).toHaveLength(1);
    expect(w.open()).toBe(true);
    const reopen = sent[sent.length - 1];
    expect([reopen.type, reopen.content.comm_id, (reopen.content.data as { state: JsonObject }).state.xmin]).toEqual(['comm_open', w.modelId, 9]);
  });

  test('a target handler that throws closes its comm and propagates', async () => {
    const { io, sent } = fakeIo();
    const mgr = new KernelCommManager(io);
    mgr.registerTarget('bad', () => { throw new Error('nope'); });
    await expect(mgr.handleOpen(frontendMsg('comm_open', { comm_id: 'b1', target_name: 'bad', data: {} }))).rejects.toThrow('nope');
    expect(sent.map((m) => m.type)).toEqual(['comm_close']);
    expect(mgr.comms().size).toBe(0);
  });
});

describe('without a kernel (plain Node, stock tslab absent)', () => {
  afterEach(() => setCommManager(null));

  test('widgets work locally, display degrades to route none, never throws', () => {
    setCommManager(null);
    expect(getCommManager()).toBeNull();
    const w = make(null);
    expect(w.open()).toBe(false);
    w.set({ xmin: 5 });
    expect(w.get('xmin')).toBe(5);
    expect(w.viewData()).toBeNull();
    expect(display({ widget: w, text: 'alpha=2.1' })).toEqual({ route: 'none', mimeTypes: ['text/plain'], widgetView: false });
  });

  test('with a comm manager on the global symbol, display sends one multi-MIME bundle and updates by display id', () => {
    const { io, sent } = fakeIo();
    const mgr = new KernelCommManager(io);
    setCommManager(mgr);
    expect(getCommManager()).toBe(mgr);
    const w = new RangeWidget(SPEC, { xmin: 1, xmax: 2, values: new Float64Array(0), label: '' });
    const r = display({ widget: w, vegaLite: { mark: 'point' }, svg: '<svg/>', text: 'alpha=2.1' });
    expect(r).toEqual({ route: 'kernel', mimeTypes: ['application/vnd.jupyter.widget-view+json', 'application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain'], widgetView: true });
    const dd = sent.find((m) => m.type === 'display_data')!;
    expect(Object.keys(dd.content.data as JsonObject)).toEqual(r.mimeTypes);
    sent.length = 0;
    const u = new UpdatingDisplay('d1');
    u.show({ text: 'one' });
    u.show({ text: 'two' });
    expect(sent.map((m) => [m.type, (m.content.transient as JsonObject).display_id])).toEqual([['display_data', 'd1'], ['update_display_data', 'd1']]);
    const statik = display({ widget: w, text: 't' }, { static: true });
    expect(statik.widgetView).toBe(false);
  });

  test('progress: throttled updates, final one always sent, text line format', () => {
    const { io, sent } = fakeIo();
    setCommManager(new KernelCommManager(io));
    let t = 0;
    const lines: string[] = [];
    const p = new ProgressDisplay({ total: 4, label: 'layers', now: () => t, minIntervalMs: 100, onText: (l) => lines.push(l) });
    p.update(0, 'start');
    t = 50; p.update(1);
    t = 150; p.update(2, 'conv2');
    t = 160; p.finish();
    expect(lines).toEqual([progressText('layers', 0, 4, 'start'), progressText('layers', 2, 4, 'conv2'), progressText('layers', 4, 4, 'done')]);
    expect(progressText('layers', 2, 4, 'conv2')).toBe('layers: 2/4 [##########----------]  50% conv2');
    expect(sent.map((m) => m.type)).toEqual(['display_data', 'update_display_data', 'update_display_data']);
    expect(p.route).toBe('kernel');
  });

  test('notebookProgress: analyze() events drive one updating output; an interrupt stops the next layer', () => {
    const signal = { aborted: false };
    const { io, sent } = fakeIo(signal);
    setCommManager(new KernelCommManager(io));
    expect(inNotebook()).toBe(true);
    const cb = notebookProgress({ minIntervalMs: 0 });
    const ev = (stage: 'start' | 'done', index: number, name: string) => ({ stage, index, total: 3, layer_id: index, name, elapsedMs: 1500 * index, etaMs: 1500 * (3 - index) });
    cb(ev('start', 1, 'conv1'));
    cb(ev('done', 1, 'conv1'));
    cb(ev('start', 2, 'fc1'));
    const texts = sent.map((m) => (m.content.data as Record<string, string>)['text/plain']);
    expect(texts).toEqual(['layers: 0/3 [--------------------]   0% conv1', 'layers: 1/3 [#######-------------]  33% conv1 (about 3.0 s left)', 'layers: 1/3 [#######-------------]  33% fc1']);
    signal.aborted = true;
    expect(() => cb(ev('done', 2, 'fc1'))).toThrow(InterruptedError);
    expect(() => cb(ev('done', 2, 'fc1'))).toThrow('interrupted by the user before layer 2/3 (fc1)');
    const uninterruptible = notebookProgress({ interruptible: false, minIntervalMs: 0 });
    expect(() => uninterruptible(ev('done', 3, 'fc2'))).not.toThrow();
    expect((sent[sent.length - 1].content.data as Record<string, string>)['text/plain']).toBe('layers: 3/3 [####################] 100% done in 4.5 s');
  });

  test('stock tslab without the internal sink: one preferred MIME type via display.raw', () => {
    setCommManager(null);
    const raw: Array<[string, unknown]> = [];
    const g = globalThis as unknown as { __tslab__?: unknown };
    g.__tslab__ = { require: (id: string) => (id === 'tslab' ? { display: { raw: (m: string, v: unknown) => raw.push([m, v]) } } : undefined) };
    try {
      const r = display({ vegaLite: { mark: 'bar' }, svg: '<svg/>', text: 't' });
      expect(r.route).toBe('tslab-single');
      expect(raw).toEqual([['application/vnd.vegalite.v5+json', { mark: 'bar' }]]);
      display({ svg: '<svg/>', text: 't' });
      expect(raw[1]).toEqual(['image/svg+xml', '<svg/>']);
      expect(inNotebook()).toBe(true);
    } finally {
      delete g.__tslab__;
    }
    expect(inNotebook()).toBe(false);
  });
});
