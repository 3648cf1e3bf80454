/**
 * Kernel-side base class of esdlab's Jupyter widgets (ipywidgets message protocol v2).
 *
 * A widget model is a plain typed object holding a state `S`; subclasses (e.g. a spectrum widget)
 * declare `S` and the frontend module/view names. When esdlab's kernel is running (a comm manager is
 * live, see {@link getCommManager}) {@link WidgetModel.open} opens a `jupyter.widget` comm and the
 * state is kept in sync both ways: `set()` sends `update`, frontend `update`s change the state, fire
 * `change:<key>` events and are echoed (`echo_update`), `request_state` is answered with the full
 * state, `custom` messages go both ways, binary values (typed arrays) travel as buffers.
 * Without a comm manager (stock tslab, plain Node) the model still works locally and never throws
 * for lack of a frontend.
 *
 * ```ts
 * interface RangeState { xmin: number; xmax: number }
 * class RangeWidget extends WidgetModel<RangeState> {
 *   constructor() { super(RANGE_SPEC, { xmin: 1, xmax: 10 }); }
 * }
 * const w = new RangeWidget();
 * w.on('change:xmin', (e) => console.log(e.old, '→', e.new, e.source));
 * w.open();             // comm_open if the kernel supports comms
 * w.set({ xmax: 20 });  // update to the frontends
 * ```
 * Pure TypeScript (no Node imports).
 * @packageDocumentation
 */
import { putBuffers, removeBuffers, isBinary, type BufferPath } from './buffers';
import {
  getCommManager, WIDGET_PROTOCOL_VERSION, WIDGET_TARGET, WIDGET_VIEW_MIME,
  type BufferLike, type CommManagerV1, type CommMessage, type CommV1, type JsonObject,
} from './protocol';

/** The frontend module and class names a widget model announces (the six `_model_*`/`_view_*` keys). */
export interface WidgetModelSpec {
  /** `_model_name`, e.g. `SpectrumModel`. */
  modelName: string;
  /** `_model_module`, the npm name the frontend registered, e.g. `esdlab-widgets`. */
  modelModule: string;
  /** `_model_module_version`: a semver range the registered module version must satisfy, e.g. `^0.1.0`. */
  modelModuleVersion: string;
  /** `_view_name`, e.g. `SpectrumView` (null for a model without a view). */
  viewName: string | null;
  /** `_view_module` (null for a model without a view). */
  viewModule: string | null;
  /** `_view_module_version`. */
  viewModuleVersion: string;
}

/** Who caused a change: kernel code (`set`) or a frontend `update` message. */
export type ChangeSource = 'kernel' | 'frontend';

/** Payload of a `change:<key>` event. */
export interface ChangeEvent<S, K extends keyof S = keyof S> {
  /** The attribute that changed. */
  name: K;
  /** Value before the change. */
  old: S[K];
  /** Value after the change. */
  new: S[K];
  /** Kernel code or a frontend. */
  source: ChangeSource;
}

/** Payload of a `custom` event (a frontend `{method: 'custom', content}` message). */
export interface CustomEvent {
  /** The `content` of the custom message. */
  content: JsonObject;
  /** Its binary buffers. */
  buffers: Uint8Array[];
}

/** The event map of a widget model with state `S`. */
export type WidgetEvents<S> = {
  [K in keyof S & string as `change:${K}`]: ChangeEvent<S, K>;
} & {
  /** Any attribute change (one event per changed attribute). */
  change: ChangeEvent<S>;
  /** A frontend custom message. */
  custom: CustomEvent;
  /** The comm was closed (by the kernel or a frontend). */
  close: { source: ChangeSource };
};

/** Options of the {@link WidgetModel} constructor. */
export interface WidgetModelOptions {
  /** Comm manager to use; default: the kernel's global one (or none). `null` forces a local-only model. */
  manager?: CommManagerV1 | null;
  /** Echo frontend updates back to all frontends (`echo_update`, protocol 2.1). Default true. */
  echo?: boolean;
}

/** A serialized widget entry of `application/vnd.jupyter.widget-state+json` (schema v2). */
export interface WidgetStateEntry {
  /** `_model_name`. */
  model_name: string;
  /** `_model_module`. */
  model_module: string;
  /** `_model_module_version`. */
  model_module_version: string;
  /** The state, binary values removed. */
  state: JsonObject;
  /** The binary values, base64-encoded, with their paths. */
  buffers?: Array<{ path: BufferPath; data: string; encoding: 'base64' }>;
}

type Listener = (ev: never) => void;

/** Generates a 32-hex-digit id (uniqueness, not secrecy, is what model ids need). */
export function newModelId(): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return s;
}

