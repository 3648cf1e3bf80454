/**
 * Test harness: starts esdlab's kernel *from its kernelspec* (written by installKernel into a temp
 * Jupyter data dir) with a fresh connection file, and gives a minimal ZeroMQ Jupyter client
 * (shell/control dealers, iopub subscriber). Also locates the project's Python venv for the
 * jupyter_client / nbclient / jupyter-server tests.
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zmq from 'zeromq';
import { installKernel } from '../../src/kernel/kernelspec';
import type { JsonObject, MessageHeader } from '../../src/kernel/protocol';
import { buildFrames, newHeader, parseMessage, type WireMessage } from '../../src/kernel/wire';

export const REPO = path.resolve(__dirname, '..', '..');
export const KERNEL_ENTRY = path.join(REPO, 'dist', 'kernel', 'main.js');

/** Fails clearly when the kernel has not been built (the tests run the compiled kernel). */
export function requireBuiltKernel(): void {
  if (!fs.existsSync(KERNEL_ENTRY)) throw new Error(`${KERNEL_ENTRY} is missing: run 'npm run build' (setup.sh does) before these tests`);
}

/** The project venv's python, or null. When CI=true a missing venv is an error, not a skip. */
export function venvPython(): string | null {
  const py = path.join(REPO, '.venv', 'bin', 'python');
  if (fs.existsSync(py)) return py;
  if (process.env.CI === 'true') {
    throw new Error(`${py} is missing: CI must run 'bash setup.sh --test' (scripts/setup.d/10-venv.sh creates .venv)`);
  }
  // eslint-disable-next-line no-console
  console.warn(`skipping: ${py} not found (run 'bash scripts/setup.d/10-venv.sh' to create .venv)`);
  return null;
}

/** Five free loopback TCP ports. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** A temp Jupyter data dir holding our kernelspec; returns the dir and the spec's argv. */
export function tempKernelspec(name = 'esdlab-test'): { dataDir: string; argv: string[] } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-jp-'));
  const { dir } = installKernel({ dir: dataDir, name });
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8')) as { argv: string[]; interrupt_mode: string };
  if (spec.interrupt_mode !== 'signal') throw new Error('kernelspec lost interrupt_mode');
  return { dataDir, argv: spec.argv };
}

/**
 * A notebook-like working dir outside the repo where `import ... from 'esdlab'` resolves to this
 * repo (node_modules/esdlab symlink, the layout setup.sh creates at the repo root) and tslab finds
 * `@types/node`.
 */
