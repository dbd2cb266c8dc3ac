import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Problem } from '@cascade/errors';
import { LiveStreams, liveUnreadBytesMax } from './live-streams.ts';

/** The part of a ServerResponse the streams use, recording what was written. */
class FakeResponse extends EventEmitter {
  status = 0;
  written: string[] = [];
  writableEnded = false;
  writableLength = 0;
  writeHead(status: number) {
    this.status = status;
    return this;
  }
  write(chunk: string) {
    this.written.push(chunk);
    return true;
  }
  end(chunk?: string) {
    if (chunk) this.written.push(chunk);
    this.writableEnded = true;
    this.emit('close');
    return this;
  }
  get text() {
    return this.written.join('');
  }
}

const principal = (partyId: string, tokenId: string, expiresAt = '2999-01-01T00:00:00Z') => ({ partyId, roles: ['supplier'], tokenId, expiresAt, readOnly: false });
const open = (live: LiveStreams, p: ReturnType<typeof principal>, now?: number) => {
  const res = new FakeResponse();
  live.attach(p, res as unknown as ServerResponse, {}, now);
  return res;
};
const event = { id: 'e1', type: 'VoucherIssued', occurredAt: '2026-12-04T00:00:00Z' };

describe('live streams', () => {
  it('write an event only to the streams of the parties it names, each with its own data', () => {
    const live = new LiveStreams({ perTokenMax: 2, perProcessMax: 10 });
    const [a, b, c] = [open(live, principal('A', 't1')), open(live, principal('B', 't2')), open(live, principal('C', 't3'))];
    live.publish(event, [{ partyId: 'A', type: 'VoucherIssued', data: { who: 'a' } }, { partyId: 'B', type: 'VoucherIssued', data: { who: 'b' } }]);
    expect(a.text).toContain('id: e1\nevent: VoucherIssued\ndata: {"id":"e1","type":"VoucherIssued","occurredAt":"2026-12-04T00:00:00Z","data":{"who":"a"}}\n\n');
    expect(b.text).toContain('"data":{"who":"b"}');
    expect(b.text).not.toContain('"who":"a"');
    expect(c.text).not.toContain('e1');
  });

  it('refuse a stream past the per-token cap with 429 and past the per-process cap with 503, and count a closed one out', () => {
    const live = new LiveStreams({ perTokenMax: 1, perProcessMax: 2 });
    const first = open(live, principal('A', 't1'));
    expect(() => open(live, principal('A', 't1'))).toThrow(expect.objectContaining({ status: 429 }) as Problem);
    open(live, principal('A', 't2'));
    expect(() => open(live, principal('B', 't3'))).toThrow(expect.objectContaining({ status: 503 }) as Problem);
    first.emit('close');
    expect(live.open).toBe(1);
    expect(() => open(live, principal('A', 't1'))).not.toThrow();
  });

  it('refuse a party past its own cap whatever its tokens, and register nothing for a client gone before its stream opens', () => {
    const live = new LiveStreams({ perTokenMax: 4, perPartyMax: 2, perProcessMax: 10 });
    open(live, principal('A', 't1'));
    open(live, principal('A', 't2'));
    expect(() => open(live, principal('A', 't3'))).toThrow(expect.objectContaining({ status: 429 }) as Problem);
    expect(() => open(live, principal('B', 't4'))).not.toThrow();
    const gone = Object.assign(new FakeResponse(), { destroyed: true });
    live.attach(principal('C', 't5'), gone as unknown as ServerResponse, {});
    expect(live.open).toBe(3);
    live.publish(event, [{ partyId: 'C', type: 'VoucherIssued', data: {} }]);
    expect(gone.written.join('')).not.toContain('e1');
  });

  it('end the streams of a revoked token, and of an expired one at the next heartbeat, with an end event', async () => {
    const live = new LiveStreams({ perTokenMax: 2, perProcessMax: 10, heartbeatMs: 20 });
    const revoked = open(live, principal('A', 't1'));
    const expiring = open(live, principal('A', 't2', new Date(Date.now() + 30).toISOString()));
    const kept = open(live, principal('A', 't3'));
    live.endToken('t1');
    expect([revoked.writableEnded, revoked.written.at(-1)]).toEqual([true, 'event: end\ndata: {"reason":"tokenRevoked"}\n\n']);
    live.start();
    await new Promise((r) => setTimeout(r, 120));
    live.stop();
    expect(expiring.written).toContain('event: end\ndata: {"reason":"tokenExpired"}\n\n');
    expect(kept.text).toMatch(/: heartbeat \d{4}-/);
    expect(kept.written.at(-1)).toBe('event: end\ndata: {"reason":"gatewayClosing"}\n\n');
    expect(live.open).toBe(0);
    expect(() => open(live, principal('A', 't9', new Date(Date.now() - 1).toISOString()))).toThrow(expect.objectContaining({ status: 401 }) as Problem);
  });

  it('cut off a reader that leaves too much unread', () => {
    const live = new LiveStreams({ perTokenMax: 2, perProcessMax: 10 });
    const slow = open(live, principal('A', 't1'));
    slow.writableLength = liveUnreadBytesMax + 1;
    live.publish(event, [{ partyId: 'A', type: 'VoucherIssued', data: {} }]);
    expect([slow.writableEnded, slow.written.at(-1), live.stats.cutOff]).toEqual([true, 'event: end\ndata: {"reason":"readerTooSlow"}\n\n', 1]);
  });
});
