/**
 * The four-flow score (四流合一): how well a set of invoices behind a payable is backed by the
 * other three flows of the same trade. 100 points, 25 per flow; every point lost has a reason.
 *
 *  contract (商流)      each invoice rests on a contract between the same parties, the invoices
 *                       registered under a contract do not exceed its amount, and none is issued
 *                       before the contract was signed or after it ended;
 *  delivery (物流)      each contract has deliveries, the goods were received, and the share of
 *                       each contract line received is at least the share of the contract invoiced;
 *  payment (资金流)     the debtor has paid the creditor before, and no chain of payments carries
 *                       money from the creditor back to the debtor (a circle: 资金闭环);
 *  verification (信息流) the tax authority has verified each invoice and its data matches.
 *
 * Each check loses a fixed number of points (the table below); a flow never loses more than its
 * 25, and the reasons carry the points actually lost, so they always sum to 100 − score. Pure: the
 * caller loads the records; nothing here reads a clock or a database.
 */
import { Amount } from '@cascade/money';
import type { Contract, Delivery, Invoice } from './records.ts';
import { quantityMilli } from './values.ts';

export type Flow = 'contract' | 'delivery' | 'payment' | 'verification';
export const flowPointsMax = 25;

/** Points each check loses, in the order the checks run within their flow. */
export const fourFlowChecks = {
  contractMissing: { flow: 'contract', points: 25 },
  invoicedBeyondContract: { flow: 'contract', points: 15 },
  invoiceBeforeContract: { flow: 'contract', points: 10 },
  invoiceAfterContractEnd: { flow: 'contract', points: 5 },
  deliveryMissing: { flow: 'delivery', points: 25 },
  goodsNotReceived: { flow: 'delivery', points: 15 },
  receivedShortOfInvoiced: { flow: 'delivery', points: 10 },
  paymentsInCircle: { flow: 'payment', points: 25 },
  noPaymentHistory: { flow: 'payment', points: 10 },
  invoiceVoid: { flow: 'verification', points: 25 },
  invoiceMismatch: { flow: 'verification', points: 25 },
  invoiceUnverified: { flow: 'verification', points: 10 },
} as const satisfies Record<string, { flow: Flow; points: number }>;

export type FourFlowCheck = keyof typeof fourFlowChecks;

export interface FourFlowReason {
  flow: Flow;
  code: FourFlowCheck;
  /** Points lost for this reason (≥ 1). */
  points: number;
  detail: string;
}

export interface FourFlowResult {
  score: number;
  flows: Record<Flow, number>;
  reasons: FourFlowReason[];
}

/** One recorded payment, as the circle search sees it. */
export interface PaymentEdge {
  paymentId: string;
  payer: string;
  payee: string;
  amount: string;
  paidOn: string;
}

export interface FourFlowInput {
  debtor: string;
  creditor: string;
  invoices: Invoice[];
  /** The contracts the invoices name, with the total of every invoice registered under each. */
  contracts: Map<string, { contract: Contract; invoicedTotal: string }>;
  /** Deliveries by contract id. */
  deliveries: Map<string, Delivery[]>;
  /** Whether the debtor has paid the creditor before (any recorded payment). */
  priorPaymentsFromDebtor: number;
  /** Payments that may form a chain from the creditor back to the debtor, within the window. */
  paymentEdges: PaymentEdge[];
  /** The earliest payment date the circle search considers. */
  circleWindowStart: string;
}

/** How many payments a circle may have at most (C → … → D). */
export const circleHopsMax = 4;

/**
 * The first chain of payments carrying money from `from` to `to`: each payment at or after
 * `since` and not earlier than the one before it, at most `circleHopsMax` long. Edges are tried
 * in a fixed order (date, then payment id), so the answer is deterministic.
 */
