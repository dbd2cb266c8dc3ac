/**
 * Trade records (四流): contracts (商流), deliveries and receipts (物流), payment records (资金流)
 * and invoices (信息流), each with who recorded it and when. `decide…` functions are pure: given
 * the input (already shaped by its JSON schema), the caller and what the store knows, they return
 * the record to insert or throw a `Refusal` whose code is in `rejections.ts`. Duplicates are not
 * decided here: the unique constraints of PostgreSQL refuse them, so they hold under concurrency.
 */
import { Amount } from '@cascade/money';
import { refuse } from './rejections.ts';
import { calendarDate, invoiceIdentity, pastOrToday, positiveAmount, quantityMilli, requireUscc, type InvoiceForm } from './values.ts';

export type Role = 'core' | 'supplier' | 'funder' | 'regulator' | 'operator';

/** A party as the ledger's events describe it (the service's own view). */
export interface Party {
  partyId: string;
  roles: Role[];
}

export interface RecordContext {
  caller: string;
  /** Today's calendar date in Asia/Shanghai. */
  today: string;
  /** The recording instant (UTC). */
  now: Date;
  party(partyId: string): Party | undefined;
}

export interface GoodsLine {
  item: string;
  quantity: string;
  unit: string;
}

export interface ContractInput {
  contractNumber: string;
  buyer: string;
  seller: string;
  amount: string;
  signedOn: string;
  validUntil?: string | null;
  documentHash: string;
  lines: GoodsLine[];
}

export interface Contract {
  contractId: string;
  contractNumber: string;
  buyer: string;
  seller: string;
  amount: string;
  signedOn: string;
  validUntil: string | null;
  documentHash: string;
  lines: GoodsLine[];
  recordedBy: string;
  recordedAt: string;
}

export interface InvoiceInput {
  /** 10 or 12 digits for the classic form; empty or absent for the fully digital form. */
  code?: string | null;
  /** 8 digits (classic) or 20 digits (fully digital). */
  number: string;
  seller: string;
  buyer: string;
  amountExclTax: string;
  tax: string;
  total: string;
  issuedOn: string;
  documentHash: string;
  contractId?: string | null;
}

export type VerificationStatus = 'unverified' | 'verified' | 'mismatch' | 'void' | 'reversed';

export interface Invoice {
  invoiceId: string;
  invoiceKey: string;
  form: InvoiceForm;
  code: string | null;
  number: string;
  seller: string;
  buyer: string;
  amountExclTax: string;
  tax: string;
  total: string;
  issuedOn: string;
  documentHash: string;
  contractId: string | null;
  verification: VerificationStatus;
  recordedBy: string;
  recordedAt: string;
}

export interface DeliveryInput {
  contractId: string;
  deliveryNumber: string;
  shippedOn: string;
  receivedOn?: string | null;
  /** Who signed for the goods (签收人 or receiving site); required once they are received. */
  receiver?: string | null;
  lines: GoodsLine[];
}

export interface Delivery {
  deliveryId: string;
  contractId: string;
  deliveryNumber: string;
  buyer: string;
  seller: string;
  shippedOn: string;
  receivedOn: string | null;
  receiver: string | null;
  lines: GoodsLine[];
  recordedBy: string;
  recordedAt: string;
}

export interface PaymentInput {
  payer: string;
  payee: string;
  amount: string;
  paidOn: string;
  bankReference: string;
  invoiceId?: string | null;
}

export interface Payment {
  paymentId: string;
  payer: string;
  payee: string;
  amount: string;
  paidOn: string;
  bankReference: string;
  invoiceId: string | null;
  recordedBy: string;
  recordedAt: string;
}

/** True when `partyId` may see a record between these parties (the regulator sees all). */
export function sees(viewer: Party | undefined, ...parties: string[]): boolean {
  if (!viewer) return false;
  return viewer.roles.includes('regulator') || parties.includes(viewer.partyId);
}

function requireCaller(ctx: RecordContext, ...parties: string[]): void {
  if (!ctx.party(ctx.caller)) refuse('callerUnknown', `caller ${ctx.caller} is not registered on the ledger`);
  if (!parties.includes(ctx.caller)) refuse('callerNotParty', `caller ${ctx.caller} is not one of ${parties.join(', ')}`);
}

