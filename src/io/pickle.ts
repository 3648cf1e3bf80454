/**
 * A restricted pickle reader for PyTorch state dicts. It understands only the opcodes of pickle
 * protocols 2–5 that `torch.save` emits for dicts of tensors, and only an allow-list of globals
 * (tensor and parameter rebuild functions, storage types, `collections.OrderedDict`). Any other
 * global — `os.system`, `builtins.eval`, a model class, anything — is refused with a FORBIDDEN
 * error naming it. Nothing is ever called or executed: allowed globals are mapped to plain data
 * builders. Pure code (no Node imports).
 */
import { EsdlabError, type ErrorLocation } from '../core/errors';

/** Storage element types by torch storage class name. */
export const STORAGE_DTYPES: Readonly<Record<string, string>> = {
  DoubleStorage: 'F64', FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16',
  LongStorage: 'I64', IntStorage: 'I32', ShortStorage: 'I16', CharStorage: 'I8', ByteStorage: 'U8', BoolStorage: 'BOOL',
};

/** A storage named by a persistent id: `('storage', torch.XStorage, key, location, numel)`. */
export interface PickledStorage {
  kind: 'storage';
  /** Element type (safetensors spelling). */
  dtype: string;
  /** Record name inside the archive's `data/` folder. */
  key: string;
  /** Device string as saved (e.g. `cpu`). */
  location: string;
  /** Number of elements. */
  numel: number;
}

/** A tensor view of a storage (what `_rebuild_tensor_v2` describes). */
export interface PickledTensor {
  kind: 'tensor';
  storage: PickledStorage;
  /** Offset in elements. */
  offset: number;
  shape: number[];
  stride: number[];
}

interface Global { kind: 'global'; module: string; name: string }
type Value = unknown;

const ALLOWED: ReadonlySet<string> = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor', 'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  ...Object.keys(STORAGE_DTYPES).map((s) => `torch.${s}`),
]);

function isGlobal(v: unknown, full?: string): v is Global {
  return typeof v === 'object' && v !== null && (v as Global).kind === 'global' && (full === undefined || `${(v as Global).module}.${(v as Global).name}` === full);
}

function asInts(v: unknown, what: string, loc: ErrorLocation): number[] {
  if (!Array.isArray(v) || !v.every((x) => Number.isSafeInteger(x) && x >= 0)) throw new EsdlabError('PARSE_ERROR', `${what} is not a tuple of non-negative integers`, loc);
  return v as number[];
}

/** Options of {@link readPickle}. */
export interface PickleOptions {
  /** File name for errors. */
  file?: string;
  /** Resolves a persistent id (torch's storage tuple) to a value. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Largest number of opcodes executed (default 50 million). */
  maxOps?: number;
}

/**
 * Reads a pickle with the restricted opcode and global sets. Returns plain JS values: dict → Map,
 * list/tuple → array, str → string, int/float → number, bytes → Uint8Array, tensors → {@link PickledTensor}.
 * @throws EsdlabError FORBIDDEN for a global outside the allow-list or an opcode outside the subset,
 *   PARSE_ERROR / TRUNCATED for malformed data.
 */
