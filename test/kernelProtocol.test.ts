/**
 * esdlab's kernel, started from its kernelspec and driven over ZeroMQ by a minimal client (no
 * Python): execute, widget comm round trips with binary buffers, comm_info, unknown targets/ids,
 * bad signatures, a throwing comm handler, interrupt, shutdown; and the display helper under
 * *stock* tslab (degrades to fallbacks).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KernelClient, notebookDir, REPO } from './kernel/harness';
import type { WireMessage } from '../src/kernel/wire';

const WIDGET_CELL = `
import { WidgetModel, display } from 'esdlab';
interface S { xmin: number; values: Float64Array; label: string }
class W extends WidgetModel<S> {}
const w = new W({ modelName: 'TestModel', modelModule: 'esdlab-test', modelModuleVersion: '^0.1.0',
  viewName: 'TestView', viewModule: 'esdlab-test', viewModuleVersion: '^0.1.0' },
  { xmin: 1, values: new Float64Array([1.5, 2.5, -3]), label: 'start' });
w.on('change:xmin', (e) => {
  if (e.new < 0) throw new Error('negative xmin ' + e.new);
  w.set({ label: 'xmin=' + e.new });
});
w.on('custom', (e) => {
  const sum = e.buffers.reduce((s, b) => s + b.reduce((a, x) => a + x, 0), 0);
  w.send({ got: e.content, n: e.buffers.length, sum }, e.buffers);
});
(globalThis as any).__w = w;
const r = display({ widget: w, vegaLite: { mark: 'point' } as any, text: 'test widget' });
console.log('route=' + r.route + ' id=' + w.modelId);
`;

function byType(msgs: WireMessage[], t: string): WireMessage[] {
  return msgs.filter((m) => m.header.msg_type === t);
}

describe('esdlab kernel over ZeroMQ', () => {
  const k = new KernelClient();
  let modelId = '';

  beforeAll(async () => {
    await k.start(notebookDir());
  }, 90000);
  afterAll(async () => {
    await k.close();
  });

  test('kernel_info and a plain execute', async () => {
    const info = await k.request('shell', 'kernel_info_request', {});
    expect(info.header.msg_type).toBe('kernel_info_reply');
    expect(info.content.implementation).toBe('esdlab');
    expect(info.content.protocol_version).toBe('5.3');
    expect(info.content.status).toBe('ok');
    expect((info.content.language_info as { name: string }).name).toBe('typescript');
    const { reply, out, stdout } = await k.execute('const x: number = 40 + 2;\nx');
    expect(reply.content.status).toBe('ok');
    expect(stdout).toBe('42\n');
    expect(byType(out, 'status').map((m) => m.content.execution_state)).toEqual(['busy', 'idle']);
  });

  test('a cell opens a widget: comm_open (parent = execute_request, version 2.1.0, binary buffer) + widget-view display', async () => {
    const { reply, out, stdout } = await k.execute(WIDGET_CELL);
    expect(reply.content.status).toBe('ok');
    const m = /route=(\w+) id=(\w+)/.exec(stdout);
    expect(m?.[1]).toBe('kernel');
    modelId = m![2];
    const open = byType(out, 'comm_open')[0];
    expect(open.parent_header.msg_type).toBe('execute_request');
    expect(open.metadata).toEqual({ version: '2.1.0' });
    expect(open.content.comm_id).toBe(modelId);
    expect(open.content.target_name).toBe('jupyter.widget');
    const data = open.content.data as { state: Record<string, unknown>; buffer_paths: unknown };
    expect(data.state._model_name).toBe('TestModel');
    expect(data.state.xmin).toBe(1);
    expect(data.buffer_paths).toEqual([['values']]);
    expect(open.buffers).toHaveLength(1);
    const b = open.buffers[0];
    expect(Array.from(new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)))).toEqual([1.5, 2.5, -3]);
    const dd = byType(out, 'display_data')[0];
    const bundle = dd.content.data as Record<string, unknown>;
    expect(Object.keys(bundle)).toEqual(['application/vnd.jupyter.widget-view+json', 'application/vnd.vegalite.v5+json', 'text/plain']);
    expect(bundle['application/vnd.jupyter.widget-view+json']).toEqual({ version_major: 2, version_minor: 1, model_id: modelId });
    expect(dd.parent_header.msg_id).toBe(reply.parent_header.msg_id);
  });

  test('frontend update: busy, echo_update, kernel update, idle — all parented to the comm_msg', async () => {
    const h = await k.post('comm_msg', { comm_id: modelId, data: { method: 'update', state: { xmin: 5 }, buffer_paths: [] } });
    const out = await k.idle(h.msg_id);
    expect(out.map((m) => (m.header.msg_type === 'status' ? `status:${m.content.execution_state}` : `${m.header.msg_type}:${(m.content.data as { method: string }).method}`)))
      .toEqual(['status:busy', 'comm_msg:echo_update', 'comm_msg:update', 'status:idle']);
    expect((out[2].content.data as { state: unknown }).state).toEqual({ label: 'xmin=5' });
    const { stdout } = await k.execute('console.log((globalThis as any).__w.get("xmin"), (globalThis as any).__w.get("label"))');
    expect(stdout).toBe('5 xmin=5\n');
  });

  test('custom message with binary buffers round-trips; request_state returns state + buffers', async () => {
    const b1 = new Uint8Array([1, 2, 3, 250]);
    const b2 = new Uint8Array(new Float64Array([0.25]).buffer);
    const h = await k.post('comm_msg', { comm_id: modelId, data: { method: 'custom', content: { ping: 'x' } } }, [b1, b2]);
    const out = await k.idle(h.msg_id);
    const reply = byType(out, 'comm_msg')[0];
    expect(reply.content.data).toEqual({ method: 'custom', content: { got: { ping: 'x' }, n: 2, sum: 256 + b2.reduce((a, x) => a + x, 0) } });
    expect(reply.buffers.map((b) => Array.from(b))).toEqual([Array.from(b1), Array.from(b2)]);

    const h2 = await k.post('comm_msg', { comm_id: modelId, data: { method: 'request_state' } });
    const out2 = await k.idle(h2.msg_id);
    const st = byType(out2, 'comm_msg')[0];
    expect(st.parent_header.msg_id).toBe(h2.msg_id);
    const d = st.content.data as { method: string; state: Record<string, unknown>; buffer_paths: unknown };
    expect(d.method).toBe('update');
    expect(d.state).toMatchObject({ xmin: 5, label: 'xmin=5', _view_name: 'TestView' });
    expect(d.buffer_paths).toEqual([['values']]);
    expect(st.buffers[0].byteLength).toBe(24);
  });

  test('comm_info_reply lists live comms (filtered by target); unknown target gets comm_close; unknown comm id is harmless', async () => {
    const info = await k.request('shell', 'comm_info_request', { target_name: 'jupyter.widget' });
    expect(info.header.msg_type).toBe('comm_info_reply');
    expect(info.content.status).toBe('ok');
    expect(info.content.comms).toEqual({ [modelId]: { target_name: 'jupyter.widget' } });
    const none = await k.request('shell', 'comm_info_request', { target_name: 'other' });
    expect(none.content.comms).toEqual({});

    const h = await k.post('comm_open', { comm_id: 'abc123', target_name: 'no.such.target', data: {} });
    const out = await k.idle(h.msg_id);
    const close = byType(out, 'comm_close')[0];
    expect(close.content).toEqual({ comm_id: 'abc123', data: {} });

    const h2 = await k.post('comm_msg', { comm_id: 'does-not-exist', data: { method: 'update', state: {} } });
    const out2 = await k.idle(h2.msg_id);
    expect(out2.map((m) => m.header.msg_type)).toEqual(['status', 'status']);
    // The log line travels on the kernel's stderr pipe, which may arrive after the idle status on iopub.
    await k.waitFor(() => k.stderr.includes("unknown comm id 'does-not-exist'"), 10000, 'unknown comm id log');
    expect(k.stderr).toContain("unknown comm id 'does-not-exist'");
  });

  test('a message with a wrong signature is dropped and logged', async () => {
    const { header, frames } = k.frames('execute_request', { code: 'console.log("SHOULD_NOT_RUN")', silent: false, store_history: true, user_expressions: {}, allow_stdin: false }, [], 'wrong-key');
    await k.sendRaw('shell', frames);
    await k.waitFor(() => k.stderr.includes('dropped message: invalid HMAC signature'), 10000, 'drop log');
    const { stdout } = await k.execute('console.log("after")');
    expect(stdout).toBe('after\n');
    expect(k.children(header.msg_id)).toEqual([]);
    expect(k.iopubMsgs.some((m) => String(m.content.text ?? '').includes('SHOULD_NOT_RUN'))).toBe(false);
  });

  test('a throw inside a comm handler is reported on iopub and the kernel keeps serving', async () => {
    const h = await k.post('comm_msg', { comm_id: modelId, data: { method: 'update', state: { xmin: -1 }, buffer_paths: [] } });
    const out = await k.idle(h.msg_id);
    const err = byType(out, 'error')[0];
    expect(err.content.ename).toBe('Error');
    expect(err.content.evalue).toBe('negative xmin -1');
    // Also visible under the last executed cell (where the user looks).
    expect(k.iopubMsgs.some((m) => m.header.msg_type === 'stream' && m.content.name === 'stderr' && String(m.content.text).includes('negative xmin -1'))).toBe(true);
    const { stdout } = await k.execute('console.log("still alive")');
    expect(stdout).toBe('still alive\n');
  });

  test('SIGINT interrupts a busy synchronous loop and an awaited promise; the interrupt signal aborts', async () => {
    const pending = k.request('shell', 'execute_request', { code: 'console.log("spinning"); let n = 0; while (true) { n++; }', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    // Interrupt only once the loop really runs (compiling the cell can take a while on a busy machine).
    await k.waitFor(() => k.iopubMsgs.some((m) => m.header.msg_type === 'stream' && m.content.text === 'spinning\n'), 60000, 'spinning');
    await new Promise((r) => setTimeout(r, 200));
    k.proc.kill('SIGINT');
    const reply = await pending;
    expect(reply.content.status).toBe('error');
    // tslab aborts requests arriving within 200 ms of an error (stop_on_error); wait that out.
    await new Promise((r) => setTimeout(r, 500));

    const code = `const sig = (globalThis as any)[Symbol.for('esdlab.comm.v1')].interruptSignal();
(globalThis as any).__sig = sig;
console.log("waiting");
await new Promise((r) => setTimeout(r, 600000));`;
    const t0 = Date.now();
    const pending2 = k.request('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    await k.waitFor(() => k.iopubMsgs.some((m) => m.header.msg_type === 'stream' && m.content.text === 'waiting\n'), 60000, 'waiting');
    await new Promise((r) => setTimeout(r, 200));
    k.proc.kill('SIGINT');
    const reply2 = await pending2;
    expect(reply2.content.status).toBe('error');
    expect(Date.now() - t0).toBeLessThan(60000); // far below the 600 s the cell would wait
    // execution_count may be absent on error; the kernel must still serve and report the aborted signal.
    await new Promise((r) => setTimeout(r, 300));
    const { stdout } = await k.execute('console.log("aborted=" + (globalThis as any).__sig.aborted)');
    expect(stdout).toBe('aborted=true\n');
  });

  test('an async layer loop with notebookProgress() shows progress and really stops on SIGINT', async () => {
    const code = `
import { notebookProgress } from 'esdlab';
const cb = notebookProgress({ minIntervalMs: 0 });
(globalThis as any).__layers = 0;
for (let i = 1; i <= 2000; i++) {
  cb({ stage: 'start', index: i, total: 2000, layer_id: i, name: 'L' + i, elapsedMs: 0, etaMs: null });
  const t = Date.now(); while (Date.now() - t < 5) { /* one layer of work */ }
  (globalThis as any).__layers = i;
  await new Promise((r) => setImmediate(r));
}`;
    const pending = k.request('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    const id = () => String(k.iopubMsgs.find((m) => m.header.msg_type === 'display_data' && String((m.content.data as Record<string, string>)['text/plain']).startsWith('layers: 0/2000'))?.parent_header.msg_id);
    await k.waitFor(() => k.iopubMsgs.filter((m) => m.header.msg_type === 'update_display_data' && m.parent_header.msg_id === id()).length >= 20, 60000, 'progress updates');
    k.proc.kill('SIGINT');
    const reply = await pending;
    expect(reply.content.status).toBe('error');
    await new Promise((r) => setTimeout(r, 500));
    const { stdout } = await k.execute('console.log((globalThis as any).__layers)');
    const stoppedAt = Number(stdout);
    expect(stoppedAt).toBeGreaterThanOrEqual(20);
    expect(stoppedAt).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 500));
    const again = await k.execute('console.log((globalThis as any).__layers)');
    expect(Number(again.stdout)).toBe(stoppedAt); // the loop is not running on in the background
  });

  test('interrupt_request on control (interrupt_mode: message), history_request, and tslab pass-through requests (complete, is_complete)', async () => {
    const pending = k.request('shell', 'execute_request', { code: 'console.log("parked");\nawait new Promise((r) => setTimeout(r, 600000));', silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    await k.waitFor(() => k.iopubMsgs.some((m) => m.header.msg_type === 'stream' && m.content.text === 'parked\n'), 60000, 'parked');
    const ir = await k.request('control', 'interrupt_request', {});
    expect(ir.header.msg_type).toBe('interrupt_reply');
    expect(ir.content).toEqual({ status: 'ok' });
    expect((await pending).content.status).toBe('error');
    await new Promise((r) => setTimeout(r, 500));
    const comp = await k.request('shell', 'complete_request', { code: 'Math.flo', cursor_pos: 8 });
    expect(comp.header.msg_type).toBe('complete_reply');
    expect(comp.content.matches).toContain('floor');
    const ic = await k.request('shell', 'is_complete_request', { code: 'function f() {' });
    expect(ic.content.status).toBe('incomplete');
    const hist = await k.request('shell', 'history_request', { output: false, raw: true, hist_access_type: 'tail', n: 10 });
    expect(hist.header.msg_type).toBe('history_reply');
    expect(hist.content).toEqual({ status: 'ok', history: [] });
  });

  test('a second copy of the library (as a notebook may load) reaches the kernel through the global symbol', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-copy-'));
    for (const f of ['kernel/protocol.js', 'kernel/buffers.js', 'kernel/widgetModel.js', 'display/display.js', 'display/tslabSink.js']) {
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(path.join(REPO, 'dist', f), path.join(copy, f));
    }
    const code = `
