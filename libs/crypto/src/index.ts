/**
 * @cascade/crypto — canonical bytes (RFC 8785), Ed25519 and SM2/SM3 signatures, keys, and a
 * worker-thread verifier pool. Node entry point; `@cascade/crypto/browser` has the portable
 * subset (no node:* imports). See docs/crypto.md for the choices behind it.
 */
export { SIGNATURE_ALGS, isSignatureAlg, type SignatureAlg } from './algorithms.ts';
export { canonicalize, canonicalBytes } from './canonical.ts';
export { parseJsonStrict, type ParseJsonStrictOptions } from './json-strict.ts';
export {
  CryptoError,
  CanonicalizationError,
  JsonParseError,
  UnsupportedAlgorithmError,
  KeyFormatError,
  VerifierPoolSaturatedError,
  VerifierPoolTimeoutError,
  VerifierPoolClosedError,
  type CryptoErrorCode,
} from './errors.ts';
export { keyIdOf } from './key-id.ts';
export {
  PrivateKey,
  generateKeyPair,
  importPrivateKey,
  importPublicKey,
  exportPublicKey,
  exportPrivateKey,
  signMessage,
  type PublicKey,
  type Jwk,
  type KeyInput,
  type KeyOutputFormat,
} from './keys.ts';
export { signCommand, verifySignature, verifyCommandSignature, type Signature } from './signatures.ts';
export { VerifierPool, type VerifierPoolOptions, type VerifyItem } from './verifier-pool.ts';
export { sm3 } from './sm3.ts';
export { sm2Backend, sm2BackendSelfTest, type Sm2Backend } from './sm2.ts';
export { SM2_DEFAULT_USER_ID } from './sm2-pure.ts';
