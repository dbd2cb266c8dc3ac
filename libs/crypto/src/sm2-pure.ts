/**
 * SM2 digital signature (GB/T 32918.2-2016 / GM/T 0003.2-2012) with SM3, written out from the
 * standard's equations on @noble/curves' short-Weierstrass point arithmetic. Browser-safe.
 *
 * It is deliberately not built on an ECDSA helper: SM2 signs e = SM3(Z_A‖M) with
 * r = (e + x1) mod n and s = (1+d)⁻¹(k − r·d) mod n, has no (r, n−s) symmetry and so no
 * low-s rule; an ECDSA helper would hash differently and might normalise s.
 *
 * Curve parameters are an argument so the standard's example Fp-256 curve can be checked too;
 * production code uses SM2P256V1.
 */
import { weierstrass, type WeierstrassPoint, type WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { bigIntToBytes, bytesToBigInt, concatBytes, utf8Encode } from './bytes.ts';
import { sm3Pure } from './sm3-pure.ts';

export interface Sm2CurveParams {
  readonly name: string;
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly n: bigint;
  readonly h: bigint;
  readonly Gx: bigint;
  readonly Gy: bigint;
}

/** sm2p256v1, GM/T 0003.5-2012 / GB/T 32918.5-2017, OID 1.2.156.10197.1.301. */
export const SM2P256V1_PARAMS: Sm2CurveParams = Object.freeze({
  name: 'sm2p256v1',
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
});

/** GM/T 0009-2012 §10: the user ID when the parties agreed on none. Cascade always uses it. */
export const SM2_DEFAULT_USER_ID: Uint8Array = utf8Encode('1234567812345678');

/** ENTL is a 16-bit count of ID bits, so an ID can be at most 8191 bytes. */
export const SM2_USER_ID_LENGTH_MAX_BYTES = 8191;
export const SM2_SIGNATURE_LENGTH_BYTES = 64;
export const SM2_PUBLIC_KEY_LENGTH_BYTES = 65;
export const SM2_PRIVATE_KEY_LENGTH_BYTES = 32;

export type HashFn = (...parts: Uint8Array[]) => Uint8Array;

export interface Sm2Curve {
  readonly params: Sm2CurveParams;
  readonly Point: WeierstrassPointCons<bigint>;
  /** Byte length of field elements and scalars (32 for both curves here). */
  readonly lengthBytes: number;
  /** a‖b‖xG‖yG, the curve part of every Z_A preimage. */
  readonly zCurveBytes: Uint8Array;
}

export function makeSm2Curve(params: Sm2CurveParams): Sm2Curve {
  const Point = weierstrass({ p: params.p, n: params.n, h: params.h, a: params.a, b: params.b, Gx: params.Gx, Gy: params.Gy });
  const lengthBytes = Math.ceil(params.p.toString(16).length / 2);
  const zCurveBytes = concatBytes(...[params.a, params.b, params.Gx, params.Gy].map((v) => bigIntToBytes(v, lengthBytes)));
  return Object.freeze({ params, Point, lengthBytes, zCurveBytes });
}

export const SM2P256V1: Sm2Curve = makeSm2Curve(SM2P256V1_PARAMS);

/** Decodes 04‖x‖y, checking the point is on the curve and not infinity; undefined otherwise. */
export function sm2DecodePublicKey(curve: Sm2Curve, bytes: Uint8Array): WeierstrassPoint<bigint> | undefined {
  if (bytes.length !== 1 + 2 * curve.lengthBytes || bytes[0] !== 0x04) return undefined;
  try {
    const point = curve.Point.fromBytes(bytes);
    point.assertValidity();
    return point;
  } catch {
    return undefined;
  }
}

/** Private keys are d in [1, n−2]: the signing equation divides by 1+d, which must not be n. */
export function sm2IsValidPrivateScalar(curve: Sm2Curve, d: bigint): boolean {
  return d >= 1n && d <= curve.params.n - 2n;
}

export function sm2PublicKeyFromPrivate(curve: Sm2Curve, d: bigint): Uint8Array {
  if (!sm2IsValidPrivateScalar(curve, d)) throw new RangeError('SM2 private scalar out of range [1, n-2]');
  return curve.Point.BASE.multiply(d).toBytes(false);
}

/** Uniform-enough scalar in [1, max]: 128 extra random bits make the modulo bias negligible. */
export function randomScalar(max: bigint, lengthBytes: number): bigint {
  return (bytesToBigInt(randomBytes(lengthBytes + 16)) % max) + 1n;
}

export function sm2GeneratePrivateScalar(curve: Sm2Curve): bigint {
  return randomScalar(curve.params.n - 2n, curve.lengthBytes);
}

/** Z_A = H(ENTL_A ‖ ID_A ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), GB/T 32918.2 §5.5. */
export function sm2ComputeZ(curve: Sm2Curve, publicKey: Uint8Array, userId: Uint8Array = SM2_DEFAULT_USER_ID, hash: HashFn = sm3Pure): Uint8Array {
  if (userId.length > SM2_USER_ID_LENGTH_MAX_BYTES) throw new RangeError(`SM2 user ID longer than ${SM2_USER_ID_LENGTH_MAX_BYTES} bytes`);
  if (publicKey.length !== 1 + 2 * curve.lengthBytes || publicKey[0] !== 0x04) throw new RangeError('SM2 public key must be 04||x||y');
  const bits = userId.length * 8;
  const entl = new Uint8Array([bits >> 8, bits & 0xff]);
  return hash(entl, userId, curve.zCurveBytes, publicKey.subarray(1));
}

export interface Sm2RawSignature {
  r: bigint;
  s: bigint;
}

/**
 * One attempt of the signing equations with a given nonce k (GB/T 32918.2 §6.1 steps A4–A6).
 * Returns undefined when k must be rejected (r = 0, r + k = n or s = 0); the caller draws
 * another k. Exposed so tests can reproduce the standard's examples from d and k.
 */
export function sm2SignWithNonce(curve: Sm2Curve, d: bigint, e: bigint, k: bigint): Sm2RawSignature | undefined {
  const { n } = curve.params;
  if (!sm2IsValidPrivateScalar(curve, d)) throw new RangeError('SM2 private scalar out of range [1, n-2]');
  if (k < 1n || k >= n) throw new RangeError('SM2 nonce out of range [1, n-1]');
  const x1 = curve.Point.BASE.multiply(k).toAffine().x;
  const r = (e + x1) % n;
  if (r === 0n || r + k === n) return undefined;
  const Fn = curve.Point.Fn;
  const s = Fn.mul(Fn.inv(1n + d), Fn.create(k - r * d));
  if (s === 0n) return undefined;
  return { r, s };
}

/** Bound on nonce redraws; each has a chance around 2⁻²⁵⁶ of being needed, so hitting it means a broken RNG. */
const SM2_NONCE_ATTEMPTS_MAX = 64;

export function sm2EncodeSignature(curve: Sm2Curve, signature: Sm2RawSignature): Uint8Array {
  return concatBytes(bigIntToBytes(signature.r, curve.lengthBytes), bigIntToBytes(signature.s, curve.lengthBytes));
}

/**
 * Decodes raw r‖s (the only wire form) and checks r, s ∈ [1, n−1]; undefined otherwise.
 * s is never normalised: SM2 has no low-s rule.
 */
export function sm2DecodeSignature(curve: Sm2Curve, bytes: Uint8Array): Sm2RawSignature | undefined {
  if (bytes.length !== 2 * curve.lengthBytes) return undefined;
  const r = bytesToBigInt(bytes.subarray(0, curve.lengthBytes));
  const s = bytesToBigInt(bytes.subarray(curve.lengthBytes));
  const { n } = curve.params;
  if (r < 1n || r >= n || s < 1n || s >= n) return undefined;
  return { r, s };
}

export interface Sm2Options {
  curve?: Sm2Curve;
  userId?: Uint8Array;
  hash?: HashFn;
}

/** Signs `message`; returns raw r‖s. `publicKey` is needed for Z_A (pass it to avoid recomputing). */
export function sm2Sign(d: bigint, message: Uint8Array, options: Sm2Options & { publicKey?: Uint8Array } = {}): Uint8Array {
  const curve = options.curve ?? SM2P256V1;
  const hash = options.hash ?? sm3Pure;
  const publicKey = options.publicKey ?? sm2PublicKeyFromPrivate(curve, d);
  const e = bytesToBigInt(hash(sm2ComputeZ(curve, publicKey, options.userId, hash), message));
  for (let attempt = 0; attempt < SM2_NONCE_ATTEMPTS_MAX; attempt++) {
    const k = randomScalar(curve.params.n - 1n, curve.lengthBytes);
    const signature = sm2SignWithNonce(curve, d, e, k);
    if (signature) return sm2EncodeSignature(curve, signature);
  }
  throw new Error('SM2 signing drew no usable nonce; the random number generator is broken');
}

/** Verifies e given directly (GB/T 32918.2 §7.1 steps B3–B7). */
export function sm2VerifyDigest(curve: Sm2Curve, point: WeierstrassPoint<bigint>, e: bigint, signature: Sm2RawSignature): boolean {
  const { n } = curve.params;
  const { r, s } = signature;
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = (r + s) % n;
  if (t === 0n) return false;
  const sum = curve.Point.BASE.multiplyUnsafe(s).add(point.multiplyUnsafe(t));
  if (sum.is0()) return false;
  return (e + sum.toAffine().x) % n === r;
}

/** Verifies raw r‖s over `message`. Never throws on malformed input: returns false. */
export function sm2Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, options: Sm2Options = {}): boolean {
  const curve = options.curve ?? SM2P256V1;
  const hash = options.hash ?? sm3Pure;
  const decoded = sm2DecodeSignature(curve, signature);
  const point = decoded && sm2DecodePublicKey(curve, publicKey);
  if (!decoded || !point) return false;
  const userId = options.userId ?? SM2_DEFAULT_USER_ID;
  if (userId.length > SM2_USER_ID_LENGTH_MAX_BYTES) return false;
  const e = bytesToBigInt(hash(sm2ComputeZ(curve, publicKey, userId, hash), message));
  return sm2VerifyDigest(curve, point, e, decoded);
}
