/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the bytes every Cascade signature covers.
 *
 * JCS is defined in terms of ECMAScript's own serialisation: numbers as `Number.prototype.toString`
 * (which `JSON.stringify` uses, and which prints -0 as 0), strings as `JSON.stringify` escapes
 * them, object members sorted by the UTF-16 code units of their names. We lean on the engine
 * for those and refuse, loudly, everything JCS cannot represent faithfully: a signer and a
 * verifier that silently disagree about the bytes is the failure this module exists to prevent.
 */
import { CanonicalizationError } from './errors.ts';

/** Deeper nesting than this is refused rather than risking a stack overflow on hostile input. */
export const CANONICAL_DEPTH_MAX = 128;

/** True when the string holds a high surrogate not followed by a low one, or a low one alone. */
export function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

function describe(path: string): string {
  return path === '' ? 'the root value' : path;
}

function serializeString(text: string, path: string): string {
  if (hasLoneSurrogate(text)) throw new CanonicalizationError(`${describe(path)} contains a lone UTF-16 surrogate, which has no UTF-8 encoding`);
  return JSON.stringify(text);
}

function serialize(value: unknown, path: string, depth: number, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalizationError(`${describe(path)} is ${value}; JSON has no non-finite numbers`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new CanonicalizationError(`${describe(path)} is a ${typeof value}, which is not a JSON value`);
  }
  if (value === null) return 'null';
  if (depth >= CANONICAL_DEPTH_MAX) throw new CanonicalizationError(`${describe(path)} is nested deeper than ${CANONICAL_DEPTH_MAX} levels`);
  if (ancestors.has(value)) throw new CanonicalizationError(`${describe(path)} is a cycle`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const parts: string[] = [];
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) throw new CanonicalizationError(`${path}[${i}] is a hole in a sparse array`);
        parts.push(serialize(value[i], `${path}[${i}]`, depth + 1, ancestors));
      }
      return `[${parts.join(',')}]`;
    }
    // Only plain objects: a Date, Map, class instance or Buffer would be serialised through
    // toJSON or lose data, and the signer could not know which bytes it signed.
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (proto as { constructor?: { name?: string } })?.constructor?.name ?? 'unknown';
      throw new CanonicalizationError(`${describe(path)} is a ${name}, not a plain JSON object`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) throw new CanonicalizationError(`${describe(path)} has symbol keys`);
    const keys = Object.keys(value).sort(); // default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires
    const parts: string[] = [];
    for (const key of keys) {
      const memberPath = `${path}.${key}`;
      const member = (value as Record<string, unknown>)[key];
      parts.push(`${serializeString(key, memberPath)}:${serialize(member, memberPath, depth + 1, ancestors)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

/** RFC 8785 canonical JSON text of `value`; throws CanonicalizationError for anything JCS cannot represent. */
export function canonicalize(value: unknown): string {
  return serialize(value, '', 0, new Set());
}

/** UTF-8 bytes of `canonicalize(value)`: what signatures cover. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalize(value));
}
