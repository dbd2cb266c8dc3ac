/**
 * Every refusal the ledger can give, mapped to an HTTP status and problem type in one place:
 * the domain's rejection codes (domain/rejections.ts) plus the intake's own, which are checked
 * before the domain sees a command.
 */
import { problemTypeOf, type ProblemDocument } from '@cascade/errors';
import { rejectionCodes, type RejectionCode } from '../domain/rejections.ts';

/** Refusals of the intake, checked in this order before `decide`. */
export const intakeRejectionCodes = {
  submissionMalformed: 'The submission is not {command, signatures} with a JSON object command.',
  commandNotCanonicalizable: 'The command cannot be put in RFC 8785 canonical form (non-finite number, lone surrogate …).',
  signaturesMalformed: 'signatures must be 1 to 8 entries of {keyId, alg, sig}, each key at most once.',
  signerKeyUnknown: 'A signature names a key id the ledger has never registered.',
  signatureAlgorithmMismatch: 'A signature names an algorithm other than its key’s.',
  signatureInvalid: 'A signature does not verify over the canonical bytes of the command.',
  nonceReusedWithDifferentCommand: 'This actor used this nonce before for a different command.',
  factNotCanonicalizable: 'A fact from the invoices service cannot be put in RFC 8785 canonical form, so it cannot be logged.',
  balanceBeyondLimit: 'A posting would carry an account balance past the amount limit (±999,999,999,999,999.99): what any amount, balance, payable total or credit line may hold.',
  internalError: 'Deciding this submission failed unexpectedly (detail names the error class); the submission was refused and the batch went on.',
} as const;

export type IntakeRejectionCode = keyof typeof intakeRejectionCodes;
export type LedgerRefusalCode = IntakeRejectionCode | RejectionCode;

const statusOf: Partial<Record<LedgerRefusalCode, number>> = {
  submissionMalformed: 400,
  commandNotCanonicalizable: 400,
  factNotCanonicalizable: 400,
  internalError: 500,
  balanceBeyondLimit: 422,
  signaturesMalformed: 400,
  commandMalformed: 400,
  unknownCommandType: 400,
  payloadMalformed: 400,
  publicKeyMalformed: 400,
  usccInvalid: 400,
  signerKeyUnknown: 401,
  signatureAlgorithmMismatch: 401,
  signatureInvalid: 401,
  signatureMissing: 401,
  keyRevoked: 401,
  signerKeyNotOfActor: 401,
  actorUnknown: 401,
  commandExpired: 401,
  commandFromTheFuture: 401,
  actorLacksRole: 403,
  signerNotEntitled: 403,
  unknownVoucher: 404,
  unknownParty: 404,
  unknownPayable: 404,
  unknownCreditLine: 404,
  unknownKey: 404,
  nonceAlreadyUsed: 409,
  nonceReusedWithDifferentCommand: 409,
};

/** Everything not listed is a rule of the domain the command broke: 422, or 409 for a status. */
export function httpStatusOf(code: LedgerRefusalCode): number {
  const s = statusOf[code];
  if (s !== undefined) return s;
  if (/^voucher(Not|Already|Frozen)|^tree|^acceptancePeriod|^rootNotAccepted|^nothing|Taken$|AlreadyRegistered$|AlreadyRecorded$|AlreadyRevoked$|AlreadyUsed$/.test(code)) return 409;
  return 422;
}

export function titleOf(code: LedgerRefusalCode): string {
  return (intakeRejectionCodes as Record<string, string>)[code] ?? (rejectionCodes as Record<string, string>)[code] ?? code;
}

export function refusalProblem(code: LedgerRefusalCode, detail: string): ProblemDocument {
  return { type: problemTypeOf(code), title: titleOf(code), status: httpStatusOf(code), code, detail };
}
