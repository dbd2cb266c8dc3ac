/**
 * Four-flow scores on crafted cases (issue 8's list: complete, missing delivery, amount mismatch,
 * payments going in a circle, a voided invoice, and more): each loses exactly the points of its
 * table row, with a reason naming what is wrong, and the reasons always add up to 100 − score.
 */
import { describe, expect, it } from 'vitest';
import { findPaymentChain, fourFlowChecks, scoreFourFlow, type FourFlowInput, type PaymentEdge } from './four-flow.ts';
import type { Contract, Delivery, Invoice } from './records.ts';
import { World } from './test-support.ts';

function trade() {
  const w = new World();
  const debtor = w.party(['core']);
  const creditor = w.party(['supplier']);
  const middle = w.party(['supplier']);
  const contract = w.contract(debtor, creditor, { amount: '1000.00', lines: [{ item: 'steel coil', quantity: '10', unit: 't' }] });
  const invoice = w.invoice(creditor, debtor, { contractId: contract.contractId });
  const delivery = w.delivery(contract);
  const edge = (payer: string, payee: string, paidOn: string, id = `${payer}-${payee}-${paidOn}`): PaymentEdge => ({ paymentId: id, payer, payee, amount: '100.00', paidOn });
  const input = (over: { invoices?: Invoice[]; contracts?: Contract[]; invoicedTotal?: string; deliveries?: Delivery[]; prior?: number; edges?: PaymentEdge[] } = {}): FourFlowInput => {
    const contracts = over.contracts ?? [contract];
    return {
      debtor,
      creditor,
      invoices: over.invoices ?? [invoice],
      contracts: new Map(contracts.map((c) => [c.contractId, { contract: c, invoicedTotal: over.invoicedTotal ?? '1000.00' }])),
      deliveries: new Map(contracts.map((c) => [c.contractId, (over.deliveries ?? [delivery]).filter((d) => d.contractId === c.contractId)])),
      priorPaymentsFromDebtor: over.prior ?? 1,
      paymentEdges: over.edges ?? [edge(debtor, creditor, '2026-02-10')],
      circleWindowStart: '2025-09-03',
    };
  };
  return { w, debtor, creditor, middle, contract, invoice, delivery, edge, input };
}

function expectConsistent(result: ReturnType<typeof scoreFourFlow>): void {
  expect(result.reasons.reduce((s, r) => s + r.points, 0)).toBe(100 - result.score);
  expect(result.flows.contract + result.flows.delivery + result.flows.payment + result.flows.verification).toBe(result.score);
}