/** Base64 of `bytes` (pure; no Buffer/btoa). */
export function bytesToBase64(bytes: Uint8Array): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += A[(n >> 18) & 63] + A[(n >> 12) & 63] + A[(n >> 6) & 63] + A[n & 63];
  }
  if (i < bytes.length) {
    const n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8);
    out += A[(n >> 18) & 63] + A[(n >> 12) & 63] + (i + 1 < bytes.length ? A[(n >> 6) & 63] : '=') + '=';
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isBinary(a) || isBinary(b)) return false;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  try { return JSON.stringify(a) === JSON.stringify(b); } catch { return false; }
}

/**
 * Base class of kernel-side widget models. `S` is the synced state (JSON values or typed arrays);
 * keys starting with `_` are reserved for the protocol.
 */
export class WidgetModel<S extends object> {
  /** The model id (= comm id once open). Stable for the life of the object. */
  readonly modelId: string;
  /** The frontend module/class names. */
  readonly spec: WidgetModelSpec;
  private readonly _state: S;
  private readonly _listeners = new Map<string, Set<Listener>>();
  private _comm: CommV1 | null = null;
  private readonly _manager: CommManagerV1 | null | undefined;
  private readonly _echo: boolean;
  /** Values just received from a frontend: `set()`ting the same value back is not re-sent. */
  private _lock: Partial<S> | null = null;

  constructor(spec: WidgetModelSpec, initial: S, options: WidgetModelOptions = {}) {
    this.spec = { ...spec };
    this._state = { ...initial };
    this._manager = options.manager;
    this._echo = options.echo ?? true;
    this.modelId = newModelId();
  }

  /** The comm manager this model uses (null if none is live). */
  protected manager(): CommManagerV1 | null {
    return this._manager === undefined ? getCommManager() : this._manager;
  }

  /** True while a comm to the frontends is open. */
  get commLive(): boolean {
    return this._comm !== null && !this._comm.closed;
  }

  /** The current value of one attribute. */
  get<K extends keyof S>(key: K): S[K] {
    return this._state[key];
  }

  /** A shallow copy of the whole state. */
  getState(): S {
    return { ...this._state };
  }

  /**
   * Changes attributes: fires `change:<key>`/`change` for each value that differs and, if the comm
   * is open, sends one `update` with the changed keys. Listener exceptions propagate to the caller.
   */
  set(partial: Partial<S>): this {
    this.applyChanges(partial, 'kernel');
    return this;
  }

  /** Adds a listener (`change:<key>`, `change`, `custom` or `close`). */
  on<E extends keyof WidgetEvents<S> & string>(event: E, listener: (ev: WidgetEvents<S>[E]) => void): this {
    let set = this._listeners.get(event);
    if (!set) { set = new Set(); this._listeners.set(event, set); }
    set.add(listener as Listener);
    return this;
  }

  /** Removes a listener added with {@link WidgetModel.on}. */
  off<E extends keyof WidgetEvents<S> & string>(event: E, listener: (ev: WidgetEvents<S>[E]) => void): this {
    this._listeners.get(event)?.delete(listener as Listener);
    return this;
  }

  /** Fires `event` to its listeners (in insertion order). */
  protected emit<E extends keyof WidgetEvents<S> & string>(event: E, payload: WidgetEvents<S>[E]): void {
    this.fire(event, payload);
  }

  private fire(event: string, payload: unknown): void {
    const set = this._listeners.get(event);
    if (!set) return;
    for (const l of [...set]) (l as (ev: unknown) => void)(payload);
  }

  /**
   * Opens the comm (iopub `comm_open` with the full state, metadata `{version: '2.1.0'}`) if a comm
   * manager is live and it is not open yet. Returns {@link WidgetModel.commLive}.
   */
  open(): boolean {
    if (this.commLive) return true;
    const m = this.manager();
    if (!m) return false;
    const { state, buffer_paths, buffers } = this.serializeState();
    const comm = m.openComm(WIDGET_TARGET, { state, buffer_paths: buffer_paths }, { version: WIDGET_PROTOCOL_VERSION }, buffers, this.modelId);
    comm.onMsg = (msg) => this.handleMessage(msg);
    comm.stateSnapshot = () => this.serializeState();
    comm.onClose = () => {
      this._comm = null;
      this.fire('close', { source: 'frontend' });
    };
    this._comm = comm;
    return true;
  }

  /** Closes the comm (no-op if not open). The model keeps its state and may be re-opened. */
  close(): void {
    const c = this._comm;
    if (!c) return;
    this._comm = null;
    c.close();
    this.fire('close', { source: 'kernel' });
  }

  /** Sends a custom message `{method: 'custom', content}` to the frontends (no-op without a comm). */
  send(content: JsonObject, buffers: BufferLike[] = []): void {
    if (!this.commLive) return;
    this._comm!.send({ method: 'custom', content }, {}, buffers);
  }

  /**
   * The widget-view MIME entry (`{'application/vnd.jupyter.widget-view+json': {...}}`) if the comm
   * is open, else null. Display helpers add it to a bundle.
   */
  viewData(): JsonObject | null {
    if (!this.commLive || this.spec.viewName === null) return null;
    return { [WIDGET_VIEW_MIME]: { version_major: 2, version_minor: 1, model_id: this.modelId } };
  }

