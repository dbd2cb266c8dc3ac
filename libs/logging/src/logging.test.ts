import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, currentTraceId, traceIdFrom, withTrace } from './index.ts';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, stream };
}

describe('logging', () => {
  it('stamps every line written inside withTrace with the trace id, across awaits', async () => {
    const { lines, stream } = capture();
    const log = createLogger({ service: 't', destination: stream });
    await withTrace('trace-abc-123', async () => {
      await new Promise((r) => setTimeout(r, 1));
      log.info('inside');
      expect(currentTraceId()).toBe('trace-abc-123');
    });
    log.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', traceId: 'trace-abc-123', service: 't' });
    expect(lines[1]).not.toHaveProperty('traceId');
  });

  it('redacts private keys and authorization headers', () => {
    const { lines, stream } = capture();
    const log = createLogger({ service: 't', destination: stream });
    log.info({ key: { privateKey: 'SECRET-PEM' }, headers: { authorization: 'Bearer tok' } }, 'x');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('SECRET-PEM');
    expect(text).not.toContain('Bearer tok');
  });

  it('traceIdFrom keeps a well-formed id and replaces a hostile one', () => {
    expect(traceIdFrom('abcdef0123456789')).toBe('abcdef0123456789');
    const replaced = traceIdFrom('x\n{"evil":1}');
    expect(replaced).toMatch(/^[0-9a-f]{32}$/);
  });
});
