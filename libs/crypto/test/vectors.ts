/**
 * Loads the shared test vectors. In CI the repository is a fresh clone with `shared/` beside
 * it, so the default is `<repo>/../shared/testvectors`; CASCADE_TESTVECTORS_DIR overrides.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const TESTVECTORS_DIR = process.env['CASCADE_TESTVECTORS_DIR'] ?? resolve(REPO_ROOT, '../shared/testvectors');

export function loadVectors<T>(file: string): T {
  return JSON.parse(readFileSync(join(TESTVECTORS_DIR, file), 'utf8')) as T;
}

export interface Sm3Vectors {
  vectors: { id: string; message_hex: string; digest_hex: string }[];
}

export interface Sm2Vector {
  id: string;
  curve: string;
  user_id_ascii: string;
  user_id_hex: string;
  private_key_d?: string;
  public_key_uncompressed: string;
  z_a: string;
  message_hex: string;
  e: string;
  k?: string;
  x1?: string;
  y1?: string;
  r: string;
  s: string;
  signature_raw_r_s: string;
  signature_der: string;
}

export interface Sm2NegativeVector {
  id: string;
  curve: string;
  user_id_ascii?: string;
  public_key_uncompressed: string;
  message_ascii: string;
  r: string;
  s: string;
  z_a?: string;
  signature_der?: string;
}

export interface Sm2Vectors {
  curves: Record<string, Record<string, string>>;
  vectors: Sm2Vector[];
  z_only: { id: string; curve: string; user_id_hex: string; public_key_uncompressed: string; z_a: string }[];
  negative_and_variant_vectors: Sm2NegativeVector[];
}

export interface Ed25519Vectors {
  vectors: { id: string; secret_key: string; public_key: string; message_hex: string; signature: string }[];
}

export const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
