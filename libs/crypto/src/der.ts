/**
 * The little ASN.1 DER this package needs: SPKI and PKCS#8 for Ed25519 and SM2 keys, and the
 * SEQUENCE{INTEGER r, INTEGER s} OpenSSL uses for SM2 signatures. Browser-safe (no Buffer).
 * The reader is strict DER (definite, minimal lengths) and returns undefined on anything else.
 */
import { bytesEqual, concatBytes } from './bytes.ts';

export const DER_TAG_INTEGER = 0x02;
export const DER_TAG_BIT_STRING = 0x03;
export const DER_TAG_OCTET_STRING = 0x04;
export const DER_TAG_OID = 0x06;
export const DER_TAG_SEQUENCE = 0x30;
export const DER_TAG_CONTEXT_0 = 0xa0;
export const DER_TAG_CONTEXT_1 = 0xa1;

/** Content bytes of the object identifiers we use. */
export const OID_EC_PUBLIC_KEY = new Uint8Array([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]); // 1.2.840.10045.2.1
export const OID_SM2P256V1 = new Uint8Array([0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d]); // 1.2.156.10197.1.301
export const OID_ED25519 = new Uint8Array([0x2b, 0x65, 0x70]); // 1.3.101.112

/** Keys and signatures here are small; anything longer is hostile or a different format. */
const DER_LENGTH_MAX_BYTES = 4096;

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return new Uint8Array([length]);
  if (length < 0x100) return new Uint8Array([0x81, length]);
  if (length < 0x10000) return new Uint8Array([0x82, length >> 8, length & 0xff]);
  throw new RangeError('DER length too large');
}

export function derEncode(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  return concatBytes(new Uint8Array([tag]), encodeLength(body.length), body);
}

/** DER INTEGER of a non-negative big-endian magnitude: minimal, with a 0x00 when the top bit is set. */
export function derEncodeUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const content = trimmed.length > 0 && trimmed[0]! & 0x80 ? concatBytes(new Uint8Array([0]), trimmed) : trimmed;
  return derEncode(DER_TAG_INTEGER, content.length === 0 ? new Uint8Array([0]) : content);
}

export interface DerElement {
  tag: number;
  content: Uint8Array;
  /** Offset just past this element in the input. */
  end: number;
}

export function derRead(bytes: Uint8Array, offset: number): DerElement | undefined {
  if (offset + 2 > bytes.length) return undefined;
  const tag = bytes[offset]!;
  const lengthByte = bytes[offset + 1]!;
  let cursor = offset + 2;
  let length: number;
  if (lengthByte < 0x80) {
    length = lengthByte;
  } else {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 2 || cursor + count > bytes.length) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | bytes[cursor + i]!;
    cursor += count;
    // Minimal length encoding only (DER, not BER).
    if (length < 0x80 || (count === 2 && length < 0x100)) return undefined;
  }
  if (length > DER_LENGTH_MAX_BYTES || cursor + length > bytes.length) return undefined;
  return { tag, content: bytes.subarray(cursor, cursor + length), end: cursor + length };
}

/** Reads all elements inside `content`; undefined if any is malformed. */
export function derReadAll(content: Uint8Array): DerElement[] | undefined {
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < content.length) {
    const element = derRead(content, offset);
    if (!element) return undefined;
    out.push(element);
    offset = element.end;
  }
  return out;
}

/** Reads exactly one element spanning all of `bytes` with the expected tag. */
export function derReadExactly(bytes: Uint8Array, tag: number): DerElement | undefined {
  const element = derRead(bytes, 0);
  return element && element.tag === tag && element.end === bytes.length ? element : undefined;
}

/** Unsigned magnitude of a DER INTEGER content, refusing negative and non-minimal encodings. */
export function derIntegerMagnitude(content: Uint8Array): Uint8Array | undefined {
  if (content.length === 0 || content[0]! & 0x80) return undefined;
  if (content.length > 1 && content[0] === 0 && !(content[1]! & 0x80)) return undefined;
  return content[0] === 0 && content.length > 1 ? content.subarray(1) : content;
}

export function oidEquals(content: Uint8Array, oid: Uint8Array): boolean {
  return bytesEqual(content, oid);
}

/** SEQUENCE{INTEGER r, INTEGER s} → r‖s, each left-padded to `scalarLengthBytes`; undefined if malformed. */
export function derSignatureToRaw(der: Uint8Array, scalarLengthBytes: number): Uint8Array | undefined {
  const seq = derReadExactly(der, DER_TAG_SEQUENCE);
  const parts = seq && derReadAll(seq.content);
  if (!parts || parts.length !== 2 || parts.some((p) => p.tag !== DER_TAG_INTEGER)) return undefined;
  const out = new Uint8Array(2 * scalarLengthBytes);
  for (let i = 0; i < 2; i++) {
    const magnitude = derIntegerMagnitude(parts[i]!.content);
    if (!magnitude || magnitude.length > scalarLengthBytes) return undefined;
    out.set(magnitude, (i + 1) * scalarLengthBytes - magnitude.length);
  }
  return out;
}

export function rawSignatureToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return derEncode(DER_TAG_SEQUENCE, derEncodeUnsignedInteger(raw.subarray(0, half)), derEncodeUnsignedInteger(raw.subarray(half)));
}
