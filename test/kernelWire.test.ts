import { createHmac } from 'crypto';
import { buildFrames, DELIM, newHeader, parseMessage, sign } from '../src/kernel/wire';

const KEY = 'f00dfeed-test-key';

describe('Jupyter wire protocol (messaging 5.3)', () => {
  const header = newHeader('comm_msg', 'sess');
  const content = { comm_id: 'c1', data: { method: 'custom', content: { a: 1 } } };

  test('signature covers exactly the four JSON frames, not the buffers', () => {
    const buf = new Uint8Array([9, 8, 7, 6]);
    const frames = buildFrames(KEY, ['id1'], header, {}, { m: 1 }, content, [buf]);
    const d = frames.findIndex((f) => f.equals(DELIM));
    expect(d).toBe(1);
    expect(frames.length).toBe(d + 2 + 4 + 1);
    // Independent HMAC computed here with node:crypto over header|parent|metadata|content.
    const h = createHmac('sha256', KEY);
    for (const f of frames.slice(d + 2, d + 6)) h.update(f);
    expect(frames[d + 1].toString()).toBe(h.digest('hex'));
    expect(Array.from(frames[d + 6])).toEqual([9, 8, 7, 6]);
    const p = parseMessage(KEY, frames);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.msg.identities.map(String)).toEqual(['id1']);
    expect(p.msg.header.msg_id).toBe(header.msg_id);
    expect(p.msg.content).toEqual(content);
    expect(p.msg.metadata).toEqual({ m: 1 });
    expect(Array.from(p.msg.buffers[0])).toEqual([9, 8, 7, 6]);
  });

  test('a tampered frame or a wrong key is rejected, not thrown', () => {
    const frames = buildFrames(KEY, [], header, {}, {}, content);
    const tampered = frames.slice();
    tampered[5] = Buffer.from(JSON.stringify({ comm_id: 'c2', data: {} }));
    expect(parseMessage(KEY, tampered)).toEqual({ ok: false, reason: 'invalid HMAC signature' });
    expect(parseMessage('other-key', frames)).toEqual({ ok: false, reason: 'invalid HMAC signature' });
  });

  test('changing a buffer does not invalidate the signature', () => {
    const frames = buildFrames(KEY, [], header, {}, {}, content, [new Uint8Array([1])]);
    frames[frames.length - 1] = Buffer.from([2, 3]);
    expect(parseMessage(KEY, frames).ok).toBe(true);
  });

  test('malformed input gives a reason', () => {
    expect(parseMessage(KEY, [Buffer.from('x')])).toEqual({ ok: false, reason: 'no <IDS|MSG> delimiter' });
    expect(parseMessage(KEY, [DELIM, Buffer.from('sig'), Buffer.from('{}')]).ok).toBe(false);
    const json = ['{not json', '{}', '{}', '{}'].map((s) => Buffer.from(s));
    const r = parseMessage(KEY, [DELIM, Buffer.from(sign(KEY, json)), ...json]);
    expect(r.ok).toBe(false);
    const noType = ['{"msg_id":"1"}', '{}', '{}', '{}'].map((s) => Buffer.from(s));
    expect(parseMessage(KEY, [DELIM, Buffer.from(sign(KEY, noType)), ...noType])).toEqual({ ok: false, reason: 'header without msg_type/msg_id' });
  });

  test('empty key: unsigned messages accepted and sent with an empty signature', () => {
    const frames = buildFrames('', [], header, {}, {}, content);
    expect(frames[1].length).toBe(0);
    expect(parseMessage('', frames).ok).toBe(true);
  });
});
