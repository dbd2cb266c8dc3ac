/**
 * SM2 for Node: picks OpenSSL (fast) or the pure implementation (portable) once, after a
 * self-test, and exposes one sign/verify pair on sm2p256v1 with the default user ID.
 *
 * The OpenSSL path is used only if it (1) verifies the GM/T 0003.5 Annex A signature,
 * (2) refuses the n−s, empty-ID and plain-ECDSA variants of it, and (3) agrees with the pure
 * implementation both ways on a fresh signature. Any failure falls back to pure, so a Node or
 * OpenSSL upgrade that changes SM2 behaviour costs speed, never correctness.
 * `CASCADE_SM2_BACKEND=pure` forces the pure path.
 */
import { bytesToBigInt, hexDecodeStrict, utf8Encode } from './bytes.ts';
import { sm3 } from './sm3.ts';
import { SM2P256V1, SM2_DEFAULT_USER_ID, sm2DecodeSignature, sm2Sign, sm2Verify } from './sm2-pure.ts';
import { sm2OpenSslSigningKey, sm2SignOpenSsl, sm2VerifyOpenSsl } from './sm2-openssl.ts';

export type Sm2Backend = 'openssl' | 'pure';

/** GM/T 0003.5-2012 Annex A (also in /work/shared/testvectors/sm2-sign.json), embedded so the self-test needs no files. */
const ANNEX_A = {
  d: '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8',
  publicKey: '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13',
  message: 'message digest',
  signature: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa',
  /** Same signature with s replaced by n − s. */
  signatureSNegated: 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b34e4955d520ded02789ce7d43f2bde35db673a66e0246c256cfb08a44b4197f79',
  /** What OpenSSL signs when no ID is set (ENTL = 0). */
  signatureEmptyId: '27f1ba35327863638afce55ea5560734b20dc6f4aa21b74217bcae759f2eb9839815b803017b841ee27bc729b026a72fabdf588d3e7041e03e6a1dd43485497b',
  /** Plain ECDSA with SM3 on the SM2 curve. */
  signatureEcdsa: '04ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a7329c9b3fcf2b75c2dc2c4c00a01a6b3da48e07dab36bc49696aa8866cbe7f6d41',
} as const;

export interface Sm2SelfTestResult {
  ok: boolean;
  /** Names of the checks that failed, for logs and the benchmark header. */
  failures: string[];
}

/** Runs the OpenSSL-path self-test described above. Exposed for tests and diagnostics. */
export function sm2OpenSslSelfTest(): Sm2SelfTestResult {
  const failures: string[] = [];
  const check = (name: string, fn: () => boolean): void => {
    try {
      if (!fn()) failures.push(name);
    } catch {
      failures.push(`${name} (threw)`);
    }
  };
  const pub = hexDecodeStrict(ANNEX_A.publicKey)!;
  const d = hexDecodeStrict(ANNEX_A.d)!;
  const message = utf8Encode(ANNEX_A.message);
  const sig = (hex: string): Uint8Array => hexDecodeStrict(hex)!;
  check('verifies Annex A', () => sm2VerifyOpenSsl(pub, message, sig(ANNEX_A.signature)));
  check('refuses n-s', () => !sm2VerifyOpenSsl(pub, message, sig(ANNEX_A.signatureSNegated)));
  check('refuses empty-ID variant', () => !sm2VerifyOpenSsl(pub, message, sig(ANNEX_A.signatureEmptyId)));
  check('refuses ECDSA variant', () => !sm2VerifyOpenSsl(pub, message, sig(ANNEX_A.signatureEcdsa)));
  check('refuses other message', () => !sm2VerifyOpenSsl(pub, utf8Encode('message digesT'), sig(ANNEX_A.signature)));
  const probe = utf8Encode('cascade sm2 fast-path self-test');
  check('OpenSSL signature verifies on the pure path', () => {
    const signed = sm2SignOpenSsl(sm2OpenSslSigningKey(d, pub), probe);
    return sm2Verify(pub, probe, signed, { hash: sm3 }) && !sm2Verify(pub, probe, signed, { hash: sm3, userId: new Uint8Array(0) });
  });
  check('pure signature verifies on OpenSSL', () => sm2VerifyOpenSsl(pub, probe, sm2Sign(bytesToBigInt(d), probe, { publicKey: pub, hash: sm3 })));
  return { ok: failures.length === 0, failures };
}

let selected: { backend: Sm2Backend; selfTest: Sm2SelfTestResult | undefined } | undefined;

function select(): { backend: Sm2Backend; selfTest: Sm2SelfTestResult | undefined } {
  if (selected) return selected;
  if (process.env['CASCADE_SM2_BACKEND'] === 'pure') {
    selected = { backend: 'pure', selfTest: undefined };
  } else {
    const selfTest = sm2OpenSslSelfTest();
    selected = { backend: selfTest.ok ? 'openssl' : 'pure', selfTest };
  }
  return selected;
}

/** Which implementation sign/verify use; the first call runs the self-test (a few ms). */
export function sm2Backend(): Sm2Backend {
  return select().backend;
}

export function sm2BackendSelfTest(): Sm2SelfTestResult | undefined {
  return select().selfTest;
}

/**
 * Verifies raw r‖s over `message` on sm2p256v1. r and s must be in [1, n−1] and are never
 * normalised. Returns false on any malformed input; never throws.
 */
export function sm2VerifyMessage(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, userId: Uint8Array = SM2_DEFAULT_USER_ID): boolean {
  if (!sm2DecodeSignature(SM2P256V1, signature)) return false;
  if (select().backend === 'openssl') return sm2VerifyOpenSsl(publicKey, message, signature, userId === SM2_DEFAULT_USER_ID ? undefined : userId);
  return sm2Verify(publicKey, message, signature, { userId, hash: sm3 });
}

/** A signing function bound to one key; built once per imported private key. */
export type Sm2SignFn = (message: Uint8Array) => Uint8Array;

export function sm2MakeSigner(privateKey: Uint8Array, publicKey: Uint8Array): Sm2SignFn {
  if (select().backend === 'openssl') {
    const key = sm2OpenSslSigningKey(privateKey, publicKey);
    return (message) => sm2SignOpenSsl(key, message);
  }
  const d = bytesToBigInt(privateKey);
  return (message) => sm2Sign(d, message, { publicKey, hash: sm3 });
}
