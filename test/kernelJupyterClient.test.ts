/**
 * esdlab's kernel driven by real Jupyter clients from the project's .venv (PyPI jupyter_client and
 * nbclient): execute, widget comm round trips with binary buffers, comm_info, interrupt via the
 * kernel manager (SIGINT), restart, shutdown; and a notebook executed by nbclient that stores the
 * widget state in its metadata. The Python drivers print a JSON report; the assertions are here.
 * Locally these tests skip (with a message) when .venv is absent; with CI=true they fail instead.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { notebookDir, requireBuiltKernel, tempKernelspec, venvPython } from './kernel/harness';

const py = venvPython();
const maybe = py ? describe : describe.skip;

function runDriver(script: string, args: string[], dataDir: string): Record<string, unknown> {
  const r = spawnSync(py as string, [path.join(__dirname, 'kernel', script), ...args], {
    env: { ...process.env, JUPYTER_PATH: dataDir, JUPYTER_PLATFORM_DIRS: '1' },
    encoding: 'utf8',
    timeout: 240000,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('REPORT '));
  if (r.status !== 0 || !line) throw new Error(`${script} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line.slice('REPORT '.length)) as Record<string, unknown>;
}

maybe('esdlab kernel with PyPI jupyter_client / nbclient', () => {
  let dataDir = '';
  beforeAll(() => {
    requireBuiltKernel();
    dataDir = tempKernelspec('esdlab-test').dataDir;
  });

  test('jupyter_client: execute, comms with buffers, comm_info, interrupt, restart, shutdown', () => {
    const r = runDriver('jupyter_client_driver.py', [notebookDir()], dataDir) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(r.implementation).toBe('esdlab');
    expect(r.widget_status).toBe('ok');
    expect(r.comm_open).toEqual({ parent_type: 'execute_request', metadata: { version: '2.1.0' }, buffer_paths: [['values']], values: [1, 2, 4] });
    expect(r.display_mimes).toEqual([['application/vnd.jupyter.widget-view+json', 'text/plain']]);
    expect(r.update_children).toEqual(['status', 'comm_msg:echo_update', 'status']);
    expect(r.after_update_stdout).toBe('2.5 16\n'); // values replaced by the 16-byte buffer the client sent
    expect(r.custom_reply).toEqual({ data: { method: 'custom', content: { n: 2, len: 3 } }, buffers: ['010203', 'ff'.repeat(10)] });
    expect(r.comm_info.type).toBe('comm_info_reply');
    expect(r.comm_info.content).toEqual({ status: 'ok', comms: { [r.comm_info.comm_id]: { target_name: 'jupyter.widget' } } });
    expect(r.interrupt.status).toBe('error');
    expect(r.after_interrupt_stdout).toBe('alive after interrupt\n');
    expect(r.restart).toEqual({ new_pid: true, stdout: 'undefined\n' });
    expect(r.shutdown.alive).toBe(false);
  }, 240000);

  test('nbclient: an executed notebook stores the widget state (with buffers) in its metadata', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-nbout-')), 'executed.ipynb');
    const r = runDriver('nbclient_driver.py', [notebookDir(), out], dataDir) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(r.outputs[0][0]).toEqual({ type: 'display_data', mimes: ['application/vnd.jupyter.widget-view+json', 'application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain'], text: null });
    expect(r.outputs[1]).toEqual([{ type: 'stream', mimes: [], text: 'changed in cell 2\n' }]);
    const ws = r.widgets['application/vnd.jupyter.widget-state+json'];
    expect(ws.version_major).toBe(2);
    const entries = Object.values(ws.state) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(entries).toHaveLength(1);
    const e = entries[0];
    expect(e.model_name).toBe('SpectrumModel');
    expect(e.model_module).toBe('esdlab-widgets');
    // State after cell 2's kernel-side set(): nbclient recorded the update.
    expect(e.state).toMatchObject({ xmin: 2.5, label: 'changed in cell 2', _view_name: 'SpectrumView' });
    expect(e.buffers).toEqual([{ path: ['values'], encoding: 'base64', data: Buffer.from(new Float64Array([3, 2, 1]).buffer).toString('base64') }]);
    const nb = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(nb.metadata.widgets['application/vnd.jupyter.widget-state+json'].state).toEqual(ws.state);
  }, 240000);
});