const wm: any = require(${JSON.stringify(path.join(copy, 'kernel/widgetModel.js'))});
const dm: any = require(${JSON.stringify(path.join(copy, 'display/display.js'))});
const mine: any = require('esdlab');
console.log(wm.WidgetModel === mine.WidgetModel);
const w2 = new wm.WidgetModel({ modelName: 'C', modelModule: 'c', modelModuleVersion: '^1', viewName: 'V', viewModule: 'c', viewModuleVersion: '^1' }, { a: 1 });
console.log(dm.display({ widget: w2, text: 'copy' }).route, w2.commLive);
`;
    const { reply, out, stdout } = await k.execute(code);
    expect(reply.content.status).toBe('ok');
    expect(stdout).toBe('false\nkernel true\n');
    expect(byType(out, 'comm_open')).toHaveLength(1);
  });

  test('shutdown_request on control: reply echoes restart, process exits 0', async () => {
    const reply = await k.request('control', 'shutdown_request', { restart: false });
    expect(reply.header.msg_type).toBe('shutdown_reply');
    expect(reply.content).toEqual({ status: 'ok', restart: false });
    expect(await k.exited(10000)).toBe(true);
    expect(k.proc.exitCode).toBe(0);
  });
});

describe('display helpers under stock tslab (no comm manager)', () => {
  const k = new KernelClient();

  beforeAll(async () => {
    const tslabBin = path.join(REPO, 'node_modules', 'tslab', 'bin', 'tslab');
    await k.start(notebookDir(), [process.execPath, tslabBin, 'kernel', '--config-path', '{connection_file}']);
  }, 90000);
  afterAll(async () => {
    await k.close();
  });

  test('display() sends the fallback bundle (no widget view), never an error', async () => {
    const code = `
