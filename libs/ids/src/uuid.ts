/**
 * UUIDs: version 7 generation (RFC 9562 §5.7) and syntax checks.
 */
import { randomFillSync } from 'node:crypto';

/** Canonical lowercase UUID of any RFC 9562 version 1–8 with the RFC variant (10xx). */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Canonical lowercase UUIDv7. */
export const uuidv7Pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * True for a UUID in canonical lowercase form (8-4-4-4-12 hex, RFC variant, version 1–8).
 * Upper case is refused on purpose: an id chosen by a client must have exactly one spelling, so
 * that the same voucher cannot be addressed under two keys.
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && uuidPattern.test(value);
}

/** True for a canonical lowercase UUIDv7. */
export function isUuidv7(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && uuidv7Pattern.test(value);
}

/** The Unix millisecond timestamp in a UUIDv7. */
export function uuidv7Timestamp(id: string): number {
  if (!isUuidv7(id)) throw new TypeError(`uuidv7Timestamp: ${JSON.stringify(id)} is not a UUIDv7`);
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

const timestampMax = 2 ** 48 - 1;
/** 74 bits after the timestamp: 12 of rand_a and 62 of rand_b. */
const randomBitsMax = (1n << 74n) - 1n;
/** How far below the top the fresh random value of a new millisecond starts, leaving room to count. */
const randomSeedMask = (1n << 73n) - 1n;

export interface Uuidv7GeneratorOptions {
  /** Milliseconds since the Unix epoch; defaults to `Date.now`. */
  now?: () => number;
  /** Fills a buffer with random bytes; defaults to `crypto.randomFillSync`. */
  random?: (buffer: Uint8Array) => void;
}

/**
 * A UUIDv7 generator, monotonic in-process (RFC 9562 §6.2, method 2 "monotonic random"):
 * the first id of a millisecond takes a fresh 73-bit random value in the 74 bits after the
 * timestamp (the top bit kept clear so there is room to count), and each further id in the same
 * millisecond — or after the clock stepped back — adds one to the previous value. Should the
 * 74 bits overflow, the timestamp moves one millisecond ahead of the clock, as the RFC allows.
 */
export function createUuidv7Generator(options: Uuidv7GeneratorOptions = {}): () => string {
  const now = options.now ?? Date.now;
  const random = options.random ?? ((b: Uint8Array) => void randomFillSync(b));
  const bytes = new Uint8Array(10);
  let lastMs = -1;
  let lastRandom = 0n;
  return function uuidv7(): string {
    let ms = Math.floor(now());
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > timestampMax) {
      throw new RangeError(`uuidv7: clock value ${ms} is outside the 48-bit millisecond range`);
    }
    if (ms > lastMs) {
      random(bytes);
      let r = 0n;
      for (const b of bytes) r = (r << 8n) | BigInt(b);
      lastRandom = r & randomSeedMask;
      lastMs = ms;
    } else {
      ms = lastMs;
      lastRandom += 1n;
      if (lastRandom > randomBitsMax) {
        ms = lastMs + 1;
        lastMs = ms;
        lastRandom = 0n;
      }
    }
    const randA = Number(lastRandom >> 62n); // 12 bits
    const randB = lastRandom & ((1n << 62n) - 1n); // 62 bits
    const hex =
      ms.toString(16).padStart(12, '0') +
      (0x7000 | randA).toString(16).padStart(4, '0') +
      ((2n << 62n) | randB).toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/** A new UUIDv7 from the process-wide generator (monotonic within this process). */
export const uuidv7: () => string = createUuidv7Generator();