export function findPaymentChain(edges: readonly PaymentEdge[], from: string, to: string, since: string): PaymentEdge[] | null {
  const byPayer = new Map<string, PaymentEdge[]>();
  for (const e of [...edges].sort((a, b) => (a.paidOn === b.paidOn ? (a.paymentId < b.paymentId ? -1 : 1) : a.paidOn < b.paidOn ? -1 : 1))) {
    if (e.paidOn < since) continue;
    const list = byPayer.get(e.payer) ?? [];
    list.push(e);
    byPayer.set(e.payer, list);
  }
  const path: PaymentEdge[] = [];
  const onPath = new Set<string>([from]);
  const walk = (at: string, notBefore: string): boolean => {
    if (path.length >= circleHopsMax) return false;
    for (const e of byPayer.get(at) ?? []) {
      if (e.paidOn < notBefore) continue;
      if (e.payee === to) {
        path.push(e);
        return true;
      }
      if (onPath.has(e.payee)) continue;
      path.push(e);
      onPath.add(e.payee);
      if (walk(e.payee, e.paidOn)) return true;
      onPath.delete(e.payee);
      path.pop();
    }
    return false;
  };
  return walk(from, since) ? path : null;
}

const percent = (num: bigint, den: bigint): string => `${(Number((num * 1000n) / den) / 10).toFixed(1)}%`;
const keys = (list: readonly Invoice[]): string => list.map((i) => i.invoiceKey).join(', ');

