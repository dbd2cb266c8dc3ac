/**
 * Recording trade: each use case loads what its decision needs, decides (pure), inserts the record
 * and appends its event to the outbox, all in one transaction. A refusal writes nothing.
 *
 * Reads are filtered by tenancy: a party sees the records it is party to, the regulator all;
 * absent and invisible answer the same `undefined`, so ids cannot be probed.
 */
import { withTransaction, type PoolClient } from '@cascade/db';
import { uuidv7 } from '@cascade/ids';
import {
  decideContract,
  decideDelivery,
  decideInvoice,
  decidePayment,
  sees,
  shanghaiDate,
  verificationOf,
  type Contract,
  type ContractInput,
  type Delivery,
  type DeliveryInput,
  type Invoice,
  type InvoiceInput,
  type Party,
  type Payment,
  type PaymentInput,
  type RecordContext,
  type TaxRecord,
} from '../domain/index.ts';
import { partiesByIds } from '../data-access/parties.ts';
import {
  contractById,
  deliveryById,
  insertContract,
  insertDelivery,
  insertInvoice,
  insertPayment,
  invoiceById,
  listContracts,
  listDeliveries,
  listInvoices,
  listPayments,
  paymentById,
} from '../data-access/records.ts';
import type { StoredInvoice } from '../data-access/rows.ts';
import { taxRecordsByKeys } from '../data-access/verification.ts';
import { publish, type StoreDeps } from './deps.ts';

async function context(deps: StoreDeps, client: PoolClient, caller: string, named: string[]): Promise<RecordContext> {
  const parties = await partiesByIds(client, [caller, ...named]);
  const now = deps.clock();
  return { caller, now, today: shanghaiDate(now), party: (id) => parties.get(id) };
}

export const contractEvent = (c: Contract) => ({
  type: 'ContractRecorded' as const,
  key: c.buyer,
  data: { contractId: c.contractId, contractNumber: c.contractNumber, buyer: c.buyer, seller: c.seller, amount: c.amount, signedOn: c.signedOn, validUntil: c.validUntil, documentHash: c.documentHash, lines: c.lines.length, recordedBy: c.recordedBy, at: c.recordedAt },
});

export const invoiceEvent = (i: Invoice) => ({
  type: 'InvoiceRegistered' as const,
  key: i.buyer,
  data: { invoiceId: i.invoiceId, invoiceKey: i.invoiceKey, form: i.form, seller: i.seller, buyer: i.buyer, amountExclTax: i.amountExclTax, tax: i.tax, total: i.total, issuedOn: i.issuedOn, documentHash: i.documentHash, contractId: i.contractId, verification: i.verification, recordedBy: i.recordedBy, at: i.recordedAt },
});

/** Contract. Rejections: those of `decideContract`, then contractAlreadyRecorded. */
export async function recordContract(deps: StoreDeps, caller: string, input: ContractInput): Promise<Contract> {
  return withTransaction(deps.pool, async (client) => {
    const ctx = await context(deps, client, caller, [input.buyer, input.seller]);
    const contract = decideContract(input, ctx, uuidv7());
    await insertContract(client, contract);
    await publish(deps, client, [contractEvent(contract)]);
    return contract;
  });
}

/**
 * The tax authority's word may have arrived before the invoice (result files cover what the
 * provider was asked about): the invoice is registered with it applied.
 */
export function withKnownVerification(invoice: Invoice, record: TaxRecord | undefined): Invoice {
  return record ? { ...invoice, verification: verificationOf(invoice, record).status } : invoice;
}

/** Invoice. Rejections: those of `decideInvoice`, then invoiceAlreadyRegistered (the unique constraint). */
export async function registerInvoice(deps: StoreDeps, caller: string, input: InvoiceInput): Promise<StoredInvoice> {
  return withTransaction(deps.pool, async (client) => {
    const ctx = await context(deps, client, caller, [input.buyer, input.seller]);
    const contract = input.contractId ? await contractById(client, input.contractId) : undefined;
    const decided = decideInvoice(input, ctx, uuidv7(), contract);
    const invoice = withKnownVerification(decided, (await taxRecordsByKeys(client, [decided.invoiceKey])).get(decided.invoiceKey));
    await insertInvoice(client, invoice);
    await publish(deps, client, [invoiceEvent(invoice)]);
    return (await invoiceById(client, invoice.invoiceId))!;
  });
}