  /** The full protocol state (the six `_model_*`/`_view_*` keys + attributes), binary values split out. */
  serializeState(keys?: Array<keyof S>): { state: JsonObject; buffer_paths: BufferPath[]; buffers: Uint8Array[] } {
    const s = this.spec;
    const raw: Record<string, unknown> = {};
    if (!keys) {
      Object.assign(raw, {
        _model_name: s.modelName, _model_module: s.modelModule, _model_module_version: s.modelModuleVersion,
        _view_name: s.viewName, _view_module: s.viewModule, _view_module_version: s.viewModuleVersion,
      });
    }
    for (const k of keys ?? (Object.keys(this._state) as Array<keyof S>)) raw[k as string] = this.encodeValue(k, this._state[k]);
    return removeBuffers(raw);
  }

  /** This model as an entry of saved widget state (`application/vnd.jupyter.widget-state+json`). */
  widgetStateEntry(): WidgetStateEntry {
    const { state, buffer_paths, buffers } = this.serializeState();
    const entry: WidgetStateEntry = {
      model_name: this.spec.modelName, model_module: this.spec.modelModule,
      model_module_version: this.spec.modelModuleVersion, state,
    };
    if (buffers.length) entry.buffers = buffers.map((b, i) => ({ path: buffer_paths[i], data: bytesToBase64(b), encoding: 'base64' as const }));
    return entry;
  }

  /** Converts an attribute value for the wire (default: as is). Override for custom serialization. */
  protected encodeValue(_key: keyof S, value: unknown): unknown {
    return value;
  }

  /**
   * Converts an incoming frontend value before it is stored (default: as is; binary values arrive as
   * `Uint8Array`). Override to e.g. turn bytes back into a `Float64Array`, or to validate (throw).
   */
  protected decodeValue(_key: keyof S, value: unknown): unknown {
    return value;
  }

  /** Handles one frontend `comm_msg` (update / request_state / custom). */
  protected handleMessage(msg: CommMessage): void {
    const data = msg.content.data;
    const method = data.method;
    if (method === 'update') {
      const incoming = data.state;
      if (incoming === null || typeof incoming !== 'object' || Array.isArray(incoming)) return;
      const st = putBuffers({ ...(incoming as Record<string, unknown>) }, data.buffer_paths, msg.buffers);
      const accepted: Partial<S> = {};
      for (const k of Object.keys(st)) {
        if (k.startsWith('_') || !Object.prototype.hasOwnProperty.call(this._state, k)) continue;
        (accepted as Record<string, unknown>)[k] = this.decodeValue(k as keyof S, st[k]);
      }
      const keys = Object.keys(accepted) as Array<keyof S>;
      if (keys.length === 0) return;
      if (this._echo && this.commLive) {
        const echo: Record<string, unknown> = {};
        for (const k of keys) echo[k as string] = st[k as string];
        const split = removeBuffers(echo);
        this._comm!.send({ method: 'echo_update', state: split.state, buffer_paths: split.buffer_paths }, {}, split.buffers);
      }
      const prevLock = this._lock;
      this._lock = { ...(prevLock ?? {}), ...accepted };
      try {
        this.applyChanges(accepted, 'frontend');
      } finally {
        this._lock = prevLock;
      }
    } else if (method === 'request_state') {
      const { state, buffer_paths, buffers } = this.serializeState();
      this._comm?.send({ method: 'update', state, buffer_paths: buffer_paths }, {}, buffers);
    } else if (method === 'custom') {
      const content = data.content;
      this.fire('custom', { content: content !== null && typeof content === 'object' && !Array.isArray(content) ? (content as JsonObject) : {}, buffers: msg.buffers });
    }
  }

  private applyChanges(partial: Partial<S>, source: ChangeSource): void {
    const changed: Array<{ key: keyof S; old: unknown }> = [];
    for (const key of Object.keys(partial) as Array<keyof S>) {
      if ((key as string).startsWith('_')) continue;
      const nv = partial[key] as S[keyof S];
      const old = this._state[key];
      if (sameValue(old, nv)) continue;
      this._state[key] = nv;
      changed.push({ key, old });
    }
    if (changed.length === 0) return;
    // Send first (so a frontend sees the kernel's value even if a listener throws), then notify.
    if (source === 'kernel' && this.commLive) {
      const lock = this._lock;
      const keys = changed.map((c) => c.key).filter((k) => !(lock && k in lock && sameValue((lock as S)[k], this._state[k])));
      if (keys.length) {
        const { state, buffer_paths, buffers } = this.serializeState(keys);
        this._comm!.send({ method: 'update', state, buffer_paths: buffer_paths }, {}, buffers);
      }
    }
    for (const c of changed) {
      const ev = { name: c.key, old: c.old, new: this._state[c.key], source } as ChangeEvent<S>;
      this.fire(`change:${String(c.key)}`, ev);
      this.fire('change', ev);
    }
  }
}