export function scoreFourFlow(input: FourFlowInput): FourFlowResult {
  const found: { code: FourFlowCheck; detail: string }[] = [];
  const add = (code: FourFlowCheck, detail: string) => void found.push({ code, detail });

  // Contract (商流)
  const withoutContract = input.invoices.filter((i) => i.contractId === null || !input.contracts.has(i.contractId));
  if (withoutContract.length > 0) add('contractMissing', `no contract behind invoice ${keys(withoutContract)}`);
  const contractIds = [...new Set(input.invoices.flatMap((i) => (i.contractId !== null && input.contracts.has(i.contractId) ? [i.contractId] : [])))].sort();
  const beyond = contractIds.filter((id) => {
    const c = input.contracts.get(id)!;
    return Amount.parse(c.invoicedTotal).gt(Amount.parse(c.contract.amount));
  });
  if (beyond.length > 0) {
    add('invoicedBeyondContract', beyond.map((id) => { const c = input.contracts.get(id)!; return `invoices under contract ${c.contract.contractNumber} total ${c.invoicedTotal}, above its ${c.contract.amount}`; }).join('; '));
  }
  const early = input.invoices.filter((i) => i.contractId !== null && input.contracts.has(i.contractId) && i.issuedOn < input.contracts.get(i.contractId)!.contract.signedOn);
  if (early.length > 0) add('invoiceBeforeContract', early.map((i) => `invoice ${i.invoiceKey} issued ${i.issuedOn}, before contract ${input.contracts.get(i.contractId!)!.contract.contractNumber} was signed on ${input.contracts.get(i.contractId!)!.contract.signedOn}`).join('; '));
  const late = input.invoices.filter((i) => {
    const c = i.contractId === null ? undefined : input.contracts.get(i.contractId)?.contract;
    return c !== undefined && c.validUntil !== null && i.issuedOn > c.validUntil;
  });
  if (late.length > 0) add('invoiceAfterContractEnd', late.map((i) => `invoice ${i.invoiceKey} issued ${i.issuedOn}, after contract ${input.contracts.get(i.contractId!)!.contract.contractNumber} ended on ${input.contracts.get(i.contractId!)!.contract.validUntil}`).join('; '));

  // Delivery (物流)
  const undelivered = contractIds.filter((id) => (input.deliveries.get(id) ?? []).length === 0);
  if (undelivered.length > 0 || withoutContract.length > 0) {
    const parts = [
      ...undelivered.map((id) => `no delivery recorded under contract ${input.contracts.get(id)!.contract.contractNumber}`),
      ...(withoutContract.length > 0 ? [`no delivery can be matched to invoice ${keys(withoutContract)} (no contract)`] : []),
    ];
    add('deliveryMissing', parts.join('; '));
  }
  const delivered = contractIds.filter((id) => (input.deliveries.get(id) ?? []).length > 0);
  const notReceived = delivered.filter((id) => input.deliveries.get(id)!.every((d) => d.receivedOn === null));
  if (notReceived.length > 0) add('goodsNotReceived', notReceived.map((id) => `no receipt for the deliveries under contract ${input.contracts.get(id)!.contract.contractNumber}`).join('; '));
  const short: string[] = [];
  for (const id of delivered.filter((x) => !notReceived.includes(x))) {
    const { contract, invoicedTotal } = input.contracts.get(id)!;
    const invoicedFen = Amount.parse(invoicedTotal).toFen();
    const amountFen = Amount.parse(contract.amount).toFen();
    const received = new Map<string, bigint>();
    for (const d of input.deliveries.get(id)!) {
      if (d.receivedOn === null) continue;
      for (const l of d.lines) {
        const k = `${l.item}\u0000${l.unit}`;
        received.set(k, (received.get(k) ?? 0n) + quantityMilli(l.quantity, 'quantity'));
      }
    }
    for (const line of contract.lines) {
      const ordered = quantityMilli(line.quantity, 'quantity');
      const got = received.get(`${line.item}\u0000${line.unit}`) ?? 0n;
      // got / ordered < invoiced / amount, compared exactly in integers.
      if (got * amountFen < invoicedFen * ordered && got < ordered) {
        short.push(`contract ${contract.contractNumber}: ${percent(got, ordered)} of ${line.item} received, but ${percent(invoicedFen, amountFen)} of the contract invoiced`);
      }
    }
  }
  if (short.length > 0) add('receivedShortOfInvoiced', short.join('; '));

  // Payment (资金流)
  const chain = findPaymentChain(input.paymentEdges, input.creditor, input.debtor, input.circleWindowStart);
  if (chain) {
    add('paymentsInCircle', `money goes from the creditor back to the debtor: ${chain.map((e) => `${e.payer} paid ${e.payee} ${e.amount} on ${e.paidOn}`).join(', then ')}`);
  }
  if (input.priorPaymentsFromDebtor === 0) add('noPaymentHistory', `no payment from ${input.debtor} to ${input.creditor} is recorded`);

  // Verification (信息流)
  const byStatus = (...s: Invoice['verification'][]) => input.invoices.filter((i) => s.includes(i.verification));
  const voided = byStatus('void', 'reversed');
  if (voided.length > 0) add('invoiceVoid', voided.map((i) => `invoice ${i.invoiceKey} is ${i.verification === 'void' ? 'void' : 'red-letter reversed'} at the tax authority`).join('; '));
  const mismatched = byStatus('mismatch');
  if (mismatched.length > 0) add('invoiceMismatch', `the tax authority's data differs from invoice ${keys(mismatched)}`);
  const unverified = byStatus('unverified');
  if (unverified.length > 0) add('invoiceUnverified', `invoice ${keys(unverified)} not verified with the tax authority yet`);

  const lost: Record<Flow, number> = { contract: 0, delivery: 0, payment: 0, verification: 0 };
  const reasons: FourFlowReason[] = [];
  for (const f of found) {
    const { flow, points } = fourFlowChecks[f.code];
    const taken = Math.min(points, flowPointsMax - lost[flow]);
    if (taken <= 0) continue;
    lost[flow] += taken;
    reasons.push({ flow, code: f.code, points: taken, detail: f.detail.slice(0, 500) });
  }
  const flows: Record<Flow, number> = {
    contract: flowPointsMax - lost.contract,
    delivery: flowPointsMax - lost.delivery,
    payment: flowPointsMax - lost.payment,
    verification: flowPointsMax - lost.verification,
  };
  return { score: flows.contract + flows.delivery + flows.payment + flows.verification, flows, reasons };
}
