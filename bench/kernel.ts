/**
 * bench/kernel: esdlab's kernel vs stock tslab 1.0.22 vs ipykernel (the reference Jupyter kernel, from
 * .venv), same client, same run, over ZeroMQ on 127.0.0.1:
 *   - start-up: spawn → first kernel_info_reply (median of 3 starts);
 *   - execute: a trivial cell, request → idle (median of 20; TS kernels type-check every cell);
 *   - comm echo: frontend comm_msg → kernel handler → comm_msg back → idle, small JSON (median and p95 of
 *     200) and with a 1 MiB binary buffer (median of 20). Stock tslab has no comm support (n/a).
 *
 * Run (from the repository root, after `npm run build` and `bash scripts/setup.d/10-venv.sh`):
 *   npx esbuild bench/kernel.ts --bundle --platform=node --external:zeromq --outfile=/tmp/esdlab-bench-kernel.js && NODE_PATH=node_modules node /tmp/esdlab-bench-kernel.js
 * ipykernel is skipped with a note when .venv/bin/python is missing.
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zmq from 'zeromq';
import { buildFrames, newHeader, parseMessage, type WireMessage } from '../src/kernel/wire';
import type { JsonObject } from '../src/kernel/protocol';
import { median } from './timing';

const REPO = process.cwd();

interface KernelDef { name: string; argv: (conn: string) => string[]; setup: string; hasComms: boolean; trivial: string }

async function ports(n: number): Promise<number[]> {
  const ss = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((r) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => r(s)); })));
  const p = ss.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(ss.map((s) => new Promise((r) => s.close(r))));
  return p;
}

class Client {
  key = randomUUID();
  session = randomUUID();
  proc!: ChildProcess;
  shell = new zmq.Dealer();
  iopub = new zmq.Subscriber();
  private wait = new Map<string, (m: WireMessage) => void>();
  private idleWait = new Map<string, () => void>();
  private commWait: ((m: WireMessage) => void) | null = null;

  async start(def: KernelDef): Promise<number> {
    const [shell, iopub, stdin, control, hb] = await ports(5);
    const conn = { shell_port: shell, iopub_port: iopub, stdin_port: stdin, control_port: control, hb_port: hb, ip: '127.0.0.1', key: this.key, transport: 'tcp', signature_scheme: 'hmac-sha256' };
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-k-')), 'c.json');
    fs.writeFileSync(f, JSON.stringify(conn));
    const argv = def.argv(f);
    const t0 = process.hrtime.bigint();
    this.proc = spawn(argv[0], argv.slice(1), { cwd: REPO, stdio: 'ignore' });
    this.shell.connect(`tcp://127.0.0.1:${shell}`);
    this.iopub.connect(`tcp://127.0.0.1:${iopub}`);
    this.iopub.subscribe();
    void this.loop(this.shell, (m) => { const cb = this.wait.get(String(m.parent_header.msg_id)); if (cb) { this.wait.delete(String(m.parent_header.msg_id)); cb(m); } });
    void this.loop(this.iopub, (m) => {
      const pid = String(m.parent_header.msg_id);
      if (m.header.msg_type === 'comm_msg' && this.commWait) { const c = this.commWait; this.commWait = null; c(m); }
      if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') { const cb = this.idleWait.get(pid); if (cb) { this.idleWait.delete(pid); cb(); } }
    });
    await this.request('kernel_info_request', {}, 120000);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  }

  private async loop(sock: zmq.Dealer | zmq.Subscriber, on: (m: WireMessage) => void): Promise<void> {
    try { for await (const fr of sock) { const p = parseMessage(this.key, fr as Buffer[]); if (p.ok) on(p.msg); } } catch { /* closed */ }
  }

  send(type: string, content: JsonObject, buffers: Uint8Array[] = []): string {
    const h = newHeader(type, this.session);
    void this.shell.send(buildFrames(this.key, [], h, {}, {}, content, buffers));
    return h.msg_id;
  }

  request(type: string, content: JsonObject, ms = 60000): Promise<WireMessage> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${type} timed out`)), ms);
      const id = this.send(type, content);
      this.wait.set(id, (m) => { clearTimeout(t); resolve(m); });
    });
  }

  idle(id: string): Promise<void> {
    return new Promise((r) => this.idleWait.set(id, r));
  }

  async execute(code: string): Promise<number> {
    const t0 = process.hrtime.bigint();
    const h = newHeader('execute_request', this.session);
    const idle = new Promise<void>((r) => this.idleWait.set(h.msg_id, r));
    const reply = new Promise<WireMessage>((r) => this.wait.set(h.msg_id, r));
    await this.shell.send(buildFrames(this.key, [], h, {}, {}, { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }));
    const rep = await reply;
    await idle;
    if (rep.content.status !== 'ok') throw new Error(`execute failed: ${JSON.stringify(rep.content)}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  }

  async commEcho(commId: string, buffers: Uint8Array[]): Promise<number> {
    const t0 = process.hrtime.bigint();
    const h = newHeader('comm_msg', this.session);
    const echoed = new Promise<WireMessage>((r) => { this.commWait = r; });
    const idle = new Promise<void>((r) => this.idleWait.set(h.msg_id, r));
    await this.shell.send(buildFrames(this.key, [], h, {}, {}, { comm_id: commId, data: { i: 1 } }, buffers));
    const m = await echoed;
    await idle;
    if (buffers.length && m.buffers[0]?.length !== buffers[0].length) throw new Error('buffer not echoed');
    return Number(process.hrtime.bigint() - t0) / 1e6;
  }

  async stop(): Promise<void> {
    await this.request('shutdown_request', { restart: false }, 10000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    this.shell.close();
    this.iopub.close();
  }
}

