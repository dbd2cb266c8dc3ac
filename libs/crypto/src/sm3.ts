/**
 * SM3 for Node: OpenSSL's implementation when this Node's OpenSSL has it (checked against the
 * GB/T 32905 example at load), else the portable one. Both are tested against the vectors.
 */
import { createHash, getHashes } from 'node:crypto';
import { sm3Pure } from './sm3-pure.ts';
import { hexEncode, utf8Encode } from './bytes.ts';

const SM3_ABC_DIGEST_HEX = '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0';

function sm3OpenSsl(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sm3');
  for (const p of parts) hash.update(p);
  return new Uint8Array(hash.digest());
}

function openSslSm3Works(): boolean {
  try {
    return getHashes().includes('sm3') && hexEncode(sm3OpenSsl(utf8Encode('abc'))) === SM3_ABC_DIGEST_HEX;
  } catch {
    return false;
  }
}

export const sm3Backend: 'openssl' | 'pure' = openSslSm3Works() ? 'openssl' : 'pure';

/** SM3 digest of the concatenation of `parts`. */
export const sm3: (...parts: Uint8Array[]) => Uint8Array = sm3Backend === 'openssl' ? sm3OpenSsl : sm3Pure;

export { sm3OpenSsl };