function requireParties(ctx: RecordContext, a: [string, string], b: [string, string]): void {
  requireUscc(a[1], a[0]);
  requireUscc(b[1], b[0]);
  for (const [field, id] of [a, b]) if (!ctx.party(id)) refuse('partyUnknown', `${field} ${id} is not registered on the ledger`);
  if (a[1] === b[1]) refuse('partiesMustDiffer', `${a[0]} and ${b[0]} are both ${a[1]}`);
}

function goodsLines(lines: GoodsLine[], where: string): GoodsLine[] {
  return lines.map((l, i) => {
    quantityMilli(l.quantity, `${where}[${i}].quantity`);
    return { item: l.item, quantity: l.quantity, unit: l.unit };
  });
}

/** Contract (商流). Rejections, in order: callerUnknown, callerNotParty, usccInvalid, partyUnknown, partiesMustDiffer, amountMustBePositive, dateMalformed, dateInTheFuture, validUntilBeforeSigning, quantityMalformed. */
export function decideContract(input: ContractInput, ctx: RecordContext, contractId: string): Contract {
  requireCaller(ctx, input.buyer, input.seller);
  requireParties(ctx, ['buyer', input.buyer], ['seller', input.seller]);
  const amount = positiveAmount(input.amount, 'amount');
  pastOrToday(input.signedOn, 'signedOn', ctx.today);
  const validUntil = input.validUntil ?? null;
  if (validUntil !== null) {
    calendarDate(validUntil, 'validUntil');
    if (validUntil < input.signedOn) refuse('validUntilBeforeSigning', `validUntil ${validUntil} is before signedOn ${input.signedOn}`);
  }
  return {
    contractId,
    contractNumber: input.contractNumber,
    buyer: input.buyer,
    seller: input.seller,
    amount: amount.toString(),
    signedOn: input.signedOn,
    validUntil,
    documentHash: input.documentHash,
    lines: goodsLines(input.lines, 'lines'),
    recordedBy: ctx.caller,
    recordedAt: ctx.now.toISOString(),
  };
}

/**
 * Invoice (信息流). `contract` is the contract the input names, if the caller may see it.
 * Rejections, in order: callerUnknown, callerNotParty, invoiceNumberMalformed, usccInvalid,
 * partyUnknown, partiesMustDiffer, amountMustBePositive, totalMustEqualAmountPlusTax,
 * dateMalformed, dateInTheFuture, contractUnknown, contractNotBetweenParties.
 */
export function decideInvoice(input: InvoiceInput, ctx: RecordContext, invoiceId: string, contract: Contract | undefined): Invoice {
  requireCaller(ctx, input.buyer, input.seller);
  const identity = invoiceIdentity(input.code, input.number);
  requireParties(ctx, ['seller', input.seller], ['buyer', input.buyer]);
  const excl = positiveAmount(input.amountExclTax, 'amountExclTax');
  const tax = Amount.parse(input.tax);
  const total = Amount.parse(input.total);
  // Compared in fen: the sum of two valid amounts may pass the amount limit.
  if (Amount.sumFen([excl, tax]) !== total.toFen()) refuse('totalMustEqualAmountPlusTax', `total ${total} is not amountExclTax ${excl} + tax ${tax}`);
  pastOrToday(input.issuedOn, 'issuedOn', ctx.today);
  const contractId = input.contractId ?? null;
  if (contractId !== null) {
    if (!contract || !sees(ctx.party(ctx.caller), contract.buyer, contract.seller)) refuse('contractUnknown', `no contract ${contractId} visible to ${ctx.caller}`);
    if (contract.seller !== input.seller || contract.buyer !== input.buyer) {
      refuse('contractNotBetweenParties', `contract ${contractId} is between seller ${contract.seller} and buyer ${contract.buyer}, not ${input.seller} and ${input.buyer}`);
    }
  }
  return {
    invoiceId,
    invoiceKey: identity.key,
    form: identity.form,
    code: identity.code,
    number: identity.number,
    seller: input.seller,
    buyer: input.buyer,
    amountExclTax: excl.toString(),
    tax: tax.toString(),
    total: total.toString(),
    issuedOn: input.issuedOn,
    documentHash: input.documentHash,
    contractId,
    verification: 'unverified',
    recordedBy: ctx.caller,
    recordedAt: ctx.now.toISOString(),
  };
}

