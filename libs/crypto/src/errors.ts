/**
 * Typed errors of @cascade/crypto. Every error has a stable `code` that reads as a sentence,
 * so callers (the gateway maps them to problem+json) never parse messages. Messages never
 * carry private key material: they name what was wrong, not the bytes that were wrong.
 */
export type CryptoErrorCode =
  | 'valueMustBeCanonicalizable'
  | 'jsonMustBeStrict'
  | 'algorithmMustBeSupported'
  | 'keyMustBeWellFormed'
  | 'verifierPoolMustHaveCapacity'
  | 'verifierPoolMustAnswerInTime'
  | 'verifierPoolMustBeOpen';

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The value cannot be turned into RFC 8785 canonical JSON (non-finite number, lone surrogate, non-JSON type, cycle). */
export class CanonicalizationError extends CryptoError {
  constructor(message: string) {
    super('valueMustBeCanonicalizable', message);
  }
}

/** The text is not strict JSON (syntax error, duplicate key, too deep, too long). `position` is a UTF-16 offset. */
export class JsonParseError extends CryptoError {
  readonly position: number;

  constructor(message: string, position: number) {
    super('jsonMustBeStrict', `${message} at position ${position}`);
    this.position = position;
  }
}

export class UnsupportedAlgorithmError extends CryptoError {
  constructor(alg: unknown) {
    super('algorithmMustBeSupported', `unsupported signature algorithm ${JSON.stringify(String(alg)).slice(0, 40)}; expected "ed25519" or "sm2"`);
  }
}

/** A key could not be imported or exported. The message never includes key bytes. */
export class KeyFormatError extends CryptoError {
  constructor(message: string) {
    super('keyMustBeWellFormed', message);
  }
}

export class VerifierPoolSaturatedError extends CryptoError {
  constructor(queuedBatchesMax: number) {
    super('verifierPoolMustHaveCapacity', `verifier pool queue is full (${queuedBatchesMax} batches); retry after the current batches finish`);
  }
}

export class VerifierPoolTimeoutError extends CryptoError {
  constructor(timeoutMs: number) {
    super('verifierPoolMustAnswerInTime', `verifier pool did not answer within ${timeoutMs} ms`);
  }
}

export class VerifierPoolClosedError extends CryptoError {
  constructor() {
    super('verifierPoolMustBeOpen', 'verifier pool is closed');
  }
}
