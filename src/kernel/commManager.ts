/**
 * The kernel-side comm registry (Jupyter messaging 5.3 "Custom Messages"): comms opened by either
 * side, target handlers, `comm_info_reply` content, `comm_close` for unknown targets, and the
 * ipywidgets control channel (`jupyter.widget.control`: `request_states` → `update_states`).
 * Independent of ZeroMQ: it talks to the kernel through {@link KernelIo}, so it is unit-testable.
 * This object is what the kernel publishes at `globalThis[Symbol.for('esdlab.comm.v1')]`.
 * @packageDocumentation
 */
import { randomUUID } from 'crypto';
import { removeBuffers, toBytes } from './buffers';
import {
  WIDGET_CONTROL_TARGET, WIDGET_TARGET,
  type BufferLike, type CommManagerV1, type CommMessage, type CommTargetHandler, type CommV1,
  type InterruptSignal, type JsonObject, type JsonValue, type KernelDisplayOptions,
} from './protocol';

/** What the comm manager needs from the kernel. */
export interface KernelIo {
  /** Publishes on iopub with the current parent header (the comm message being handled, else the running cell). */
  publish(msgType: string, content: JsonObject, metadata?: JsonObject, buffers?: Uint8Array[]): void;
  /** Writes one line to the kernel log. */
  log(line: string): void;
  /** The running cell's interrupt signal. */
  interruptSignal(): InterruptSignal;
  /** Kernel name and version. */
  kernel: string;
}

class KernelComm implements CommV1 {
  onMsg: ((msg: CommMessage) => void | Promise<void>) | null = null;
  onClose: ((msg: CommMessage) => void) | null = null;
  stateSnapshot: CommV1['stateSnapshot'] = null;
  private _closed = false;

  constructor(readonly commId: string, readonly targetName: string, private readonly owner: KernelCommManager) {}

  get closed(): boolean {
    return this._closed;
  }

  send(data: JsonObject, metadata: JsonObject = {}, buffers: BufferLike[] = []): void {
    if (this._closed) return;
    this.owner.io.publish('comm_msg', { comm_id: this.commId, data }, metadata, buffers.map(toBytes));
  }

  close(data: JsonObject = {}, metadata: JsonObject = {}): void {
    if (this._closed) return;
    this._closed = true;
    this.owner.forget(this.commId);
    this.owner.io.publish('comm_close', { comm_id: this.commId, data }, metadata);
  }

  /** Marks closed by the frontend (no message sent back). */
  closedByFrontend(): void {
    this._closed = true;
  }
}

/** The comm manager of esdlab's kernel. */
export class KernelCommManager implements CommManagerV1 {
  readonly protocol = 1 as const;
  readonly kernel: string;
  private readonly _comms = new Map<string, KernelComm>();
  private readonly targets = new Map<string, CommTargetHandler>();

  constructor(readonly io: KernelIo) {
    this.kernel = io.kernel;
    this.registerTarget(WIDGET_CONTROL_TARGET, (comm) => {
      comm.onMsg = (msg) => {
        if (msg.content.data.method === 'request_states') this.sendStates(comm);
      };
    });
  }

  openComm(targetName: string, data: JsonObject, metadata: JsonObject = {}, buffers: BufferLike[] = [], commId?: string): CommV1 {
    const id = commId ?? randomUUID().replace(/-/g, '');
    const comm = new KernelComm(id, targetName, this);
    this._comms.set(id, comm);
    this.io.publish('comm_open', { comm_id: id, target_name: targetName, data }, metadata, buffers.map(toBytes));
    return comm;
  }

  registerTarget(targetName: string, handler: CommTargetHandler): void {
    this.targets.set(targetName, handler);
  }

  unregisterTarget(targetName: string): void {
    this.targets.delete(targetName);
  }

  comms(): ReadonlyMap<string, CommV1> {
    return this._comms;
  }

  display(data: JsonObject, options: KernelDisplayOptions = {}): void {
    const transient: JsonObject = {};
    if (options.displayId !== undefined) transient.display_id = options.displayId;
    const type = options.update && options.displayId !== undefined ? 'update_display_data' : 'display_data';
    this.io.publish(type, { data, metadata: options.metadata ?? {}, transient });
  }

  interruptSignal(): InterruptSignal {
    return this.io.interruptSignal();
  }

  log(message: string): void {
    this.io.log(message);
  }

  /** Removes a comm from the registry (used by comms closing themselves). */
  forget(commId: string): void {
    this._comms.delete(commId);
  }

  /** `comm_info_reply` content: the open comms, optionally only those of `targetName`. */
  commInfo(targetName?: unknown): JsonObject {
    const comms: JsonObject = {};
    for (const [id, c] of this._comms) {
      if (typeof targetName === 'string' && targetName !== '' && c.targetName !== targetName) continue;
      comms[id] = { target_name: c.targetName };
    }
    return { status: 'ok', comms };
  }

  /**
   * Frontend `comm_open`: runs the target's handler, or answers `comm_close` for an unknown target
   * (or a malformed message). A throwing handler closes the comm, then the error propagates.
   */
  async handleOpen(msg: CommMessage): Promise<void> {
    const { comm_id, target_name } = msg.content;
    if (typeof comm_id !== 'string' || comm_id === '') return;
    const handler = typeof target_name === 'string' ? this.targets.get(target_name) : undefined;
    if (!handler) {
      this.io.log(`comm_open for unknown target '${String(target_name)}': replying comm_close`);
      this.io.publish('comm_close', { comm_id, data: {} });
      return;
    }
    const comm = new KernelComm(comm_id, target_name as string, this);
    this._comms.set(comm_id, comm);
    try {
      await handler(comm, msg);
    } catch (e) {
      comm.close();
      throw e;
    }
  }

  /** Frontend `comm_msg`: forwards to the comm's `onMsg`; unknown ids are logged and ignored. */
  async handleMsg(msg: CommMessage): Promise<void> {
    const comm = this._comms.get(msg.content.comm_id);
    if (!comm) {
      this.io.log(`comm_msg for unknown comm id '${String(msg.content.comm_id)}': ignored`);
      return;
    }
    if (comm.onMsg) await comm.onMsg(msg);
  }

  /** Frontend `comm_close`: drops the comm and calls its `onClose`; unknown ids are ignored. */
  async handleClose(msg: CommMessage): Promise<void> {
    const comm = this._comms.get(msg.content.comm_id);
    if (!comm) return;
    this._comms.delete(comm.commId);
    comm.closedByFrontend();
    comm.onClose?.(msg);
  }

  /** Answers the control channel's `request_states` with every open widget's state. */
  private sendStates(control: CommV1): void {
    const states: Record<string, unknown> = {};
    for (const [id, c] of this._comms) {
      if (c.targetName !== WIDGET_TARGET || !c.stateSnapshot) continue;
      const snap = c.stateSnapshot();
      // Put the buffers back so removeBuffers below computes paths relative to `states`.
      const state: Record<string, unknown> = { ...snap.state };
      snap.buffer_paths.forEach((p, i) => {
        let o: Record<string | number, unknown> = state;
        for (let j = 0; j < p.length - 1; j++) o = o[p[j]] as Record<string | number, unknown>;
        o[p[p.length - 1]] = snap.buffers[i];
      });
      states[id] = {
        model_name: state._model_name as JsonValue, model_module: state._model_module as JsonValue,
        model_module_version: state._model_module_version as JsonValue, state,
      };
    }
    const split = removeBuffers(states);
    control.send({ method: 'update_states', states: split.state, buffer_paths: split.buffer_paths }, {}, split.buffers);
  }
}