describe('four-flow score', () => {
  it('gives a complete, verified, delivered and paid trade 100 with no reason', () => {
    const t = trade();
    const r = scoreFourFlow(t.input());
    expect(r).toEqual({ score: 100, flows: { contract: 25, delivery: 25, payment: 25, verification: 25 }, reasons: [] });
  });

  it('takes the whole delivery flow when no delivery is recorded under the contract', () => {
    const t = trade();
    const r = scoreFourFlow(t.input({ deliveries: [] }));
    expect(r.score).toBe(75);
    expect(r.reasons).toEqual([{ flow: 'delivery', code: 'deliveryMissing', points: 25, detail: expect.stringContaining(t.contract.contractNumber) }]);
    expectConsistent(r);
  });

  it('takes 15 when goods were shipped but never received', () => {
    const t = trade();
    const r = scoreFourFlow(t.input({ deliveries: [t.w.delivery(t.contract, { receivedOn: null })] }));
    expect(r.score).toBe(85);
    expect(r.reasons.map((x) => x.code)).toEqual(['goodsNotReceived']);
  });

  it('takes 15 when the invoices under a contract total more than its amount (amount mismatch)', () => {
    const t = trade();
    const r = scoreFourFlow(t.input({ invoicedTotal: '1500.00' }));
    expect(r.score).toBe(85);
    expect(r.reasons).toEqual([{ flow: 'contract', code: 'invoicedBeyondContract', points: 15, detail: expect.stringMatching(/total 1500\.00, above its 1000\.00/) }]);
    expectConsistent(r);
  });

  it('takes 10 when less of the goods was received than of the contract was invoiced (quantity mismatch)', () => {
    const t = trade();
    const half = t.w.delivery(t.contract, { lines: [{ item: 'steel coil', quantity: '5', unit: 't' }] });
    const r = scoreFourFlow(t.input({ deliveries: [half], invoicedTotal: '800.00' }));
    expect(r.score).toBe(90);
    expect(r.reasons[0]).toMatchObject({ code: 'receivedShortOfInvoiced', points: 10, detail: expect.stringContaining('50.0% of steel coil received, but 80.0% of the contract invoiced') });
  });

  it('loses nothing for partial goods when no more was invoiced than received', () => {
    const t = trade();
    const half = t.w.delivery(t.contract, { lines: [{ item: 'steel coil', quantity: '5', unit: 't' }] });
    expect(scoreFourFlow(t.input({ deliveries: [half], invoicedTotal: '500.00' })).score).toBe(100);
  });

  it('takes the whole payment flow when payments carry the money from the creditor back to the debtor', () => {
    const t = trade();
    const edges = [t.edge(t.debtor, t.creditor, '2026-02-10'), t.edge(t.creditor, t.middle, '2026-02-12'), t.edge(t.middle, t.debtor, '2026-02-14')];
    const r = scoreFourFlow(t.input({ edges }));
    expect(r.score).toBe(75);
    expect(r.reasons).toEqual([{ flow: 'payment', code: 'paymentsInCircle', points: 25, detail: `money goes from the creditor back to the debtor: ${t.creditor} paid ${t.middle} 100.00 on 2026-02-12, then ${t.middle} paid ${t.debtor} 100.00 on 2026-02-14` }]);
    expectConsistent(r);
  });

  it('sees no circle when the way back was paid before the money arrived, or before the window', () => {
    const t = trade();
    const backwards = [t.edge(t.creditor, t.middle, '2026-02-12'), t.edge(t.middle, t.debtor, '2026-02-11')];
    expect(scoreFourFlow(t.input({ edges: backwards })).score).toBe(100);
    const old = [t.edge(t.creditor, t.debtor, '2025-01-01')];
    expect(scoreFourFlow(t.input({ edges: old })).score).toBe(100);
  });

  it('takes 10 when the debtor never paid the creditor before', () => {
    const t = trade();
    const r = scoreFourFlow(t.input({ prior: 0 }));
    expect(r).toMatchObject({ score: 90, reasons: [{ code: 'noPaymentHistory', points: 10 }] });
  });

  it('takes the whole verification flow for a voided invoice, and for a red-letter reversed one', () => {
    const t = trade();
    for (const status of ['void', 'reversed'] as const) {
      const r = scoreFourFlow(t.input({ invoices: [{ ...t.invoice, verification: status }] }));
      expect(r.score).toBe(75);
      expect(r.reasons).toEqual([{ flow: 'verification', code: 'invoiceVoid', points: 25, detail: expect.stringContaining(t.invoice.invoiceKey) }]);
    }
  });

  it('takes 25 for data the tax authority contradicts and 10 for an invoice not verified yet', () => {
    const t = trade();
    expect(scoreFourFlow(t.input({ invoices: [{ ...t.invoice, verification: 'mismatch' }] })).reasons).toMatchObject([{ code: 'invoiceMismatch', points: 25 }]);
    expect(scoreFourFlow(t.input({ invoices: [{ ...t.invoice, verification: 'unverified' }] })).reasons).toMatchObject([{ code: 'invoiceUnverified', points: 10 }]);
  });

  it('takes both contract and delivery flows for an invoice with no contract', () => {
    const t = trade();
    const bare = t.w.invoice(t.creditor, t.debtor);
    const r = scoreFourFlow(t.input({ invoices: [bare] }));
    expect(r.score).toBe(50);
    expect(r.reasons.map((x) => [x.code, x.points])).toEqual([['contractMissing', 25], ['deliveryMissing', 25]]);
    expectConsistent(r);
  });

  it('takes 10 for an invoice issued before its contract was signed and 5 for one issued after it ended', () => {
    const t = trade();
    const early = t.w.invoice(t.creditor, t.debtor, { contractId: t.contract.contractId, issuedOn: '2026-01-02' });
    expect(scoreFourFlow(t.input({ invoices: [early] })).reasons).toMatchObject([{ code: 'invoiceBeforeContract', points: 10 }]);
    const ended = t.w.contract(t.debtor, t.creditor, { validUntil: '2026-01-31' });
    const late = t.w.invoice(t.creditor, t.debtor, { contractId: ended.contractId, issuedOn: '2026-02-15' });
    const r = scoreFourFlow(t.input({ invoices: [late], contracts: [ended], deliveries: [t.w.delivery(ended)] }));
    expect(r.reasons).toMatchObject([{ code: 'invoiceAfterContractEnd', points: 5 }]);
  });

  it('never takes more than 25 from one flow, and the reasons carry the points actually lost', () => {
    const t = trade();
    const early = t.w.invoice(t.creditor, t.debtor, { contractId: t.contract.contractId, issuedOn: '2026-01-02' });
    const r = scoreFourFlow(t.input({ invoices: [early], invoicedTotal: '2000.00' }));
    // invoicedBeyondContract 15 + invoiceBeforeContract 10 = 25: the flow is empty, not negative.
    expect(r.flows.contract).toBe(0);
    expect(r.reasons.map((x) => [x.code, x.points])).toEqual([['invoicedBeyondContract', 15], ['invoiceBeforeContract', 10]]);
    const worst = scoreFourFlow(t.input({ invoices: [{ ...t.w.invoice(t.creditor, t.debtor), verification: 'void' }], prior: 0, edges: [t.edge(t.creditor, t.debtor, '2026-02-01')] }));
    expect(worst.score).toBe(0);
    expectConsistent(worst);
  });

  it('lists every check of the table with points no larger than a flow', () => {
    for (const c of Object.values(fourFlowChecks)) expect(c.points).toBeLessThanOrEqual(25);
  });
});

