/** The signature algorithms a Cascade command may carry (DESIGN.md §6). */
export const SIGNATURE_ALGS = ['ed25519', 'sm2'] as const;
export type SignatureAlg = (typeof SIGNATURE_ALGS)[number];

export function isSignatureAlg(value: unknown): value is SignatureAlg {
  return value === 'ed25519' || value === 'sm2';
}

/** Both algorithms have 64-byte signatures on the wire: Ed25519 R‖S, SM2 r‖s. */
export const SIGNATURE_LENGTH_BYTES = 64;
/** Base64 of 64 bytes is always 88 characters with padding. */
export const SIGNATURE_BASE64_LENGTH_CHARS = 88;

/** Raw public key lengths: Ed25519 32 bytes; SM2 uncompressed 04‖x‖y. */
export const PUBLIC_KEY_LENGTH_BYTES: Readonly<Record<SignatureAlg, number>> = { ed25519: 32, sm2: 65 };
/** Raw private key lengths: Ed25519 seed; SM2 scalar d. */
export const PRIVATE_KEY_LENGTH_BYTES: Readonly<Record<SignatureAlg, number>> = { ed25519: 32, sm2: 32 };
