/**
 * Binary buffers in widget state (ipywidgets protocol v2 `buffer_paths`): values that are
 * `ArrayBuffer`s or typed-array/DataView views travel as raw frames after the JSON frames; their place
 * in the state is named by a path of keys/indices. On the way out a list slot becomes `null` and an
 * object key is removed; on the way in the bytes are put back at their paths.
 * Pure TypeScript (no Node imports).
 * @packageDocumentation
 */
import type { BufferLike, JsonObject, JsonValue } from './protocol';

/** A path into a state object: object keys and array indices. */
export type BufferPath = Array<string | number>;

/** The result of {@link removeBuffers}. */
export interface SplitState {
  /** The state with every binary value removed (JSON-serializable if the rest was). */
  state: JsonObject;
  /** Where each buffer was, in the order of `buffers`. */
  buffer_paths: BufferPath[];
  /** The bytes, as `Uint8Array` views over the original memory (no copy). */
  buffers: Uint8Array[];
}

/** True for an `ArrayBuffer` or any typed array / DataView. */
export function isBinary(v: unknown): v is BufferLike {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v);
}

/** A `Uint8Array` view over the bytes of `b` (no copy). */
export function toBytes(b: BufferLike): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Splits the binary values out of `state` (recursively through plain objects and arrays).
 * `state` itself is not modified; containers on the way to a buffer are shallow-copied.
 */
export function removeBuffers(state: Record<string, unknown>): SplitState {
  const buffers: Uint8Array[] = [];
  const buffer_paths: BufferPath[] = [];
  const walk = (value: unknown, path: BufferPath): unknown => {
    if (Array.isArray(value)) {
      let out: unknown[] | null = null;
      value.forEach((v, i) => {
        if (isBinary(v)) {
          out = out ?? value.slice();
          out[i] = null;
          buffers.push(toBytes(v));
          buffer_paths.push([...path, i]);
        } else if (v !== null && typeof v === 'object') {
          const w = walk(v, [...path, i]);
          if (w !== v) { out = out ?? value.slice(); out[i] = w; }
        }
      });
      return out ?? value;
    }
    if (value !== null && typeof value === 'object' && !isBinary(value)) {
      const obj = value as Record<string, unknown>;
      let out: Record<string, unknown> | null = null;
      for (const k of Object.keys(obj)) {
        const v = obj[k];
        if (isBinary(v)) {
          out = out ?? { ...obj };
          delete out[k];
          buffers.push(toBytes(v));
          buffer_paths.push([...path, k]);
        } else if (v !== null && typeof v === 'object') {
          const w = walk(v, [...path, k]);
          if (w !== v) { out = out ?? { ...obj }; out[k] = w; }
        }
      }
      return out ?? value;
    }
    return value;
  };
  const top: Record<string, unknown> = {};
  for (const k of Object.keys(state)) {
    const v = state[k];
    if (isBinary(v)) {
      buffers.push(toBytes(v));
      buffer_paths.push([k]);
    } else {
      top[k] = walk(v, [k]);
    }
  }
  return { state: top as JsonObject, buffer_paths, buffers };
}

/**
 * Puts `buffers` back into `state` at `paths` (in place) and returns `state`. Malformed paths (not
 * arrays, pointing through missing containers) are skipped, never thrown on: the data comes from the
 * network. Values are put back as `Uint8Array`s.
 */
export function putBuffers(state: Record<string, unknown>, paths: unknown, buffers: Uint8Array[]): Record<string, unknown> {
  if (!Array.isArray(paths)) return state;
  const n = Math.min(paths.length, buffers.length);
  for (let i = 0; i < n; i++) {
    const p = paths[i] as unknown;
    if (!Array.isArray(p) || p.length === 0) continue;
    let obj: unknown = state;
    let ok = true;
    for (let j = 0; j < p.length - 1; j++) {
      const key = p[j] as unknown;
      if (obj === null || typeof obj !== 'object' || (typeof key !== 'string' && typeof key !== 'number')) { ok = false; break; }
      obj = (obj as Record<string | number, unknown>)[key];
    }
    const last = p[p.length - 1] as unknown;
    if (!ok || obj === null || typeof obj !== 'object' || (typeof last !== 'string' && typeof last !== 'number')) continue;
    if (last === '__proto__' || p.includes('__proto__')) continue;
    (obj as Record<string | number, unknown>)[last] = buffers[i];
  }
  return state;
}

/** Narrowing helper: `v` as a JSON object, or `{}` if it is not a plain object. */
export function asJsonObject(v: unknown): JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {};
}

/** Re-export for convenience of widget code. */
export type { JsonValue };

/**
 * Reads binary state from a frontend as a `Float64Array` (little-endian, as browsers send it).
 * Accepts a `Float64Array` (returned as is), any other binary value of a multiple of 8 bytes (copied
 * when its offset is not 8-aligned, as with views into received network frames), or a plain number
 * array. Returns null for anything else.
 */
export function asFloat64Array(v: unknown): Float64Array | null {
  if (v instanceof Float64Array) return v;
  if (Array.isArray(v)) return v.every((x) => typeof x === 'number') ? Float64Array.from(v as number[]) : null;
  if (!isBinary(v)) return null;
  const b = toBytes(v);
  if (b.byteLength % 8 !== 0) return null;
  if (b.byteOffset % 8 === 0) return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
  return new Float64Array(b.slice().buffer);
}
