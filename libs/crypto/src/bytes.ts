/**
 * Byte helpers that run in browsers as well as Node (no Buffer), so the pure signing paths
 * can share them. Decoders are strict: a string has exactly one accepted spelling, because a
 * signature that can be written two ways lets an attacker change signed envelopes unnoticed.
 */
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function makeDecodeTable(alphabet: string): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const BASE64_DECODE = makeDecodeTable(BASE64_ALPHABET);
const BASE64_URL_DECODE = makeDecodeTable(BASE64_URL_ALPHABET);

function encodeBase64With(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/** Decodes, or returns undefined when the text is not the one canonical spelling of some bytes. */
function decodeBase64With(text: string, table: Int16Array, alphabet: string, pad: boolean): Uint8Array | undefined {
  let body = text;
  if (pad) {
    if (text.length % 4 !== 0) return undefined;
    if (text.endsWith('==')) body = text.slice(0, -2);
    else if (text.endsWith('=')) body = text.slice(0, -1);
  }
  if (body.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c < 128 ? table[c]! : -1;
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, otherwise two texts would decode to the same bytes.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return undefined;
  return encodeBase64With(out, alphabet, pad) === text ? out : undefined;
}

export function base64Encode(bytes: Uint8Array): string {
  return encodeBase64With(bytes, BASE64_ALPHABET, true);
}

/** Standard padded base64 (RFC 4648 §4), canonical spelling only; undefined otherwise. */
export function base64DecodeStrict(text: string): Uint8Array | undefined {
  return decodeBase64With(text, BASE64_DECODE, BASE64_ALPHABET, true);
}

export function base64UrlEncode(bytes: Uint8Array): string {
  return encodeBase64With(bytes, BASE64_URL_ALPHABET, false);
}

/** Unpadded base64url (RFC 4648 §5), as JWK uses; undefined when not canonical. */
export function base64UrlDecodeStrict(text: string): Uint8Array | undefined {
  return decodeBase64With(text, BASE64_URL_DECODE, BASE64_URL_ALPHABET, false);
}

export function hexEncode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return out;
}

/** Hex of even length, either case; undefined otherwise. */
export function hexDecodeStrict(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + hexEncode(bytes));
}

/** Big-endian, left-padded to `length` bytes; asserts the value fits. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new RangeError('bigIntToBytes: negative value');
  const hex = value.toString(16).padStart(length * 2, '0');
  if (hex.length > length * 2) throw new RangeError(`bigIntToBytes: value does not fit in ${length} bytes`);
  return hexDecodeStrict(hex)!;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function utf8Encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
