import { describe, expect, it } from 'vitest';
import { readEventStream, SseParser, sseEventCharsMax } from './events.ts';

describe('the event-stream parser', () => {
  it('reads events split anywhere across chunks, skips comments, and keeps id, event, data and retry', () => {
    const p = new SseParser();
    const text = 'retry: 3000\n: hello\n\nid: e1\nevent: VoucherIssued\ndata: {"a":\ndata: 1}\n\n: heartbeat\n\r\nid: e2\r\ndata: {"b":2}\r\n\r\n';
    const out = [];
    for (let i = 0; i < text.length; i += 3) out.push(...p.push(text.slice(i, i + 3)));
    expect(out).toEqual([
      { id: 'e1', event: 'VoucherIssued', data: '{"a":\n1}' },
      { id: 'e2', event: 'message', data: '{"b":2}' },
    ]);
    expect(p.retryMs).toBe(3000);
  });

  it('does not end an event early when a CRLF is split between chunks', () => {
    const p = new SseParser();
    expect([...p.push('data: a\r'), ...p.push('\ndata: b\r'), ...p.push('\n\r'), ...p.push('\n')]).toEqual([{ id: null, event: 'message', data: 'a\nb' }]);
  });

  it('refuses a line that never ends past its bound', () => {
    const p = new SseParser();
    expect(() => p.push(`data: ${'x'.repeat(sseEventCharsMax + 1)}`)).toThrow(/longer than/);
  });

  it('yields parsed events from a byte stream, a multi-byte character split between chunks', async () => {
    const bytes = new TextEncoder().encode('event: end\ndata: {"reason":"令牌"}\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.subarray(0, 25));
        c.enqueue(bytes.subarray(25));
        c.close();
      },
    });
    const got = [];
    for await (const e of readEventStream(body)) got.push(e);
    expect(got).toEqual([{ id: null, event: 'end', data: { reason: '令牌' } }]);
  });
});
