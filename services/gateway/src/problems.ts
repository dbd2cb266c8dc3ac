/**
 * Every refusal the gateway gives of its own, in one table (HTTP status and title). Codes the
 * ledger also gives for the same check (`chainMismatch`, `signatureInvalid` …) are spelled as
 * the ledger spells them, so a client sees one problem type whichever of the two refused.
 */
import { defineProblems } from '@cascade/errors';

export const gatewayProblems = defineProblems({
  bodyNotJson: { title: 'The request body is not a JSON document (or repeats a member name)', status: 400 },
  unsupportedMediaType: { title: 'The request body must be application/json', status: 415 },
  payloadMalformed: { title: "The command's payload does not match the schema of its type", status: 400 },
  idempotencyKeyRequired: { title: 'A mutating request needs an Idempotency-Key header (1–128 visible ASCII characters)', status: 400 },
  idempotencyKeyReused: { title: 'This Idempotency-Key was used with a different request', status: 422 },
  idempotencyRequestInProgress: { title: 'A request with this Idempotency-Key is still being processed; retry shortly', status: 409 },
  commandNotForRoute: { title: "The command's type is not the one this route takes", status: 400 },
  pathDoesNotMatchCommand: { title: 'A path parameter differs from the command field it names', status: 400 },
  actorNotCaller: { title: "The command's actor is not the party the bearer token was issued to", status: 403 },
  actorLacksRole: { title: 'The calling party lacks the role this operation needs', status: 403 },
  partyOutOfScope: { title: 'A party reads and acts only on its own resources here', status: 403 },
  chainMismatch: { title: "The command names another ledger's chain id; its signatures are valid there only", status: 422 },
  commandExpired: { title: 'createdAt is too old', status: 401 },
  commandFromTheFuture: { title: 'createdAt lies too far ahead of the gateway clock', status: 401 },
  signatureMissing: { title: 'No signature is by a key of the actor', status: 401 },
  signaturesMalformed: { title: 'signatures must be 1 to 8 entries of {keyId, alg, sig}, each key at most once', status: 400 },
  signerKeyUnknown: { title: 'A signature names a key id not registered (or revoked)', status: 401 },
  signatureAlgorithmMismatch: { title: "A signature names an algorithm other than its key's", status: 401 },
  signatureInvalid: { title: 'A signature does not verify over the canonical bytes of the command', status: 401 },
  commandNotCanonicalizable: { title: 'The command cannot be put in RFC 8785 canonical form', status: 400 },
  nonceAlreadyUsed: { title: 'This actor used this nonce before (a replay); sign a new command with a fresh nonce', status: 409 },
  unknownParty: { title: 'A party named in the request is not registered', status: 404 },
  tokenAlreadyIssued: { title: 'A token was issued under this Idempotency-Key; its secret is shown once only', status: 409 },
  tokenReadOnly: { title: 'This token was issued by the operator and only reads; writes need a token from the party’s own signed login', status: 403 },
  tokenNotForEnterprise: { title: 'The operator issues tokens to enterprises only (core, supplier, funder); the regulator and operators sign in with their own keys', status: 403 },
  tokenInvalid: { title: 'The bearer token is unknown, expired or revoked', status: 401 },
  upstreamUnavailable: { title: 'An internal service did not answer', status: 503 },
  registryHit: { title: 'The financing registry (中登网) holds a registration in force on this receivable: it cannot be financed again', status: 409 },
  registrySearchPending: { title: 'The financing registry has not been searched for this financing yet; retry later with the same command', status: 409 },
  registrySearchFailed: { title: 'The financing registry search for this financing failed; the operator must look at it', status: 409 },
  ledgerUnavailable: { title: 'The command could not be handed to the ledger (Kafka); it was not sent, retry with the same Idempotency-Key', status: 503 },
});