const p95 = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]; };

async function measure(def: KernelDef): Promise<Record<string, number | null>> {
  const starts: number[] = [];
  let c: Client | null = null;
  for (let i = 0; i < 3; i++) {
    const k = new Client();
    starts.push(await k.start(def));
    if (i < 2) await k.stop(); else c = k;
  }
  const k = c as Client;
  await k.execute(def.trivial); // warm-up
  const exec: number[] = [];
  for (let i = 0; i < 20; i++) exec.push(await k.execute(def.trivial));
  const res: Record<string, number | null> = { start: median(starts), execute: median(exec), echoMedian: null, echoP95: null, echo1MiB: null };
  if (def.hasComms) {
    await k.execute(def.setup);
    const commId = randomUUID().replace(/-/g, '');
    const h = k.send('comm_open', { comm_id: commId, target_name: 'bench', data: {} });
    await k.idle(h);
    for (let i = 0; i < 10; i++) await k.commEcho(commId, []); // warm-up
    const small: number[] = [];
    for (let i = 0; i < 200; i++) small.push(await k.commEcho(commId, []));
    const big = new Uint8Array(1 << 20).map((_, i) => i & 255);
    const large: number[] = [];
    for (let i = 0; i < 20; i++) large.push(await k.commEcho(commId, [big]));
    Object.assign(res, { echoMedian: median(small), echoP95: p95(small), echo1MiB: median(large) });
  }
  await k.stop();
  return res;
}

async function main(): Promise<void> {
  const entry = path.join(REPO, 'dist', 'kernel', 'main.js');
  if (!fs.existsSync(entry)) throw new Error('run npm run build first');
  const py = path.join(REPO, '.venv', 'bin', 'python');
  const tsSetup = `const m = (globalThis as any)[Symbol.for('esdlab.comm.v1')];
m.registerTarget('bench', (comm: any) => { comm.onMsg = (msg: any) => comm.send(msg.content.data, {}, msg.buffers); });`;
  const defs: KernelDef[] = [
    { name: 'esdlab', argv: (f) => [process.execPath, entry, '--config-path', f], setup: tsSetup, hasComms: true, trivial: 'const a = 1;' },
    { name: 'tslab 1.0.22', argv: (f) => [process.execPath, path.join(REPO, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', f], setup: '', hasComms: false, trivial: 'const a = 1;' },
  ];
  if (fs.existsSync(py)) {
    defs.push({
      name: 'ipykernel', argv: (f) => [py, '-m', 'ipykernel_launcher', '-f', f], hasComms: true, trivial: 'a = 1',
      setup: "import comm\ndef _t(c, msg):\n    @c.on_msg\n    def _r(m):\n        c.send(m['content']['data'], buffers=m['buffers'])\ncomm.get_comm_manager().register_target('bench', _t)",
    });
  } else {
    process.stdout.write(`note: ${py} missing, ipykernel reference skipped\n`);
  }
  const rows: Array<[string, Record<string, number | null>]> = [];
  for (const d of defs) rows.push([d.name, await measure(d)]);
  const ref = rows.find((r) => r[0] === 'ipykernel')?.[1];
  const fmt = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(v < 10 ? 2 : 0));
  const keys: Array<[string, string]> = [['start', 'start-up ms'], ['execute', 'execute ms'], ['echoMedian', 'comm echo ms (median)'], ['echoP95', 'comm echo ms (p95)'], ['echo1MiB', 'comm echo 1 MiB ms']];
  process.stdout.write(`${'metric'.padEnd(24)}${rows.map((r) => r[0].padStart(14)).join('')}${ref ? '  esdlab/ipykernel' : ''}\n`);
  for (const [k, label] of keys) {
    const esd = rows[0][1][k];
    const ratio = ref && esd !== null && ref[k] ? `  ${(esd / (ref[k] as number)).toFixed(2)}x` : '';
    process.stdout.write(`${label.padEnd(24)}${rows.map((r) => fmt(r[1][k]).padStart(14)).join('')}${ratio}\n`);
  }
  process.exit(0);
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