describe('findPaymentChain', () => {
  const e = (payer: string, payee: string, paidOn: string): PaymentEdge => ({ paymentId: `${payer}${payee}${paidOn}`, payer, payee, amount: '1.00', paidOn });

  it('finds a direct payment back, and a long chain in date order', () => {
    expect(findPaymentChain([e('C', 'D', '2026-01-01')], 'C', 'D', '2025-01-01')?.length).toBe(1);
    const long = [e('C', 'X', '2026-01-01'), e('X', 'Y', '2026-01-02'), e('Y', 'Z', '2026-01-03'), e('Z', 'D', '2026-01-04')];
    expect(findPaymentChain(long, 'C', 'D', '2025-01-01')?.map((x) => x.payee)).toEqual(['X', 'Y', 'Z', 'D']);
  });

  it('stops at four payments and goes around loops that do not reach the debtor', () => {
    const five = [e('C', 'V', '2026-01-01'), e('V', 'X', '2026-01-02'), e('X', 'Y', '2026-01-03'), e('Y', 'Z', '2026-01-04'), e('Z', 'D', '2026-01-05')];
    expect(findPaymentChain(five, 'C', 'D', '2025-01-01')).toBeNull();
    const loop = [e('C', 'X', '2026-01-01'), e('X', 'C', '2026-01-02'), e('X', 'Y', '2026-01-03'), e('Y', 'X', '2026-01-04')];
    expect(findPaymentChain(loop, 'C', 'D', '2025-01-01')).toBeNull();
  });
});
