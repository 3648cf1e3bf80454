/**
 * esdlab's wrapper kernel: tslab's executor and ZeroMQ server, plus the Jupyter comm protocol.
 *
 * {@link CommZmqServer} subclasses tslab's exported `ZmqServer` (no fork). Every shell/control
 * message is first parsed and signature-checked here (HMAC over the four JSON frames only); a bad
 * one is dropped and logged. `comm_open`/`comm_msg`/`comm_close`/`comm_info_request`,
 * `history_request`, `shutdown_request` and `interrupt_request` are handled here with busy/idle status around each;
 * everything else goes to tslab. Messages the kernel sends by itself (comm traffic, displays) get the
 * right parent header: the frontend message being handled (tracked across `await`s with
 * AsyncLocalStorage) or else the execute request of the cell that is actually running (not merely
 * the last one queued).
 * @packageDocumentation
 */
import { AsyncLocalStorage } from 'async_hooks';
import { randomUUID } from 'crypto';
import * as jupyter from 'tslab/dist/jupyter';
import type { Executor } from 'tslab/dist/executor';
import { KernelCommManager } from './commManager';
import type { CommMessage, InterruptSignal, JsonObject, MessageHeader } from './protocol';
import { buildFrames, newHeader, parseMessage, type WireMessage } from './wire';

/** Symbol under which the execute request's header rides along on the request content. */
const PARENT = Symbol('esdlab.executeParent');

type TslabSocket = Parameters<jupyter.ZmqServer['handleShellMessage']>[0];
type ExecArgs = Parameters<jupyter.JupyterHandlerImpl['handleExecute']>;
/** tslab's per-cell display sink (typed loosely: its parameter types are not exported by tslab). */
type DisplaySink = (data: never, update: boolean) => void;
type ShellMsg = Parameters<jupyter.ZmqServer['handleExecute']>[1];
type Sendable = { send(frames: Buffer[]): Promise<void> };

/** Kernel identity reported in `kernel_info_reply`. */
export interface KernelIdentity {
  /** e.g. `esdlab`. */
  implementation: string;
  /** esdlab's version. */
  version: string;
  /** tslab's version. */
  tslabVersion: string;
}

/** tslab's request handler, reporting esdlab's identity and tracking which execute request runs. */
export class TrackingHandler extends jupyter.JupyterHandlerImpl {
  /** Display sink of each execute request → its header (the sink tslab installs when the cell starts). */
  readonly sinkHeaders = new WeakMap<DisplaySink, MessageHeader>();

  constructor(executor: Executor, isJs: boolean, private readonly identity: KernelIdentity) {
    super(executor, isJs);
  }

  override handleExecute(...args: ExecArgs): ReturnType<jupyter.JupyterHandlerImpl['handleExecute']> {
    const header = (args[0] as unknown as Record<symbol, MessageHeader | undefined>)[PARENT];
    if (header) this.sinkHeaders.set(args[2] as DisplaySink, header);
    return super.handleExecute(...args);
  }

  override handleKernel(): ReturnType<jupyter.JupyterHandlerImpl['handleKernel']> {
    const r = super.handleKernel();
    r.implementation = this.identity.implementation;
    r.implementation_version = this.identity.version;
    r.banner = `esdlab ${this.identity.version} TypeScript kernel (tslab ${this.identity.tslabVersion}, Jupyter comms and widgets)`;
    r.language_info.version = '5.0';
    (r as unknown as { status: string }).status = 'ok'; // required by messaging 5.x, missing in tslab's reply
    return r;
  }
}

/** Options of {@link CommZmqServer}. */
export interface CommServerOptions {
  /** Writes one line to the kernel log (the process's original stderr). */
  log: (line: string) => void;
  /** Kernel description for the comm manager. */
  kernel: string;
  /** Called to interrupt the running cell (`interrupt_request`). */
  interrupt: () => void;
  /** The running cell's interrupt signal. */
  interruptSignal: () => InterruptSignal;
  /** Called after `shutdown_request` was answered and the sockets closed. */
  onShutdown: (restart: boolean) => void;
}

/** tslab's ZeroMQ server plus Jupyter comms (see the file comment). */
export class CommZmqServer extends jupyter.ZmqServer {
  /** This kernel's session id (header.session of every message it originates). */
  readonly session = randomUUID().replace(/-/g, '');
  /** The comm manager published on the global symbol. */
  readonly manager: KernelCommManager;
  /** Header of the execute request whose code is running (or ran last). */
  executeParent: MessageHeader | null = null;
  private readonly context = new AsyncLocalStorage<MessageHeader>();
  private shuttingDown = false;

  constructor(handler: TrackingHandler, configPath: string, private readonly opts: CommServerOptions) {
    super(handler, configPath);
    this.manager = new KernelCommManager({
      publish: (type, content, metadata, buffers) => this.publish(this.currentParent(), type, content, metadata ?? {}, buffers ?? []),
      log: opts.log,
      interruptSignal: opts.interruptSignal,
      kernel: opts.kernel,
    });
  }

  /** Parent for kernel-originated messages: the frontend message being handled, else the running cell. */
  currentParent(): MessageHeader | Record<string, never> {
    return this.context.getStore() ?? this.executeParent ?? {};
  }

  /** Publishes one message on iopub. Send failures are logged, never thrown. */
  publish(parent: MessageHeader | Record<string, never>, msgType: string, content: JsonObject, metadata: JsonObject = {}, buffers: Uint8Array[] = []): Promise<void> {
    const frames = buildFrames(this.connInfo.key, [`kernel.${this.session}.${msgType}`], newHeader(msgType, this.session), parent, metadata, content, buffers);
    return this.sendFrames(this.iopub as unknown as Sendable, frames);
  }