export function readPickle(bytes: Uint8Array, options: PickleOptions = {}): unknown {
  const file = options.file;
  const loc = (offset: number): ErrorLocation => ({ ...(file !== undefined ? { file } : {}), offset });
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('utf-8', { fatal: false });
  const stack: Value[] = [];
  const marks: number[] = [];
  const memo = new Map<number, Value>();
  let pos = 0;
  let ops = 0;
  const maxOps = options.maxOps ?? 50_000_000;
  const need = (n: number, at: number): void => {
    if (pos + n > bytes.length) throw new EsdlabError('TRUNCATED', 'pickle ends inside an opcode', loc(at));
  };
  const pop = (at: number): Value => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1])) throw new EsdlabError('PARSE_ERROR', 'pickle stack underflow', loc(at));
    return stack.pop();
  };
  const popMark = (at: number): Value[] => {
    const m = marks.pop();
    if (m === undefined) throw new EsdlabError('PARSE_ERROR', 'pickle MARK missing', loc(at));
    return stack.splice(m);
  };
  const readLine = (at: number): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new EsdlabError('TRUNCATED', 'pickle ends inside a text line', loc(at));
    const s = text.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const str = (n: number, at: number): string => {
    if (!Number.isSafeInteger(n) || n < 0) throw new EsdlabError('PARSE_ERROR', 'bad string length', loc(at));
    need(n, at);
    const s = text.decode(bytes.subarray(pos, pos + n));
    pos += n;
    return s;
  };
  const global = (module: string, name: string, at: number): Global => {
    const full = `${module}.${name}`;
    if (!ALLOWED.has(full)) {
      throw new EsdlabError('FORBIDDEN', `pickle references global '${full.replace(/[^\x20-\x7e]/g, '?')}', which a state dict does not need: refusing to load (nothing was executed)`, loc(at));
    }
    return { kind: 'global', module, name };
  };
  const call = (fn: Value, args: Value, at: number): Value => {
    if (!Array.isArray(args)) throw new EsdlabError('PARSE_ERROR', 'REDUCE arguments are not a tuple', loc(at));
    if (isGlobal(fn, 'collections.OrderedDict')) return new Map();
    if (isGlobal(fn, 'torch._utils._rebuild_tensor_v2') || isGlobal(fn, 'torch._utils._rebuild_tensor')) {
      const [storage, offset, size, stride] = args;
      const st = storage as PickledStorage;
      if (typeof st !== 'object' || st === null || st.kind !== 'storage') throw new EsdlabError('PARSE_ERROR', 'tensor rebuild without a storage', loc(at));
      if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw new EsdlabError('PARSE_ERROR', 'bad storage offset', loc(at));
      const t: PickledTensor = { kind: 'tensor', storage: st, offset: offset as number, shape: asInts(size, 'size', loc(at)), stride: asInts(stride, 'stride', loc(at)) };
      if (t.shape.length !== t.stride.length) throw new EsdlabError('PARSE_ERROR', 'size and stride differ in length', loc(at));
      return t;
    }
    if (isGlobal(fn, 'torch._utils._rebuild_parameter') || isGlobal(fn, 'torch._utils._rebuild_parameter_with_state')) return args[0];
    if (isGlobal(fn)) throw new EsdlabError('FORBIDDEN', `pickle calls '${fn.module}.${fn.name}', which is not a function a state dict uses`, loc(at));
    throw new EsdlabError('FORBIDDEN', 'pickle calls something that is not an allowed global', loc(at));
  };
  for (;;) {
    if (++ops > maxOps) throw new EsdlabError('FORBIDDEN', `pickle exceeds ${maxOps} opcodes`, loc(pos));
    const at = pos;
    need(1, at);
    const op = bytes[pos++];
    switch (op) {
      case 0x80: need(1, at); pos += 1; break; // PROTO
      case 0x95: need(8, at); pos += 8; break; // FRAME (length ignored: we read the whole buffer)
      case 0x2e: { // STOP
        if (stack.length !== 1) throw new EsdlabError('PARSE_ERROR', `pickle stops with ${stack.length} values on the stack`, loc(at));
        return stack[0];
      }
      case 0x28: marks.push(stack.length); break; // MARK
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x74: stack.push(popMark(at)); break; // TUPLE
      case 0x85: stack.push([pop(at)]); break; // TUPLE1
      case 0x86: { const b = pop(at); const a = pop(at); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(at); const b = pop(at); const a = pop(at); stack.push([a, b, c]); break; } // TUPLE3
      case 0x6c: stack.push(popMark(at)); break; // LIST
      case 0x64: { // DICT
        const items = popMark(at);
        const m = new Map();
        for (let i = 0; i + 1 < items.length; i += 2) m.set(items[i], items[i + 1]);
        stack.push(m);
        break;
      }
      case 0x73: case 0x75: { // SETITEM, SETITEMS
        const items = op === 0x73 ? (() => { const v = pop(at); const k = pop(at); return [k, v]; })() : popMark(at);
        const d = stack[stack.length - 1];
        if (!(d instanceof Map)) throw new EsdlabError('PARSE_ERROR', 'SETITEM on a non-dict', loc(at));
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
        break;
      }
      case 0x61: case 0x65: { // APPEND, APPENDS
        const items = op === 0x61 ? [pop(at)] : popMark(at);
        const l = stack[stack.length - 1];
        if (!Array.isArray(l)) throw new EsdlabError('PARSE_ERROR', 'APPEND on a non-list', loc(at));
        l.push(...items);
        break;
      }
      case 0x71: need(1, at); memo.set(bytes[pos++], stack[stack.length - 1]); break; // BINPUT
      case 0x72: need(4, at); memo.set(dv.getUint32(pos, true), stack[stack.length - 1]); pos += 4; break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, stack[stack.length - 1]); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        let k: number;
        if (op === 0x68) { need(1, at); k = bytes[pos++]; } else { need(4, at); k = dv.getUint32(pos, true); pos += 4; }
        if (!memo.has(k)) throw new EsdlabError('PARSE_ERROR', `memo key ${k} not set`, loc(at));
        stack.push(memo.get(k));
        break;
      }
      case 0x4a: need(4, at); stack.push(dv.getInt32(pos, true)); pos += 4; break; // BININT
      case 0x4b: need(1, at); stack.push(bytes[pos++]); break; // BININT1
      case 0x4d: need(2, at); stack.push(dv.getUint16(pos, true)); pos += 2; break; // BININT2
      case 0x8a: { // LONG1
        need(1, at);
        const n = bytes[pos++];
        need(n, at);
        if (n > 8) throw new EsdlabError('PARSE_ERROR', 'integer too large', loc(at));
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[pos + i]);
        if (n > 0 && bytes[pos + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        stack.push(Number(v));
        break;
      }
      case 0x47: need(8, at); stack.push(dv.getFloat64(pos, false)); pos += 8; break; // BINFLOAT (big-endian)
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x58: { need(4, at); const n = dv.getUint32(pos, true); pos += 4; stack.push(str(n, at)); break; } // BINUNICODE
      case 0x8c: { need(1, at); const n = bytes[pos++]; stack.push(str(n, at)); break; } // SHORT_BINUNICODE
      case 0x8d: { need(8, at); const n = Number(dv.getBigUint64(pos, true)); pos += 8; stack.push(str(n, at)); break; } // BINUNICODE8
      case 0x54: case 0x55: case 0x42: case 0x43: { // BINSTRING, SHORT_BINSTRING, BINBYTES, SHORT_BINBYTES
        let n: number;
        if (op === 0x55 || op === 0x43) { need(1, at); n = bytes[pos++]; } else { need(4, at); n = dv.getUint32(pos, true); pos += 4; }
        need(n, at);
        const b = bytes.slice(pos, pos + n);
        pos += n;
        stack.push(op === 0x54 || op === 0x55 ? text.decode(b) : b);
        break;
      }
      case 0x63: { const module = readLine(at); const name = readLine(at); stack.push(global(module, name, at)); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop(at);
        const module = pop(at);
        if (typeof module !== 'string' || typeof name !== 'string') throw new EsdlabError('PARSE_ERROR', 'STACK_GLOBAL needs two strings', loc(at));
        stack.push(global(module, name, at));
        break;
      }
      case 0x52: { const args = pop(at); const fn = pop(at); stack.push(call(fn, args, at)); break; } // REDUCE
      case 0x81: { // NEWOBJ
        const args = pop(at);
        const cls = pop(at);
        if (!isGlobal(cls, 'collections.OrderedDict')) throw new EsdlabError('FORBIDDEN', 'NEWOBJ of a class other than OrderedDict', loc(at));
        void args;
        stack.push(new Map());
        break;
      }
      case 0x62: { // BUILD: state for an object we built (e.g. OrderedDict._metadata): ignored
        pop(at);
        const target = stack[stack.length - 1];
        if (!(target instanceof Map) && !(typeof target === 'object' && target !== null && (target as PickledTensor).kind === 'tensor')) {
          throw new EsdlabError('FORBIDDEN', 'BUILD on an object that is not a dict or tensor', loc(at));
        }
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop(at);
        if (!options.persistentLoad) throw new EsdlabError('PARSE_ERROR', 'persistent id without a loader', loc(at));
        stack.push(options.persistentLoad(pid));
        break;
      }
      case 0x30: pop(at); break; // POP
      case 0x31: popMark(at); break; // POP_MARK
      case 0x32: stack.push(stack[stack.length - 1]); break; // DUP
      default:
        throw new EsdlabError('FORBIDDEN', `pickle opcode 0x${op.toString(16).padStart(2, '0')} is outside the subset a state dict needs`, loc(at));
    }
  }
}

/** Builds a {@link PickledStorage} from torch's persistent id tuple, validating it. */
export function torchStorageFromPid(pid: unknown, file?: string): PickledStorage {
  const loc = file !== undefined ? { file } : {};
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new EsdlabError('PARSE_ERROR', 'unexpected persistent id (not a torch storage)', loc);
  const [, type, key, location, numel] = pid as [string, unknown, unknown, unknown, unknown];
  const t = type as Global;
  if (!isGlobal(t) || t.module !== 'torch' || !(t.name in STORAGE_DTYPES)) {
    throw new EsdlabError('UNSUPPORTED_DTYPE', `unsupported storage type ${isGlobal(t) ? `${t.module}.${t.name}` : String(t)}`, loc);
  }
  if (typeof key !== 'string' || !/^[A-Za-z0-9_]+$/.test(key)) throw new EsdlabError('PARSE_ERROR', `bad storage key ${JSON.stringify(key)}`, loc);
  if (!Number.isSafeInteger(numel) || (numel as number) < 0) throw new EsdlabError('PARSE_ERROR', 'bad storage size', loc);
  return { kind: 'storage', dtype: STORAGE_DTYPES[t.name], key, location: String(location), numel: numel as number };
}
