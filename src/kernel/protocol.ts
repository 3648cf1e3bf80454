/**
 * The comm-manager protocol, version 1: the contract between esdlab's wrapper kernel (which owns the
 * ZeroMQ sockets) and library code running in notebook cells (widgets, display helpers).
 *
 * The kernel and the notebook may load *different copies* of esdlab (the kernel from where it is
 * installed, a cell from the notebook directory's `node_modules`), so nothing here relies on module
 * identity: the kernel publishes a plain object at `globalThis[Symbol.for('esdlab.comm.v1')]` and
 * library code looks it up with {@link getCommManager}. A future incompatible change gets a new symbol
 * (`esdlab.comm.v2`); the `protocol` field double-checks.
 *
 * This file is pure TypeScript (no Node imports): it only describes shapes and reads `globalThis`.
 * @packageDocumentation
 */

/** A JSON value (what may travel in a Jupyter message's JSON frames). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** The global-symbol name under which the kernel publishes its {@link CommManagerV1}. */
export const COMM_MANAGER_SYMBOL_NAME = 'esdlab.comm.v1';

/** Version of the comm-manager protocol described in this file. */
export const COMM_MANAGER_PROTOCOL = 1;

/** ipywidgets message-protocol version sent in `comm_open` metadata (`@jupyter-widgets/base` PROTOCOL_VERSION). */
export const WIDGET_PROTOCOL_VERSION = '2.1.0';

/** Comm target name of ipywidgets models. */
export const WIDGET_TARGET = 'jupyter.widget';

/** Comm target name of the ipywidgets control channel (`request_states` → `update_states`). */
export const WIDGET_CONTROL_TARGET = 'jupyter.widget.control';

/** MIME type of a widget view in a display bundle. */
export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';

/** MIME type of saved widget state (notebook metadata `widgets`). */
export const WIDGET_STATE_MIME = 'application/vnd.jupyter.widget-state+json';

/** The part of a Jupyter message header library code may look at. */
export interface MessageHeader {
  /** Unique message id. */
  msg_id: string;
  /** Message type, e.g. `comm_msg`. */
  msg_type: string;
  /** Session id of the sender. */
  session: string;
  /** ISO 8601 creation time. */
  date: string;
  /** Sender's user name. */
  username: string;
  /** Messaging-protocol version, e.g. `5.3`. */
  version: string;
}

/** An incoming comm message (`comm_open`, `comm_msg` or `comm_close`) as handed to comm callbacks. */
export interface CommMessage {
  /** The message header (its `msg_id` is the parent of everything sent while the callback runs). */
  header: MessageHeader;
  /** The parent header the frontend set (often empty). */
  parent_header: Partial<MessageHeader>;
  /** Message metadata (for a widget `comm_open`: `{version: '2.1.0'}`). */
  metadata: JsonObject;
  /** Message content: `comm_id`, `data` and, for `comm_open`, `target_name`. */
  content: { comm_id: string; data: JsonObject; target_name?: string };
  /** Binary buffers that travelled after the four JSON frames (views into the received frames). */
  buffers: Uint8Array[];
}

/** Binary data accepted as a message buffer. */
export type BufferLike = ArrayBuffer | ArrayBufferView;

/** One open comm (a bidirectional channel between one kernel object and the frontends). */
export interface CommV1 {
  /** The comm id (for a widget: its model id). */
  readonly commId: string;
  /** The target name it was opened with. */
  readonly targetName: string;
  /** True once closed from either side; sending on a closed comm is a no-op. */
  readonly closed: boolean;
  /**
   * Sends `comm_msg` on iopub. Parent header: the frontend message being handled (inside a comm
   * callback, including after `await`s), otherwise the execute request of the running cell.
   */
  send(data: JsonObject, metadata?: JsonObject, buffers?: BufferLike[]): void;
  /** Sends `comm_close` and drops the comm from the registry (idempotent). */
  close(data?: JsonObject, metadata?: JsonObject): void;
  /** Called for each frontend `comm_msg` on this comm. A throw (or rejection) is reported on iopub; the kernel keeps serving. */
  onMsg: ((msg: CommMessage) => void | Promise<void>) | null;
  /** Called once when the frontend closes the comm. */
  onClose: ((msg: CommMessage) => void) | null;
  /**
   * Set by widget models: returns the model's full protocol state (incl. `_model_name`,
   * `_model_module`, `_model_module_version`), binary values split out. The kernel uses it to answer
   * the `jupyter.widget.control` channel's `request_states`.
   */
  stateSnapshot?: (() => { state: JsonObject; buffer_paths: Array<Array<string | number>>; buffers: Uint8Array[] }) | null;
}

