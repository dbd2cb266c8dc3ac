/**
 * Every reason the invoices service refuses a request, in the order the checks run, each with the
 * HTTP status it maps to. The order is part of the contract: when a request breaks several rules,
 * the earliest in this table is reported.
 *
 * Trade records: who may write (the caller is a party to the record) → the shape of codes and
 * numbers → parties exist → amounts → dates → referenced records → duplicates (the unique
 * constraints of PostgreSQL, so they hold under concurrency).
 *
 * Payable confirmation (a signed command): envelope → chain → actor is the caller → time →
 * signatures → nonce → debtor and payee → invoices (exist, between the parties, not void, amounts)
 * → the payable id → the four-flow score.
 */
export const rejections = {
  // Who is asking
  callerUnknown: { status: 403, title: 'The caller is not a party registered on the ledger.' },
  callerNotParty: { status: 403, title: 'The caller is not a party to the record it writes (buyer, seller, payer or payee).' },
  // Shapes beyond the schema
  usccInvalid: { status: 422, title: 'A unified social credit code fails GB 32100 (the detail names the field and why).' },
  invoiceNumberMalformed: { status: 422, title: 'An invoice is neither a 10/12-digit code with an 8-digit number nor a 20-digit fully digital number.' },
  dateMalformed: { status: 422, title: 'A date is not a calendar day that exists (YYYY-MM-DD).' },
  quantityMalformed: { status: 422, title: 'A quantity is not a positive decimal with at most 3 decimals.' },
  // Parties
  partyUnknown: { status: 422, title: 'A party named in the record is not registered on the ledger.' },
  partiesMustDiffer: { status: 422, title: 'Buyer and seller (payer and payee, debtor and payee) must be different parties.' },
  // Amounts
  amountMustBePositive: { status: 422, title: 'An amount must be above zero.' },
  totalMustEqualAmountPlusTax: { status: 422, title: 'An invoice total must equal its amount excluding tax plus its tax, exactly.' },
  // Dates
  dateInTheFuture: { status: 422, title: 'A date lies after today (Asia/Shanghai).' },
  validUntilBeforeSigning: { status: 422, title: 'A contract cannot end before it is signed.' },
  receiptBeforeShipment: { status: 422, title: 'Goods cannot be received before they are shipped.' },
  deliveryBeforeContract: { status: 422, title: 'A delivery cannot be shipped before its contract is signed.' },
  paymentBeforeInvoice: { status: 422, title: 'A payment of an invoice cannot be made before the invoice is issued.' },
  // Referenced records
  contractUnknown: { status: 422, title: 'The contract named is not recorded.' },
  contractNotBetweenParties: { status: 422, title: 'The contract named is between other parties.' },
  deliveryLineNotInContract: { status: 422, title: 'A delivery line names an item the contract does not list.' },
  // Duplicates
  contractAlreadyRecorded: { status: 409, title: 'The seller already recorded a contract with this number for this buyer.' },
  invoiceAlreadyRegistered: { status: 409, title: 'This invoice (code and number, or fully digital number) is already registered on the platform.' },
  deliveryAlreadyRecorded: { status: 409, title: 'A delivery with this number is already recorded for the contract.' },
  paymentAlreadyRecorded: { status: 409, title: 'The payer already recorded a payment with this bank reference.' },

  // The signed payable confirmation: envelope and authority
  commandMalformed: { status: 400, title: 'The command is not a payable.confirm command with type, chain, actor, nonce, createdAt and payload.' },
  chainMismatch: { status: 422, title: "The command names another ledger's chain id; its signatures are valid there only." },
  actorNotCaller: { status: 403, title: 'The command is signed for another party than the caller.' },
  commandExpired: { status: 401, title: 'createdAt is older than the service accepts.' },
  commandFromTheFuture: { status: 401, title: 'createdAt lies further ahead of the service clock than the allowed skew.' },
  commandNotCanonicalizable: { status: 400, title: 'The command cannot be put in RFC 8785 canonical form.' },
  signerKeyUnknown: { status: 401, title: 'A signature names a key id no party has registered.' },
  signatureAlgorithmMismatch: { status: 401, title: "A signature names an algorithm other than its key's." },
  keyRevoked: { status: 401, title: 'A signature is by a revoked key.' },
  signatureInvalid: { status: 401, title: 'A signature does not verify over the canonical bytes of the command.' },
  signerKeyNotOfActor: { status: 401, title: 'No signature is by a key of the actor.' },
  nonceReusedWithDifferentCommand: { status: 409, title: 'The actor used this nonce before for a different command.' },
  // The payable itself
  debtorNotCore: { status: 403, title: 'Only a core enterprise confirms payables.' },
  payeeUnknown: { status: 422, title: 'The payee is not registered on the ledger.' },
  payeeNotSupplier: { status: 422, title: 'The payee is neither a supplier nor a core enterprise.' },
  dueDateInThePast: { status: 422, title: 'The due date is before today (Asia/Shanghai).' },
  invoiceUnknown: { status: 422, title: 'An invoice named is not registered.' },
  invoiceListedTwice: { status: 422, title: 'The same invoice appears twice in the payable.' },
  invoiceNotBetweenParties: { status: 422, title: 'An invoice is not issued by the payee to the debtor.' },
  invoiceVoided: { status: 422, title: 'An invoice is void or red-letter reversed at the tax authority; it backs nothing new.' },
  invoiceAmountsMustSumToPayable: { status: 422, title: 'The amounts taken from the invoices do not sum to the payable amount.' },
  invoiceRemainderExceeded: { status: 409, title: "An amount exceeds what is left of its invoice's total after the payables already resting on it." },
  payableIdTaken: { status: 409, title: 'The payable id is already used by another payable.' },
  fourFlowScoreBelowFloor: { status: 422, title: 'The four-flow score of the invoices is below the floor this deployment requires.' },
} as const satisfies Record<string, { status: number; title: string }>;

export type RejectionCode = keyof typeof rejections;

/** A refusal: the code and a sentence naming the entity and the values involved. */
export interface Rejection {
  code: RejectionCode;
  detail: string;
}

/** Thrown by the pure checks and caught where they are called; never escapes the domain. */
export class Refusal extends Error {
  constructor(
    readonly code: RejectionCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'Refusal';
  }
}

export function refuse(code: RejectionCode, detail: string): never {
  throw new Refusal(code, detail);
}

/** Runs `fn`, turning a Refusal into `{ ok: false }`. */
export function decided<T>(fn: () => T): { ok: true; value: T } | { ok: false; rejection: Rejection } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, rejection: { code: error.code, detail: error.detail } };
    throw error;
  }
}
