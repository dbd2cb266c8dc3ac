/**
 * Portable subset of @cascade/crypto for runtimes without node:crypto (the browser SDK):
 * canonical bytes, strict JSON, SM3 and SM2 in TypeScript on @noble/curves, Ed25519 on
 * @noble/curves, key ids. None of these modules imports node:*; the Node entry verifies
 * the same vectors with both implementations, so the two agree.
 */
export { SIGNATURE_ALGS, isSignatureAlg, type SignatureAlg } from './algorithms.ts';
export { canonicalize, canonicalBytes } from './canonical.ts';
export { parseJsonStrict } from './json-strict.ts';
export { CanonicalizationError, JsonParseError, CryptoError } from './errors.ts';
export { keyIdOf } from './key-id.ts';
export { sm3Pure as sm3 } from './sm3-pure.ts';
export {
  SM2P256V1,
  SM2_DEFAULT_USER_ID,
  makeSm2Curve,
  sm2ComputeZ,
  sm2PublicKeyFromPrivate,
  sm2GeneratePrivateScalar,
  sm2Sign,
  sm2Verify,
  type Sm2Curve,
  type Sm2CurveParams,
} from './sm2-pure.ts';
export { ed25519PublicKeyFromSeedNoble, ed25519SignNoble, ed25519VerifyNoble } from './ed25519-noble.ts';
export { pemEncode, pkcs8Der, spkiDer } from './key-files.ts';
export { base64Encode, base64DecodeStrict, hexEncode, hexDecodeStrict } from './bytes.ts';