  private sendFrames(sock: Sendable, frames: Buffer[]): Promise<void> {
    try {
      return sock.send(frames).catch((e: unknown) => this.opts.log(`send failed: ${(e as Error).message}`));
    } catch (e) {
      this.opts.log(`send failed: ${(e as Error).message}`);
      return Promise.resolve();
    }
  }

  /** Sends a reply to `req` on `sock` (same routing identities, parent = the request). */
  reply(sock: TslabSocket, req: WireMessage, msgType: string, content: JsonObject): Promise<void> {
    const frames = buildFrames(this.connInfo.key, req.identities, newHeader(msgType, this.session), req.header, {}, content);
    return this.sendFrames(sock as unknown as Sendable, frames);
  }

  /** Runs `fn` between `status: busy` and `status: idle` messages whose parent is `req`. */
  private async withStatus(req: WireMessage, fn: () => Promise<void> | void): Promise<void> {
    void this.publish(req.header, 'status', { execution_state: 'busy' });
    try {
      await fn();
    } finally {
      await this.publish(req.header, 'status', { execution_state: 'idle' });
    }
  }

  override async handleShellMessage(sock: TslabSocket, ...frames: Buffer[]): Promise<void> {
    const parsed = parseMessage(this.connInfo.key, frames);
    if (!parsed.ok) {
      this.opts.log(`dropped message: ${parsed.reason}`);
      return;
    }
    const msg = parsed.msg;
    try {
      switch (msg.header.msg_type) {
        case 'comm_open':
        case 'comm_msg':
        case 'comm_close':
          await this.withStatus(msg, () => this.handleComm(msg));
          return;
        case 'comm_info_request':
          await this.withStatus(msg, () => this.reply(sock, msg, 'comm_info_reply', this.manager.commInfo(msg.content.target_name)));
          return;
        case 'interrupt_request':
          await this.withStatus(msg, () => {
            this.opts.interrupt();
            return this.reply(sock, msg, 'interrupt_reply', { status: 'ok' });
          });
          return;
        case 'history_request':
          // tslab keeps no history; an empty answer keeps consoles from waiting for a reply forever.
          await this.withStatus(msg, () => this.reply(sock, msg, 'history_reply', { status: 'ok', history: [] }));
          return;
        case 'shutdown_request':
          await this.handleShutdownRequest(sock, msg);
          return;
        default:
          if (this.shuttingDown) return;
          await super.handleShellMessage(sock, ...frames);
      }
    } catch (e) {
      this.opts.log(`error handling ${msg.header.msg_type}: ${(e as Error)?.stack ?? String(e)}`);
    }
  }

  override handleExecute(sock: Parameters<jupyter.ZmqServer['handleExecute']>[0], msg: ShellMsg): Promise<void> {
    Object.defineProperty(msg.content, PARENT, { value: msg.header, enumerable: false });
    return super.handleExecute(sock, msg);
  }

  /** Dispatches one frontend comm message with the message as context (parent of every reply). */
  private async handleComm(msg: WireMessage): Promise<void> {
    const content = msg.content as unknown as CommMessage['content'];
    if (typeof content.comm_id !== 'string') {
      this.opts.log(`${msg.header.msg_type} without comm_id: ignored`);
      return;
    }
    if (content.data === null || typeof content.data !== 'object' || Array.isArray(content.data)) content.data = {};
    const cm: CommMessage = {
      header: msg.header, parent_header: msg.parent_header, metadata: msg.metadata, content,
      buffers: msg.buffers.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
    };
    try {
      await this.context.run(msg.header, async () => {
        if (msg.header.msg_type === 'comm_open') await this.manager.handleOpen(cm);
        else if (msg.header.msg_type === 'comm_msg') await this.manager.handleMsg(cm);
        else await this.manager.handleClose(cm);
      });
    } catch (e) {
      this.reportCommError(e, msg);
    }
  }

  /**
   * A comm handler threw: an iopub `error` (parent = the comm message), the same text on stderr of
   * the last run cell (where a user looks), and the kernel log. The kernel keeps serving.
   */
  private reportCommError(e: unknown, msg: WireMessage): void {
    const err = e instanceof Error ? e : new Error(String(e));
    const ename = err.name || 'Error';
    const evalue = err.message;
    const where = `in ${msg.header.msg_type} handler for comm ${String(msg.content.comm_id)}`;
    const traceback = [`${ename} ${where}: ${evalue}`, ...(err.stack ?? '').split('\n').slice(1)];
    void this.publish(msg.header, 'error', { ename, evalue, traceback });
    if (this.executeParent) void this.publish(this.executeParent, 'stream', { name: 'stderr', text: `${traceback.join('\n')}\n` });
    this.opts.log(traceback.join('\n'));
  }

  private async handleShutdownRequest(sock: TslabSocket, msg: WireMessage): Promise<void> {
    const restart = msg.content.restart === true;
    this.shuttingDown = true;
    await this.withStatus(msg, () => this.reply(sock, msg, 'shutdown_reply', { status: 'ok', restart }));
    // Let ZeroMQ flush the reply before the sockets close.
    await new Promise((r) => setTimeout(r, 50));
    try {
      this.close();
    } catch (e) {
      this.opts.log(`close failed: ${(e as Error).message}`);
    }
    this.opts.onShutdown(restart);
  }
}