export function notebookDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-nb-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'esdlab'), 'dir');
  fs.symlinkSync(path.join(REPO, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'), 'dir');
  return dir;
}

/** A running kernel process with a ZeroMQ client attached. */
export class KernelClient {
  readonly key = randomUUID();
  readonly session = randomUUID();
  proc!: ChildProcess;
  stderr = '';
  iopubMsgs: WireMessage[] = [];
  private shell = new zmq.Dealer();
  private control = new zmq.Dealer();
  private iopub = new zmq.Subscriber();
  private replies = new Map<string, (m: WireMessage) => void>();
  private waiters: Array<() => void> = [];
  private closed = false;

  /** Spawns the kernel from the kernelspec argv in `cwd` and connects. */
  async start(cwd: string, argvOverride?: string[]): Promise<void> {
    requireBuiltKernel();
    const [shell, iopub, stdin, control, hb] = await freePorts(5);
    const conn = { shell_port: shell, iopub_port: iopub, stdin_port: stdin, control_port: control, hb_port: hb, ip: '127.0.0.1', key: this.key, transport: 'tcp', signature_scheme: 'hmac-sha256', kernel_name: 'esdlab-test' };
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esdlab-conn-'));
    const connFile = path.join(tmp, 'kernel.json');
    fs.writeFileSync(connFile, JSON.stringify(conn));
    const argv = argvOverride ?? tempKernelspec().argv;
    const args = argv.map((a) => a.replace('{connection_file}', connFile));
    this.proc = spawn(args[0], args.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); this.wake(); });
    this.proc.stdout!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.shell.connect(`tcp://127.0.0.1:${shell}`);
    this.control.connect(`tcp://127.0.0.1:${control}`);
    this.iopub.connect(`tcp://127.0.0.1:${iopub}`);
    this.iopub.subscribe();
    void this.pump(this.shell);
    void this.pump(this.control);
    void (async () => {
      try {
        for await (const frames of this.iopub) {
          const p = parseMessage(this.key, frames as Buffer[]);
          if (p.ok) { this.iopubMsgs.push(p.msg); this.wake(); }
        }
      } catch { /* closed */ }
    })();
    if (!argvOverride) await this.waitFor(() => this.stderr.includes('ready:'), 60000, 'kernel ready line');
    // Make sure the iopub subscription is live before tests look for messages: retry kernel_info
    // until its busy status shows up on iopub.
    for (let i = 0; i < 50; i++) {
      const r = await this.request('shell', 'kernel_info_request', {});
      const seen = await this.waitFor(() => this.iopubMsgs.some((m) => m.parent_header.msg_id === r.parent_header.msg_id), 200, '', false);
      if (seen) return;
    }
    throw new Error('iopub never delivered');
  }

  private async pump(sock: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of sock) {
        const p = parseMessage(this.key, frames as Buffer[]);
        if (!p.ok) continue;
        const id = p.msg.parent_header.msg_id;
        if (id && this.replies.has(id)) { this.replies.get(id)!(p.msg); this.replies.delete(id); }
      }
    } catch { /* closed */ }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Waits until `pred()` holds (re-checked on every message/stderr chunk). */
  async waitFor(pred: () => boolean, ms: number, what: string, throwOnTimeout = true): Promise<boolean> {
    const end = Date.now() + ms;
    while (!pred()) {
      const left = end - Date.now();
      if (left <= 0) {
        if (throwOnTimeout) throw new Error(`timeout waiting for ${what}; kernel stderr:\n${this.stderr}`);
        return false;
      }
      await new Promise<void>((r) => { const t = setTimeout(r, Math.min(left, 100)); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
    return true;
  }

  /** Builds a signed message (optionally with a wrong key) without sending it. */
  frames(msgType: string, content: JsonObject, buffers: Uint8Array[] = [], key = this.key): { header: MessageHeader; frames: Buffer[] } {
    const header = newHeader(msgType, this.session);
    return { header, frames: buildFrames(key, [], header, {}, {}, content, buffers) };
  }

  /** Sends raw frames on a channel. */
  async sendRaw(channel: 'shell' | 'control', frames: Buffer[]): Promise<void> {
    await (channel === 'shell' ? this.shell : this.control).send(frames);
  }

  /** Sends a request; resolves with its reply. */
  async request(channel: 'shell' | 'control', msgType: string, content: JsonObject, buffers: Uint8Array[] = [], timeoutMs = 60000): Promise<WireMessage> {
    const { header, frames } = this.frames(msgType, content, buffers);
    const p = new Promise<WireMessage>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no reply to ${msgType} in ${timeoutMs} ms; kernel stderr:\n${this.stderr}`)), timeoutMs);
      this.replies.set(header.msg_id, (m) => { clearTimeout(t); resolve(m); });
    });
    await this.sendRaw(channel, frames);
    return p;
  }

  /** Sends a message that gets no reply (comm_msg etc.); returns its header. */
  async post(msgType: string, content: JsonObject, buffers: Uint8Array[] = []): Promise<MessageHeader> {
    const { header, frames } = this.frames(msgType, content, buffers);
    await this.sendRaw('shell', frames);
    return header;
  }

  /** iopub messages whose parent is `msgId`. */
  children(msgId: string): WireMessage[] {
    return this.iopubMsgs.filter((m) => m.parent_header.msg_id === msgId);
  }

  /** Waits for `status: idle` with parent `msgId`. */
  async idle(msgId: string, ms = 30000): Promise<WireMessage[]> {
    await this.waitFor(() => this.children(msgId).some((m) => m.header.msg_type === 'status' && m.content.execution_state === 'idle'), ms, `idle for ${msgId}`);
    return this.children(msgId);
  }

  /** Executes code; resolves with the reply and the iopub children (after idle). */
  async execute(code: string, timeoutMs = 60000): Promise<{ reply: WireMessage; out: WireMessage[]; stdout: string }> {
    const reply = await this.request('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, [], timeoutMs);
    const out = await this.idle(reply.parent_header.msg_id as string);
    const stdout = out.filter((m) => m.header.msg_type === 'stream').map((m) => String(m.content.text)).join('');
    return { reply, out, stdout };
  }

  /** Process exit (code or signal), waiting up to `ms`. */
  async exited(ms: number): Promise<boolean> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return true;
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), ms);
      this.proc.once('exit', () => { clearTimeout(t); resolve(true); });
    });
  }

  /** Closes the sockets and kills the process if still alive. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.shell.close();
    this.control.close();
    this.iopub.close();
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGKILL');
      await this.exited(5000);
    }
  }
}