/** Delivery and receipt. Rejections: those of `decideDelivery`, then deliveryAlreadyRecorded. */
export async function recordDelivery(deps: StoreDeps, caller: string, input: DeliveryInput): Promise<Delivery> {
  return withTransaction(deps.pool, async (client) => {
    const ctx = await context(deps, client, caller, []);
    const delivery = decideDelivery(input, ctx, uuidv7(), await contractById(client, input.contractId));
    await insertDelivery(client, delivery);
    await publish(deps, client, [{
      type: 'DeliveryRecorded',
      key: delivery.buyer,
      data: { deliveryId: delivery.deliveryId, contractId: delivery.contractId, deliveryNumber: delivery.deliveryNumber, buyer: delivery.buyer, seller: delivery.seller, shippedOn: delivery.shippedOn, receivedOn: delivery.receivedOn, receiver: delivery.receiver, lines: delivery.lines.length, recordedBy: delivery.recordedBy, at: delivery.recordedAt },
    }]);
    return delivery;
  });
}

/** Payment record. Rejections: those of `decidePayment`, then paymentAlreadyRecorded. */
export async function recordPayment(deps: StoreDeps, caller: string, input: PaymentInput): Promise<Payment> {
  return withTransaction(deps.pool, async (client) => {
    const ctx = await context(deps, client, caller, [input.payer, input.payee]);
    const invoice = input.invoiceId ? await invoiceById(client, input.invoiceId) : undefined;
    const payment = decidePayment(input, ctx, uuidv7(), invoice);
    await insertPayment(client, payment);
    await publish(deps, client, [{
      type: 'PaymentRecorded',
      key: payment.payer,
      data: { paymentId: payment.paymentId, payer: payment.payer, payee: payment.payee, amount: payment.amount, paidOn: payment.paidOn, bankReference: payment.bankReference, invoiceId: payment.invoiceId, recordedBy: payment.recordedBy, at: payment.recordedAt },
    }]);
    return payment;
  });
}

// ---- Reads ---------------------------------------------------------------------------------------

export async function viewerOf(deps: StoreDeps, caller: string): Promise<Party | undefined> {
  return (await partiesByIds(deps.pool, [caller])).get(caller);
}

export async function contractFor(deps: StoreDeps, caller: string, id: string): Promise<Contract | undefined> {
  const [viewer, c] = await Promise.all([viewerOf(deps, caller), contractById(deps.pool, id)]);
  return c && sees(viewer, c.buyer, c.seller) ? c : undefined;
}

export async function invoiceFor(deps: StoreDeps, caller: string, id: string): Promise<StoredInvoice | undefined> {
  const [viewer, i] = await Promise.all([viewerOf(deps, caller), invoiceById(deps.pool, id)]);
  return i && sees(viewer, i.buyer, i.seller) ? i : undefined;
}

export async function deliveryFor(deps: StoreDeps, caller: string, id: string): Promise<Delivery | undefined> {
  const [viewer, d] = await Promise.all([viewerOf(deps, caller), deliveryById(deps.pool, id)]);
  return d && sees(viewer, d.buyer, d.seller) ? d : undefined;
}

export async function paymentFor(deps: StoreDeps, caller: string, id: string): Promise<Payment | undefined> {
  const [viewer, p] = await Promise.all([viewerOf(deps, caller), paymentById(deps.pool, id)]);
  return p && sees(viewer, p.payer, p.payee) ? p : undefined;
}

/** The party whose records a caller may list: its own, or everyone's for the regulator (null). */
export async function listScope(deps: StoreDeps, caller: string): Promise<string | null> {
  const viewer = await viewerOf(deps, caller);
  return viewer?.roles.includes('regulator') ? null : caller;
}

export const lists = { contracts: listContracts, invoices: listInvoices, deliveries: listDeliveries, payments: listPayments };