/** Handler of frontend-opened comms for one target name. */
export type CommTargetHandler = (comm: CommV1, openMsg: CommMessage) => void | Promise<void>;

/** Options of {@link CommManagerV1.display}. */
export interface KernelDisplayOptions {
  /** Transient display id: later calls with `update: true` and the same id replace the output. */
  displayId?: string;
  /** Send `update_display_data` (replace the output with `displayId`) instead of `display_data`. */
  update?: boolean;
  /** Per-MIME metadata, e.g. `{'application/vnd.vegalite.v5+json': {embed_options: {...}}}`. */
  metadata?: JsonObject;
}

/** A read-only view of an abort signal (structurally compatible with the DOM/Node `AbortSignal`). */
export interface InterruptSignal {
  /** True once the user interrupted the running cell (SIGINT from Jupyter's interrupt button). */
  readonly aborted: boolean;
}

/**
 * What the kernel publishes at `globalThis[Symbol.for('esdlab.comm.v1')]`.
 * Library code must treat every member as possibly missing in a future minor revision and check
 * `protocol === 1`.
 */
export interface CommManagerV1 {
  /** Always 1 for this interface. */
  readonly protocol: 1;
  /** Name and version of the kernel that serves this manager, e.g. `esdlab 0.1.0 (tslab 1.0.22)`. */
  readonly kernel: string;
  /**
   * Opens a comm from the kernel side: sends iopub `comm_open` with `target_name`, `data`,
   * `metadata` and binary `buffers`, and returns the live comm. `commId` defaults to a fresh UUID hex.
   */
  openComm(targetName: string, data: JsonObject, metadata?: JsonObject, buffers?: BufferLike[], commId?: string): CommV1;
  /** Registers the handler for frontend-opened comms of `targetName` (replaces an earlier one). */
  registerTarget(targetName: string, handler: CommTargetHandler): void;
  /** Removes a target handler; later `comm_open`s for it get an immediate `comm_close`. */
  unregisterTarget(targetName: string): void;
  /** The open comms, by id. */
  comms(): ReadonlyMap<string, CommV1>;
  /** Sends a multi-MIME `display_data` (or `update_display_data`) with the right parent header. */
  display(data: JsonObject, options?: KernelDisplayOptions): void;
  /** Signal aborted when the running cell is interrupted (a fresh one per execute request). */
  interruptSignal(): InterruptSignal;
  /** Writes a line to the kernel's own log (its original stderr, not a cell's output). */
  log(message: string): void;
}

/**
 * Returns the live comm manager if this code runs inside esdlab's kernel, else `null` (stock tslab,
 * plain Node, a browser). Never throws.
 */
export function getCommManager(): CommManagerV1 | null {
  const g = globalThis as unknown as Record<symbol, unknown>;
  const m = g[Symbol.for(COMM_MANAGER_SYMBOL_NAME)] as Partial<CommManagerV1> | undefined;
  if (m === undefined || m === null || typeof m !== 'object') return null;
  if (m.protocol !== COMM_MANAGER_PROTOCOL || typeof m.openComm !== 'function' || typeof m.display !== 'function') return null;
  return m as CommManagerV1;
}

/** Publishes `manager` on the global symbol (kernel side; tests may pass `null` to remove it). */
export function setCommManager(manager: CommManagerV1 | null): void {
  const g = globalThis as unknown as Record<symbol, unknown>;
  const key = Symbol.for(COMM_MANAGER_SYMBOL_NAME);
  if (manager === null) delete g[key];
  else g[key] = manager;
}

const NEVER_ABORTED: InterruptSignal = Object.freeze({ aborted: false });

/**
 * The running cell's interrupt signal when inside esdlab's kernel, else a signal that never aborts.
 * Long computations (e.g. `analyze()` over many layers) check `signal.aborted` between steps so that
 * Jupyter's interrupt button stops them even after an `await` (where tslab's own interrupt cannot
 * reach synchronous code). Take it at the start of the computation.
 */
export function currentInterruptSignal(): InterruptSignal {
  const m = getCommManager();
  if (!m || typeof m.interruptSignal !== 'function') return NEVER_ABORTED;
  try {
    return m.interruptSignal();
  } catch {
    return NEVER_ABORTED;
  }
}
