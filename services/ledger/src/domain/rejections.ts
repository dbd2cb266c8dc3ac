/**
 * Every reason `decide` can refuse a command, in the order the checks run. The order is part of
 * the contract: when a command breaks several rules, the earliest in this table is reported.
 *
 * The checks run in stages: envelope → nonce → authority (actor, keys, role) → payload shape →
 * referenced entities exist → the actor is the party entitled on them → status → amounts, dates
 * and policy. Entitlement comes before status so a party learns nothing about a voucher it may
 * not act on.
 */
export const rejectionCodes = {
  // Envelope
  commandMalformed: 'The envelope lacks type, actor, nonce, createdAt or payload, or one has the wrong type.',
  unknownCommandType: 'The command type is not one the ledger knows.',
  chainMismatch: 'The command names another ledger\'s chain id; its signatures are valid there only.',
  commandExpired: 'createdAt is older than the policy allows (commandAgeMaxMs).',
  commandFromTheFuture: 'createdAt lies further ahead of the ledger clock than the allowed skew.',
  nonceAlreadyUsed: 'This actor already committed a command with this nonce.',
  // Authority
  actorUnknown: 'The actor is not a registered party.',
  signatureMissing: 'No verified signer key was given.',
  keyRevoked: 'The signer keys of the actor are all revoked at this point of the log.',
  signerKeyNotOfActor: 'None of the signer keys is registered to the actor.',
  actorLacksRole: 'The actor does not have the role this command requires.',
  // Payload shape
  payloadMalformed: 'A payload field is missing, of the wrong type or badly formatted (detail names it).',
  // Parties and keys
  partyAlreadyRegistered: 'A party with this id is already registered.',
  usccInvalid: 'The unified social credit code fails GB 32100 (detail says why).',
  partyIdMustBeUscc: 'An enterprise or funder must be registered under its USCC as party id.',
  usccAlreadyRegistered: 'Another party is already registered with this USCC.',
  keyIdTaken: 'The key id is already registered (to any party).',
  publicKeyMalformed: 'The public key is not lower-case hex of the length its algorithm needs.',
  tooManyKeys: 'The party already has as many active keys as allowed.',
  unknownKey: 'No key with this id is registered to the actor.',
  keyAlreadyRevoked: 'The key is already revoked.',
  lastActiveKey: 'Revoking this key would leave the party without an active key.',
  payableAlreadyRecorded: 'A payable with this id is already recorded.',
  // Referenced entities
  unknownParty: 'A party named in the payload is not registered.',
  counterpartyLacksRole: 'A party named in the payload lacks the role it needs (recipient supplier/core, funder, issuer core).',
  unknownVoucher: 'The voucher does not exist.',
  // Entitlement
  signerNotEntitled: 'The actor is not the party entitled to this operation on this voucher or line.',
  // New ids after entitlement: only the holder of a voucher learns whether a child id is taken.
  voucherIdTaken: 'A new voucher id is already used by another voucher.',
  duplicateVoucherId: 'The same new voucher id appears twice in the command.',
  // Status
  voucherNotARoot: 'The operation applies to an issued root voucher only.',
  voucherNotATransfer: 'The operation applies to a transfer child only (use voucher.cancel for an issue).',
  voucherAlreadySplit: 'The voucher was split already; only its children can move.',
  voucherFrozen: 'The voucher is frozen by a regulator.',
  voucherNotActive: 'The voucher is not active.',
  voucherNotPendingAcceptance: 'The voucher is not awaiting acceptance.',
  voucherNotPendingFinancing: 'The voucher has no pending financing request.',
  acceptancePeriodOver: 'The acceptance period has ended; the offer can only be expired.',
  acceptancePeriodNotOver: 'The acceptance period has not ended yet.',
  voucherAlreadyFrozen: 'The voucher is already frozen.',
  voucherNotFrozenByThisOrder: 'There is no freeze order on this voucher to lift.',
  nothingToFreeze: 'Neither the voucher nor any descendant is in a status a freeze can hold.',
  rootNotAccepted: 'The root was never accepted (pending, rejected or cancelled); there is nothing to settle.',
  treeHasFrozenVoucher: 'A live voucher of the tree is frozen; settlement waits for the regulator.',
  treeAlreadySettled: 'Every live voucher of the tree is paid in full.',
  nothingOverdue: 'No unpaid leaf of the tree is left to mark overdue.',
  maturityNotPassed: 'The maturity date has not passed yet.',
  // Amounts, dates and policy
  holderIsIssuer: 'The issuer cannot issue a voucher to itself.',
  recipientIsHolder: 'The holder cannot transfer to itself.',
  tooManyPayables: 'The issue rests on more payables than the policy allows.',
  duplicatePayable: 'The same payable appears twice in the backing.',
  unknownPayable: 'A backing payable is not recorded.',
  payableNotBetweenParties: 'A backing payable is not owed by the issuer to the holder.',
  payableRemainderExceeded: 'A backing amount exceeds what remains unissued of its payable.',
  backingMustSumToAmount: 'The backing amounts do not sum to the voucher amount.',
  pieceBelowMinimum: 'An amount is below the policy minimum piece.',
  maturityNotAfterIssue: 'The maturity date is not after the issue date.',
  maturityBeyondPolicy: 'The maturity date is later than the policy allows after issue.',
  unknownCreditLine: 'The named funder has no credit line for this issuer.',
  maturityBeyondCreditLineTerm: 'The maturity date is beyond the credit line term.',
  creditLineExhausted: 'The credit line has not enough available for this amount.',
  termDaysOutOfRange: 'termDays must be an integer from 1 to 366.',
  tooManyChildren: 'The transfer creates more children than the policy allows.',
  treeDepthBeyondPolicy: 'The children would be deeper than the policy allows.',
  childrenMustSumToParent: 'Pieces and remainder do not sum exactly to the parent amount.',
  voucherPastMaturity: 'The voucher is at or past maturity; it can no longer move or be financed.',
  feeAboveCap: 'The financing fees exceed the policy cap.',
  financingTermsBeyondRequest: 'The approval prices the financing above what the holder accepted in its request (maxAnnualRate, maxFees).',
  discountExceedsAmount: 'Interest plus fees exceed the voucher amount.',
  settlementBeforeMaturity: 'Settlement is allowed only at or after maturity.',
  tooManySettlements: 'The tree has had as many settlements as allowed.',
  paymentReferenceAlreadyUsed: 'The payer already cited this payment reference in a settlement (of any tree).',
  paymentMustBePositive: 'The paid amount must be above zero.',
  paymentExceedsOutstanding: 'The paid amount exceeds what the tree still owes.',
  policyBeyondLimits: 'The policy change breaks a hard limit no configuration can lift (detail names it).',
  policyUnchanged: 'The policy change leaves the policy as it is.',
} as const;

export type RejectionCode = keyof typeof rejectionCodes;

export interface Rejection {
  code: RejectionCode;
  /** A sentence naming the entity and the values involved. */
  detail: string;
}
