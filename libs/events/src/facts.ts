/**
 * Signed facts. Kafka in these deployments has no authentication, so a fact one service states
 * to another (the invoices service's `PayableConfirmed`, which the ledger lets back an issue) is
 * signed by the stating service's own key, registered in the ledger's genesis. The signature
 * travels in the event's `data` as `signature`; the signed bytes are the RFC 8785 canonical JSON
 * of `{chain, type, data}` with `data` taken without its `signature`, so a fact is bound to one
 * ledger and one event type and cannot be replayed as another.
 */
import { canonicalBytes, signCommand, verifySignature, type PrivateKey, type Signature, type SignatureAlg } from '@cascade/crypto';

export const factSignatureField = 'signature';

/** The bytes a fact's signature covers. */
export function factSignedBytes(chain: string, type: string, data: Record<string, unknown>): Uint8Array {
  const { [factSignatureField]: _signature, ...unsigned } = data;
  return canonicalBytes({ chain, type, data: unsigned });
}

/** `data` with its `signature` by `key`, for the ledger whose genesis names `chain`. */
export function signFact<T extends Record<string, unknown>>(chain: string, type: string, data: T, key: PrivateKey): T & { signature: Signature } {
  const { [factSignatureField]: _old, ...unsigned } = data;
  const signature = signCommand({ chain, type, data: unsigned }, key);
  return { ...(unsigned as T), signature };
}

/** True when `data.signature` is a valid signature by the given key over the fact. */
export function verifyFact(chain: string, type: string, data: Record<string, unknown>, key: { keyId: string; alg: SignatureAlg; publicKey: Uint8Array }): boolean {
  const signature = data[factSignatureField] as Partial<Signature> | undefined;
  if (!signature || typeof signature !== 'object' || signature.keyId !== key.keyId || signature.alg !== key.alg || typeof signature.sig !== 'string') return false;
  let bytes: Uint8Array;
  try {
    bytes = factSignedBytes(chain, type, data);
  } catch {
    return false; // not canonicalisable (a lone surrogate): nobody can have signed it
  }
  return verifySignature(key.alg, key.publicKey, bytes, signature.sig);
}
