/**
 * Signing and verifying Cascade commands. The signed bytes are the RFC 8785 canonical JSON of
 * `command`; a signature on the wire is `{keyId, alg, sig}` with `sig` standard padded base64
 * of 64 bytes (Ed25519 R‖S; SM2 raw r‖s — never DER — under the default user ID).
 */
import { SIGNATURE_BASE64_LENGTH_CHARS, SIGNATURE_LENGTH_BYTES, isSignatureAlg, type SignatureAlg } from './algorithms.ts';
import { canonicalBytes } from './canonical.ts';
import { ed25519VerifyNode } from './ed25519-node.ts';
import { signMessage, type PrivateKey, type PublicKey } from './keys.ts';
import { sm2VerifyMessage } from './sm2.ts';

/** One entry of a command's `signatures` array. */
export interface Signature {
  /** `alg:` + 32 hex digits, see key-id.ts. */
  keyId: string;
  alg: SignatureAlg;
  /** Base64 (RFC 4648 §4, padded) of the 64 signature bytes. */
  sig: string;
}

/** Signs the canonical bytes of `command`. Throws CanonicalizationError if `command` is not plain JSON. */
export function signCommand(command: unknown, privateKey: PrivateKey): Signature {
  const sig = signMessage(privateKey, canonicalBytes(command));
  return { keyId: privateKey.keyId, alg: privateKey.alg, sig: Buffer.from(sig).toString('base64') };
}

/**
 * The one spelling of 64 bytes in padded base64: 85 free characters, then one carrying the
 * last 2 data bits and 4 zero bits (so A, Q, g or w), then "==". Buffer's decoder skips junk
 * and ignores stray bits, so the pattern is what makes a signature have a single spelling.
 */
const SIGNATURE_BASE64_PATTERN = /^[A-Za-z0-9+/]{85}[AQgw]==$/;

/** Decodes a wire signature (88 characters of canonical padded base64 for 64 bytes), or undefined. */
export function decodeSignatureBase64(sigBase64: unknown): Uint8Array | undefined {
  if (typeof sigBase64 !== 'string' || sigBase64.length !== SIGNATURE_BASE64_LENGTH_CHARS || !SIGNATURE_BASE64_PATTERN.test(sigBase64)) return undefined;
  const bytes = Buffer.from(sigBase64, 'base64');
  return bytes.length === SIGNATURE_LENGTH_BYTES ? bytes : undefined;
}

/**
 * True only for a valid signature. Never throws: an unknown alg, a public key of the wrong
 * length or off the curve, a signature that is not 88 characters of canonical base64 or whose
 * SM2 r or s is outside [1, n−1] all give false.
 */
export function verifySignature(alg: SignatureAlg, publicKeyRaw: Uint8Array, message: Uint8Array, sigBase64: string): boolean {
  try {
    if (!isSignatureAlg(alg) || !(publicKeyRaw instanceof Uint8Array) || !(message instanceof Uint8Array)) return false;
    const sig = decodeSignatureBase64(sigBase64);
    if (!sig) return false;
    return alg === 'ed25519' ? ed25519VerifyNode(publicKeyRaw, message, sig) : sm2VerifyMessage(publicKeyRaw, message, sig);
  } catch {
    // Defensive: the verify paths return false themselves; an exception here must not turn into a 500.
    return false;
  }
}

/**
 * Verifies one signature of a command against a known public key: the key id and alg must
 * name that key, and the signature must cover the command's canonical bytes. Never throws.
 */
export function verifyCommandSignature(command: unknown, signature: Signature, publicKey: PublicKey): boolean {
  if (signature?.alg !== publicKey.alg || signature.keyId !== publicKey.keyId) return false;
  let message: Uint8Array;
  try {
    message = canonicalBytes(command);
  } catch {
    return false;
  }
  return verifySignature(publicKey.alg, publicKey.raw, message, signature.sig);
}