import { WidgetModel, display, ProgressDisplay } from 'esdlab';
class W extends WidgetModel<{ a: number }> {}
const w = new W({ modelName: 'M', modelModule: 'm', modelModuleVersion: '^1', viewName: 'V', viewModule: 'm', viewModuleVersion: '^1' }, { a: 1 });
const r = display({ widget: w, vegaLite: { mark: 'bar' } as any, svg: '<svg xmlns="http://www.w3.org/2000/svg"/>', text: 'fallback text' });
const p = new ProgressDisplay({ total: 2, label: 'layers', minIntervalMs: 0 });
p.update(1, 'one'); p.finish();
console.log('route=' + r.route + ' live=' + w.commLive);
`;
    const { reply, out, stdout } = await k.execute(code);
    expect(reply.content.status).toBe('ok');
    expect(stdout).toBe('route=tslab live=false\n');
    const dd = byType(out, 'display_data');
    expect(Object.keys(dd[0].content.data as object)).toEqual(['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']);
    expect(byType(out, 'comm_open')).toEqual([]);
    const progress = [...dd.slice(1), ...byType(out, 'update_display_data')];
    expect(progress.map((m) => m.header.msg_type)).toEqual(['display_data', 'update_display_data']);
    expect((progress[1].content.data as Record<string, string>)['text/plain']).toBe('layers: 2/2 [####################] 100% done');
    const ids = new Set(progress.map((m) => (m.content.transient as { display_id: string }).display_id));
    expect(ids.size).toBe(1);
  });
});
