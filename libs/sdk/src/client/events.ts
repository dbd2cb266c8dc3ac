/**
 * Reading a server-sent event stream (`GET /v1/events`) with fetch and a ReadableStream reader:
 * EventSource cannot send the bearer token. The parser follows the HTML standard's event-stream
 * format (fields `id`, `event`, `data`, `retry`; comment lines skipped; a blank line ends an event)
 * and bounds what it holds, so a stream that never ends a line cannot grow without limit.
 */

/** One event of the stream, its data parsed as JSON. */
export interface StreamedEvent<D = unknown> {
  id: string | null;
  event: string;
  data: D;
}

/** The live stream's `data`: the ledger event as the caller may see it. */
export interface LiveEventData {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** The longest event (all its lines) the parser holds; a longer one is an error. */
export const sseEventCharsMax = 2_000_000;

export class SseParser {
  private buffer = '';
  private id: string | null = null;
  private event = '';
  private data: string[] = [];
  private dataChars = 0;
  /** The server's `retry:` (ms), if it sent one. */
  retryMs: number | null = null;

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): { id: string | null; event: string; data: string }[] {
    this.buffer += text;
    const out: { id: string | null; event: string; data: string }[] = [];
    for (;;) {
      const nl = this.buffer.search(/\r\n|\r|\n/);
      // A CR at the end may be the first half of a CRLF split between chunks: wait for the next.
      if (nl < 0 || (nl === this.buffer.length - 1 && this.buffer[nl] === '\r')) break;
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + (this.buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (this.data.length > 0) out.push({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        this.dataChars = 0;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') {
        this.dataChars += value.length;
        if (this.dataChars > sseEventCharsMax) throw new Error(`an event of the stream is longer than ${sseEventCharsMax} characters`);
        this.data.push(value);
      } else if (field === 'event') this.event = value;
      else if (field === 'id' && !value.includes('\0')) this.id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    if (this.buffer.length > sseEventCharsMax) throw new Error(`a line of the stream is longer than ${sseEventCharsMax} characters`);
    return out;
  }
}

/** Yields the events of an open event-stream response until it ends or `signal` aborts. */
export async function* readEventStream<D = unknown>(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<StreamedEvent<D>> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const e of parser.push(decoder.decode(value, { stream: true }))) yield { id: e.id, event: e.event, data: JSON.parse(e.data) as D };
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    cancel();
  }
}
