/**
 * The Jupyter wire protocol (messaging spec 5.3) for the frames esdlab's kernel handles itself:
 * `[identities…, '<IDS|MSG>', signature, header, parent_header, metadata, content, buffers…]`.
 * The HMAC-SHA256 signature covers exactly the four JSON frames — never the binary buffers (tslab's
 * own parser signs every frame, so it cannot carry comm buffers). An empty key disables signing.
 * @packageDocumentation
 */
import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import type { JsonObject, MessageHeader } from './protocol';

/** The delimiter frame between routing identities and the message. */
export const DELIM = Buffer.from('<IDS|MSG>');

/** Messaging-protocol version this kernel speaks. */
export const PROTOCOL_VERSION = '5.3';

/** A parsed, signature-checked message. */
export interface WireMessage {
  /** ZeroMQ routing identities (copied onto replies). */
  identities: Buffer[];
  /** The header. */
  header: MessageHeader;
  /** The parent header (`{}` when none). */
  parent_header: Partial<MessageHeader>;
  /** Metadata. */
  metadata: JsonObject;
  /** Content. */
  content: JsonObject;
  /** Binary buffers after the four JSON frames. */
  buffers: Buffer[];
}

/** Outcome of {@link parseMessage}: the message, or why it was rejected. */
export type ParseResult = { ok: true; msg: WireMessage } | { ok: false; reason: string };

/** Hex HMAC-SHA256 of the four JSON frames ('' when `key` is empty). */
export function sign(key: string, jsonFrames: Array<Buffer | string>): string {
  if (key === '') return '';
  const h = createHmac('sha256', key);
  for (const f of jsonFrames) h.update(f);
  return h.digest('hex');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Splits and verifies raw frames. Rejects (never throws): a missing delimiter, fewer than four JSON
 * frames, a wrong signature (compared in constant time), JSON that does not parse or a header without
 * `msg_type`/`msg_id`.
 */
export function parseMessage(key: string, frames: Buffer[]): ParseResult {
  const d = frames.findIndex((f) => f.equals(DELIM));
  if (d < 0) return { ok: false, reason: 'no <IDS|MSG> delimiter' };
  if (frames.length < d + 6) return { ok: false, reason: `too few frames (${frames.length - d - 2} after the signature, need 4)` };
  const sig = frames[d + 1].toString('latin1');
  const json = frames.slice(d + 2, d + 6);
  if (key !== '') {
    const want = Buffer.from(sign(key, json), 'latin1');
    const got = Buffer.from(sig, 'latin1');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: 'invalid HMAC signature' };
  }
  let parts: unknown[];
  try {
    parts = json.map((f) => JSON.parse(f.toString('utf8')) as unknown);
  } catch (e) {
    return { ok: false, reason: `unparsable JSON frame: ${(e as Error).message}` };
  }
  const [header, parent, metadata, content] = parts;
  if (!isPlainObject(header) || typeof header.msg_type !== 'string' || typeof header.msg_id !== 'string') {
    return { ok: false, reason: 'header without msg_type/msg_id' };
  }
  return {
    ok: true,
    msg: {
      identities: frames.slice(0, d),
      header: header as unknown as MessageHeader,
      parent_header: (isPlainObject(parent) ? parent : {}) as Partial<MessageHeader>,
      metadata: (isPlainObject(metadata) ? metadata : {}) as JsonObject,
      content: (isPlainObject(content) ? content : {}) as JsonObject,
      buffers: frames.slice(d + 6),
    },
  };
}

/** A new header for a message this kernel sends. */
export function newHeader(msgType: string, session: string): MessageHeader {
  return {
    msg_id: randomUUID().replace(/-/g, ''),
    msg_type: msgType,
    session,
    username: 'esdlab',
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}

/** Builds signed frames; buffers are appended raw after the four JSON frames. */
export function buildFrames(
  key: string,
  identities: Array<Buffer | string>,
  header: MessageHeader,
  parent: Partial<MessageHeader> | MessageHeader,
  metadata: JsonObject,
  content: JsonObject,
  buffers: Uint8Array[] = [],
): Buffer[] {
  const json = [header, parent, metadata, content].map((o) => Buffer.from(JSON.stringify(o), 'utf8'));
  return [
    ...identities.map((i) => (typeof i === 'string' ? Buffer.from(i) : i)),
    DELIM,
    Buffer.from(sign(key, json), 'latin1'),
    ...json,
    ...buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
  ];
}
