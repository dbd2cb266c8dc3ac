/**
 * Payable confirmation (应付账款确权): a core enterprise confirms, with a signed command, that it
 * owes a supplier an amount by a due date, resting on invoices the supplier issued to it. Only a
 * confirmed payable can back a voucher on the ledger.
 *
 * The command (DESIGN §6 body, `docs/invoices.md` has the full contract):
 *   { type: 'payable.confirm', chain, actor, nonce, createdAt,
 *     payload: { payableId, payee, amount, dueDate, invoices: [{ invoiceId | invoiceKey, amount }] } }
 *
 * The envelope, signatures and nonce are checked by the application before these pure checks.
 */
import { Amount, fenText } from '@cascade/money';
import type { FourFlowResult } from './four-flow.ts';
import type { Invoice, Party } from './records.ts';
import { refuse } from './rejections.ts';
import { calendarDate } from './values.ts';

export const payableCommandType = 'payable.confirm';
/** The most invoices one payable rests on. */
export const invoicesPerPayableMax = 100;
/** The ledger's pattern for payable ids (and the nonce's length limit). */
export const payableIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

export interface InvoiceRef {
  invoiceId?: string;
  invoiceKey?: string;
  amount: string;
}

export interface PayablePayload {
  payableId: string;
  payee: string;
  amount: string;
  dueDate: string;
  invoices: InvoiceRef[];
}

export interface PayableCommand {
  type: typeof payableCommandType;
  chain: string;
  actor: string;
  nonce: string;
  createdAt: string;
  payload: PayablePayload;
}

/** An invoice with how much of its total the confirmed payables already take. */
export interface InvoiceWithUsage extends Invoice {
  committed: string;
}

export interface PayableContext {
  today: string;
  party(partyId: string): Party | undefined;
  /** The invoice a reference names (by id or by key), if registered. */
  invoice(ref: InvoiceRef): InvoiceWithUsage | undefined;
}

export interface PayableAllocation {
  invoice: InvoiceWithUsage;
  amount: string;
}

export interface PayableDraft {
  payableId: string;
  debtor: string;
  creditor: string;
  amount: string;
  dueDate: string;
  allocations: PayableAllocation[];
}

const refText = (r: InvoiceRef): string => r.invoiceId ?? r.invoiceKey ?? '(none)';

/**
 * The payable the command asks for, before its four-flow score. Rejections, in order:
 * debtorNotCore, payeeUnknown, payeeNotSupplier, partiesMustDiffer, amountMustBePositive,
 * dateMalformed, dueDateInThePast, invoiceUnknown, invoiceListedTwice, invoiceNotBetweenParties,
 * invoiceVoided, invoiceAmountsMustSumToPayable, invoiceRemainderExceeded.
 */
export function draftPayable(command: PayableCommand, ctx: PayableContext): PayableDraft {
  const { payload } = command;
  const debtor = ctx.party(command.actor);
  if (!debtor?.roles.includes('core')) refuse('debtorNotCore', `${command.actor} is not a core enterprise`);
  const payee = ctx.party(payload.payee);
  if (!payee) refuse('payeeUnknown', `payee ${payload.payee} is not registered on the ledger`);
  if (!payee.roles.includes('supplier') && !payee.roles.includes('core')) refuse('payeeNotSupplier', `payee ${payload.payee} has roles ${payee.roles.join(', ')}`);
  if (payload.payee === command.actor) refuse('partiesMustDiffer', `the debtor ${command.actor} cannot owe itself`);
  const amount = Amount.parse(payload.amount);
  if (amount.isZero()) refuse('amountMustBePositive', 'payload.amount is 0.00');
  calendarDate(payload.dueDate, 'payload.dueDate');
  if (payload.dueDate < ctx.today) refuse('dueDateInThePast', `dueDate ${payload.dueDate} is before today (${ctx.today}, Asia/Shanghai)`);

  const resolved = payload.invoices.map((r, i) => {
    const invoice = ctx.invoice(r);
    if (!invoice) refuse('invoiceUnknown', `payload.invoices[${i}]: no invoice ${refText(r)} is registered`);
    return { ref: r, invoice, index: i };
  });
  const seen = new Set<string>();
  for (const { invoice, index } of resolved) {
    if (seen.has(invoice.invoiceId)) refuse('invoiceListedTwice', `payload.invoices[${index}]: invoice ${invoice.invoiceKey} is listed twice`);
    seen.add(invoice.invoiceId);
  }
  for (const { invoice, index } of resolved) {
    if (invoice.seller !== payload.payee || invoice.buyer !== command.actor) {
      refuse('invoiceNotBetweenParties', `payload.invoices[${index}]: invoice ${invoice.invoiceKey} is from ${invoice.seller} to ${invoice.buyer}, not from the payee ${payload.payee} to the debtor ${command.actor}`);
    }
  }
  for (const { invoice, index } of resolved) {
    if (invoice.verification === 'void' || invoice.verification === 'reversed') {
      refuse('invoiceVoided', `payload.invoices[${index}]: invoice ${invoice.invoiceKey} is ${invoice.verification === 'void' ? 'void' : 'red-letter reversed'} at the tax authority`);
    }
  }
  const taken = resolved.map(({ ref, index }) => {
    const a = Amount.parse(ref.amount);
    if (a.isZero()) refuse('amountMustBePositive', `payload.invoices[${index}].amount is 0.00`);
    return a;
  });
  if (Amount.sumFen(taken) !== amount.toFen()) {
    refuse('invoiceAmountsMustSumToPayable', `the invoice amounts sum to ${fenText(Amount.sumFen(taken))}, not the payable's ${amount}`);
  }
  for (const { invoice, index } of resolved) {
    const remaining = Amount.parse(invoice.total).minus(Amount.parse(invoice.committed));
    if (taken[index]!.gt(remaining)) {
      refuse('invoiceRemainderExceeded', `payload.invoices[${index}]: ${taken[index]} exceeds the ${remaining} left of invoice ${invoice.invoiceKey} (total ${invoice.total}, ${invoice.committed} already confirmed)`);
    }
  }
  return {
    payableId: payload.payableId,
    debtor: command.actor,
    creditor: payload.payee,
    amount: amount.toString(),
    dueDate: payload.dueDate,
    allocations: resolved.map(({ invoice, index }) => ({ invoice, amount: taken[index]!.toString() })),
  };
}

/** Rejection: fourFlowScoreBelowFloor. */
export function requireScore(result: FourFlowResult, floor: number): void {
  if (result.score < floor) {
    const lost = result.reasons.map((r) => `${r.code} −${r.points}`).join(', ');
    refuse('fourFlowScoreBelowFloor', `four-flow score ${result.score} is below the floor of ${floor} (${lost})`);
  }
}
