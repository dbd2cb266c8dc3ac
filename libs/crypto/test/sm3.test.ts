import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sm3Pure } from '../src/sm3-pure.ts';
import { sm3Backend, sm3OpenSsl } from '../src/sm3.ts';
import { hex, loadVectors, toHex, type Sm3Vectors } from './vectors.ts';

const { vectors } = loadVectors<Sm3Vectors>('sm3.json');

describe('SM3', () => {
  it('uses OpenSSL on this Node', () => {
    expect(sm3Backend).toBe('openssl');
  });

  it.each(vectors.map((v) => [v.id, v] as const))('pure and OpenSSL give the published digest for %s', (_id, v) => {
    expect(toHex(sm3Pure(hex(v.message_hex)))).toBe(v.digest_hex);
    expect(toHex(sm3OpenSsl(hex(v.message_hex)))).toBe(v.digest_hex);
  });

  it('pure and OpenSSL agree on random messages split into random parts (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }), (parts) => {
        expect(toHex(sm3Pure(...parts))).toBe(toHex(sm3OpenSsl(...parts)));
      }),
    );
  });
});