/**
 * Delivery and receipt (物流) under a contract. A contract the caller may not see is unknown to it.
 * Rejections, in order: callerUnknown, contractUnknown, callerNotParty, dateMalformed,
 * dateInTheFuture, deliveryBeforeContract, receiptBeforeShipment, quantityMalformed,
 * deliveryLineNotInContract.
 */
export function decideDelivery(input: DeliveryInput, ctx: RecordContext, deliveryId: string, contract: Contract | undefined): Delivery {
  const caller = ctx.party(ctx.caller);
  if (!caller) refuse('callerUnknown', `caller ${ctx.caller} is not registered on the ledger`);
  if (!contract || !sees(caller, contract.buyer, contract.seller)) refuse('contractUnknown', `no contract ${input.contractId} visible to ${ctx.caller}`);
  requireCaller(ctx, contract.buyer, contract.seller);
  pastOrToday(input.shippedOn, 'shippedOn', ctx.today);
  if (input.shippedOn < contract.signedOn) refuse('deliveryBeforeContract', `shippedOn ${input.shippedOn} is before contract ${contract.contractId} was signed on ${contract.signedOn}`);
  const receivedOn = input.receivedOn ?? null;
  if (receivedOn !== null) {
    pastOrToday(receivedOn, 'receivedOn', ctx.today);
    if (receivedOn < input.shippedOn) refuse('receiptBeforeShipment', `receivedOn ${receivedOn} is before shippedOn ${input.shippedOn}`);
  }
  const lines = goodsLines(input.lines, 'lines');
  const items = new Set(contract.lines.map((l) => `${l.item}\u0000${l.unit}`));
  for (const [i, l] of lines.entries()) {
    if (!items.has(`${l.item}\u0000${l.unit}`)) refuse('deliveryLineNotInContract', `lines[${i}]: contract ${contract.contractId} lists no ${JSON.stringify(l.item)} in ${JSON.stringify(l.unit)}`);
  }
  return {
    deliveryId,
    contractId: contract.contractId,
    deliveryNumber: input.deliveryNumber,
    buyer: contract.buyer,
    seller: contract.seller,
    shippedOn: input.shippedOn,
    receivedOn,
    receiver: receivedOn === null ? null : (input.receiver ?? null),
    lines,
    recordedBy: ctx.caller,
    recordedAt: ctx.now.toISOString(),
  };
}

/**
 * Payment record (资金流). `invoice` is the invoice the input names, if any.
 * Rejections, in order: callerUnknown, callerNotParty, usccInvalid, partyUnknown,
 * partiesMustDiffer, amountMustBePositive, dateMalformed, dateInTheFuture, invoiceUnknown,
 * invoiceNotBetweenParties, paymentBeforeInvoice.
 */
export function decidePayment(input: PaymentInput, ctx: RecordContext, paymentId: string, invoice: Invoice | undefined): Payment {
  requireCaller(ctx, input.payer, input.payee);
  requireParties(ctx, ['payer', input.payer], ['payee', input.payee]);
  const amount = positiveAmount(input.amount, 'amount');
  pastOrToday(input.paidOn, 'paidOn', ctx.today);
  const invoiceId = input.invoiceId ?? null;
  if (invoiceId !== null) {
    if (!invoice || !sees(ctx.party(ctx.caller), invoice.buyer, invoice.seller)) refuse('invoiceUnknown', `no invoice ${invoiceId} visible to ${ctx.caller}`);
    if (invoice.buyer !== input.payer || invoice.seller !== input.payee) {
      refuse('invoiceNotBetweenParties', `invoice ${invoice.invoiceKey} is from seller ${invoice.seller} to buyer ${invoice.buyer}; a payment of it goes from the buyer to the seller`);
    }
    if (input.paidOn < invoice.issuedOn) refuse('paymentBeforeInvoice', `paidOn ${input.paidOn} is before invoice ${invoice.invoiceKey} was issued on ${invoice.issuedOn}`);
  }
  return {
    paymentId,
    payer: input.payer,
    payee: input.payee,
    amount: amount.toString(),
    paidOn: input.paidOn,
    bankReference: input.bankReference,
    invoiceId,
    recordedBy: ctx.caller,
    recordedAt: ctx.now.toISOString(),
  };
}
