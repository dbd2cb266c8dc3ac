/**
 * Structured logging (pino) with a trace id that follows a unit of work through HTTP requests
 * and Kafka messages. The trace id lives in AsyncLocalStorage, so code deep in the domain never
 * passes it around and every log line written inside `withTrace` carries it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export const traceHeader = 'x-trace-id';
const traceIdPattern = /^[A-Za-z0-9-]{8,64}$/;

const traceStore = new AsyncLocalStorage<string>();

let randomPool = Buffer.alloc(0);
let randomOffset = 0;

/**
 * Random hex for identifiers that must be unique, not secret (trace ids, claim owners): drawn
 * from a pool filled 4 KiB at a time, since one randomBytes call per request costs more than the
 * rest of making the id.
 */
export function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomPool = randomBytes(Math.max(4096, bytes));
    randomOffset = 0;
  }
  const hex = randomPool.toString('hex', randomOffset, randomOffset + bytes);
  randomOffset += bytes;
  return hex;
}

export function newTraceId(): string {
  return randomHex(16);
}

/** Accepts a trace id from outside only when it looks like one; otherwise starts a new trace. */
export function traceIdFrom(candidate: unknown): string {
  if (typeof candidate === 'string' && traceIdPattern.test(candidate)) return candidate;
  if (Buffer.isBuffer(candidate)) return traceIdFrom(candidate.toString('utf8'));
  return newTraceId();
}

export function withTrace<T>(traceId: string, fn: () => T): T {
  return traceStore.run(traceId, fn);
}

export function currentTraceId(): string | undefined {
  return traceStore.getStore();
}

/**
 * Paths that must never reach a log line. Keys and tokens are secrets; signatures are not, but
 * a leaked private key in a command body would be, so bodies are redacted by field name too.
 */
export const redactedPaths = [
  'privateKey',
  '*.privateKey',
  '*.*.privateKey',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.token',
];

export interface LoggerOptions {
  service: string;
  level?: string;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.service,
      level: options.level ?? 'info',
      base: { service: options.service },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      mixin() {
        const traceId = traceStore.getStore();
        return traceId === undefined ? {} : { traceId };
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
