/**
 * esdlab's kernel behind a real `jupyter server` (PyPI, from .venv) on 127.0.0.1, driven by
 * `@jupyterlab/services` — the client library JupyterLab itself uses — over the server's websocket:
 * execute, kernel-opened widget comm, update/custom round trips with binary buffers (futures resolve
 * on the kernel's idle status), comm_info, comm_close for an unknown target, interrupt through the
 * REST API (interrupt_mode: signal), shutdown.
 * Locally skips (with a message) when .venv is absent; with CI=true it fails instead.
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from '@jupyterlab/services';
import WebSocket from 'ws';
import { freePorts, notebookDir, requireBuiltKernel, tempKernelspec, venvPython } from './kernel/harness';

const py = venvPython();
const maybe = py ? describe : describe.skip;

const CELL = `
import { WidgetModel, display } from 'esdlab';
class W extends WidgetModel<{ xmin: number; label: string; values: Float64Array }> {}
const w = new W({ modelName: 'M', modelModule: 'esdlab-test', modelModuleVersion: '^0.1.0',
  viewName: 'V', viewModule: 'esdlab-test', viewModuleVersion: '^0.1.0' },
  { xmin: 1, label: '', values: new Float64Array([0.125, 8]) });
w.on('change:xmin', (e) => w.set({ label: 'xmin is ' + e.new }));
w.on('custom', (e) => w.send({ echo: e.content, bytes: e.buffers.map((b) => b.length) }, e.buffers));
void display({ widget: w, text: 'W' });
`;

function bytesOf(b: ArrayBuffer | ArrayBufferView): number[] {
  const u = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return Array.from(u);
}

maybe('esdlab kernel through jupyter server + @jupyterlab/services', () => {
  let server: ChildProcess | null = null;
  let log = '';
  let kernel: Kernel.IKernelConnection;
  let manager: KernelManager;

  beforeAll(async () => {
    requireBuiltKernel();
    const { dataDir } = tempKernelspec('esdlab-test');
    const [port] = await freePorts(1);
    const token = randomUUID();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-srv-'));
    const jupyter = path.join(path.dirname(py as string), 'jupyter');
    const nbdir = notebookDir(); // kernels started without a path inherit the server's cwd
    server = spawn(jupyter, ['server', '--no-browser', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${nbdir}`, '--ServerApp.allow_root=True'], {
      env: { ...process.env, JUPYTER_PATH: dataDir, JUPYTER_CONFIG_DIR: path.join(tmp, 'config'), JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime'), JUPYTER_DATA_DIR: path.join(tmp, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: nbdir,
    });
    server.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
    server.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
    const base = `http://127.0.0.1:${port}/`;
    const end = Date.now() + 60000;
    for (;;) {
      try {
        const r = await fetch(`${base}api/status?token=${token}`);
        if (r.ok) break;
      } catch { /* not up yet */ }
      if (Date.now() > end || server.exitCode !== null) throw new Error(`jupyter server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: base, wsUrl: `ws://127.0.0.1:${port}/`, token, appendToken: true,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    manager = new KernelManager({ serverSettings });
    await manager.ready;
    kernel = await manager.startNew({ name: 'esdlab-test' });
    await kernel.info;
  }, 120000);

  afterAll(async () => {
    manager?.dispose();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => { const t = setTimeout(r, 10000); server!.once('exit', () => { clearTimeout(t); r(null); }); });
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  }, 30000);

  test('execute + kernel-opened widget comm + update/custom round trips with buffers + comm_info + unknown target', async () => {
    expect((await kernel.info).implementation).toBe('esdlab');
    const opened: Array<{ comm: Kernel.IComm; msg: KernelMessage.ICommOpenMsg }> = [];
    const received: KernelMessage.ICommMsgMsg[] = [];
    kernel.registerCommTarget('jupyter.widget', (comm, msg) => {
      opened.push({ comm, msg });
      comm.onMsg = (m) => { received.push(m); };
    });
    const outputs: string[] = [];
    const fut = kernel.requestExecute({ code: CELL });
    const texts: string[] = [];
    fut.onIOPub = (m) => {
      outputs.push(m.header.msg_type);
      if (m.header.msg_type === 'stream') texts.push((m.content as { text: string }).text);
    };
    const reply = await fut.done;
    expect({ status: reply.content.status, texts }).toEqual({ status: 'ok', texts: [] });
    expect(outputs).toContain('display_data');
    // @jupyterlab/services calls comm-target handlers asynchronously (it may first load the target),
    // so the handler can run after the execute future resolves: wait for it (at most 10 s)
    for (let i = 0; i < 200 && opened.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(opened).toHaveLength(1);
    const { comm, msg } = opened[0];
    expect(msg.metadata).toEqual({ version: '2.1.0' });
    expect(msg.parent_header).toMatchObject({ msg_type: 'execute_request' });
    expect((msg.content.data as { buffer_paths: unknown }).buffer_paths).toEqual([['values']]);
    expect(bytesOf(msg.buffers![0] as ArrayBuffer)).toEqual(bytesOf(new Float64Array([0.125, 8])));

    // The future resolves only once the kernel publishes idle with this comm_msg as parent.
    await comm.send({ method: 'update', state: { xmin: 7 }, buffer_paths: [] }).done;
    const methods = received.map((m) => (m.content.data as { method: string }).method);
    expect(methods).toEqual(['echo_update', 'update']);
    expect((received[1].content.data as { state: unknown }).state).toEqual({ label: 'xmin is 7' });

    received.length = 0;
    const payload = new Uint8Array([5, 6, 7, 8, 9]);
    await comm.send({ method: 'custom', content: { hello: 'world' } }, undefined, [payload]).done;
    expect(received).toHaveLength(1);
    expect(received[0].content.data).toEqual({ method: 'custom', content: { echo: { hello: 'world' }, bytes: [5] } });
    expect(bytesOf(received[0].buffers![0] as ArrayBuffer)).toEqual([5, 6, 7, 8, 9]);

    const info = await kernel.requestCommInfo({ target_name: 'jupyter.widget' });
    expect(info.content.status).toBe('ok');
    expect((info.content as { comms: Record<string, unknown> }).comms).toEqual({ [comm.commId]: { target_name: 'jupyter.widget' } });

    // The widget manager's control channel: request_states -> update_states with every widget.
    const control = kernel.createComm('jupyter.widget.control');
    const states = new Promise<KernelMessage.ICommMsgMsg>((resolve) => { control.onMsg = (m) => resolve(m); });
    control.open({});
    control.send({ method: 'request_states' });
    const st = await states;
    const sd = st.content.data as { method: string; states: Record<string, { model_name: string; state: Record<string, unknown> }>; buffer_paths: unknown };
    expect(sd.method).toBe('update_states');
    expect(sd.states[comm.commId].model_name).toBe('M');
    expect(sd.states[comm.commId].state.label).toBe('xmin is 7');
    expect(sd.buffer_paths).toEqual([[comm.commId, 'state', 'values']]);
    expect(bytesOf(st.buffers![0] as ArrayBuffer)).toEqual(bytesOf(new Float64Array([0.125, 8])));

    const stray = kernel.createComm('no.such.target');
    const closed = new Promise<void>((resolve) => { stray.onClose = () => resolve(); });
    stray.open({});
    await closed;
  }, 120000);

  test('interrupt through the server (SIGINT) stops a busy cell; the kernel keeps serving', async () => {
    const fut = kernel.requestExecute({ code: 'console.log("spinning"); let spins = 0; while (true) { spins++; }' });
    // Interrupt only once the loop really runs (compiling the cell can take a while on a busy machine).
    await new Promise<void>((resolve) => {
      fut.onIOPub = (m) => { if (m.header.msg_type === 'stream') resolve(); };
    });
    await new Promise((r) => setTimeout(r, 200));
    await kernel.interrupt();
    const reply = await fut.done;
    expect(reply.content.status).toBe('error');
    await new Promise((r) => setTimeout(r, 500));
    const out: string[] = [];
    const f2 = kernel.requestExecute({ code: 'console.log("served")' });
    f2.onIOPub = (m) => { if (m.header.msg_type === 'stream') out.push((m.content as { text: string }).text); };
    expect((await f2.done).content.status).toBe('ok');
    expect(out.join('')).toBe('served\n');
  }, 60000);

  test('shutdown', async () => {
    const id = kernel.id;
    await kernel.shutdown();
    const r = await fetch(`${kernel.serverSettings.baseUrl}api/kernels?token=${kernel.serverSettings.token}`);
    const running = (await r.json()) as Array<{ id: string }>;
    expect(running.map((k) => k.id)).not.toContain(id);
  }, 60000);
});
