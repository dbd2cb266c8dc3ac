/**
 * The payable confirmation's own checks, one row per rejection, in the documented order; and the
 * four-flow floor. (Envelope, signature and nonce refusals are tested on the HTTP API.)
 */
import { describe, expect, it } from 'vitest';
import { usccFromNumber } from '@cascade/ids';
import { draftPayable, requireScore, type InvoiceWithUsage, type PayableCommand } from './payable.ts';
import { decided, type RejectionCode } from './rejections.ts';
import { World } from './test-support.ts';

function scene() {
  const w = new World();
  const core = w.party(['core']);
  const supplier = w.party(['supplier']);
  const other = w.party(['supplier']);
  const funder = w.party(['funder']);
  const a = w.invoice(supplier, core);
  const b = w.invoice(supplier, core, { amountExclTax: '442.48', tax: '57.52', total: '500.00' });
  const committed = new Map<string, string>();
  const invoice = (ref: { invoiceId?: string; invoiceKey?: string }): InvoiceWithUsage | undefined => {
    const inv = [...w.invoices.values()].find((i) => i.invoiceId === ref.invoiceId || i.invoiceKey === ref.invoiceKey);
    return inv && { ...inv, committed: committed.get(inv.invoiceId) ?? '0.00' };
  };
  const command = (payload: Partial<PayableCommand['payload']> = {}, actor = core): PayableCommand => ({
    type: 'payable.confirm',
    chain: 'test',
    actor,
    nonce: 'n1',
    createdAt: w.now.toISOString(),
    payload: { payableId: 'P-1', payee: supplier, amount: '1200.00', dueDate: '2026-06-30', invoices: [{ invoiceId: a.invoiceId, amount: '1000.00' }, { invoiceKey: b.invoiceKey, amount: '200.00' }], ...payload },
  });
  const ctx = { today: w.today, party: (id: string) => w.parties.get(id), invoice };
  return { w, core, supplier, other, funder, a, b, committed, command, ctx };
}

describe('draftPayable', () => {
  it('drafts the payable with what it takes from each invoice, by id or by key, in the order listed', () => {
    const s = scene();
    const d = draftPayable(s.command(), s.ctx);
    expect(d).toMatchObject({ payableId: 'P-1', debtor: s.core, creditor: s.supplier, amount: '1200.00', dueDate: '2026-06-30' });
    expect(d.allocations.map((x) => [x.invoice.invoiceId, x.amount])).toEqual([[s.a.invoiceId, '1000.00'], [s.b.invoiceId, '200.00']]);
  });

  it('takes what is left of an invoice another payable partly took, to the fen', () => {
    const s = scene();
    s.committed.set(s.b.invoiceId, '300.00');
    expect(decided(() => draftPayable(s.command(), s.ctx)).ok).toBe(true);
    s.committed.set(s.b.invoiceId, '300.01');
    expect(decided(() => draftPayable(s.command(), s.ctx))).toMatchObject({ ok: false, rejection: { code: 'invoiceRemainderExceeded', detail: expect.stringContaining('exceeds the 199.99 left') } });
  });

  const cases: [string, RejectionCode, (s: ReturnType<typeof scene>) => PayableCommand][] = [
    ['a debtor that is not a core enterprise', 'debtorNotCore', (s) => s.command({}, s.other)],
    ['a payee not on the ledger', 'payeeUnknown', (s) => s.command({ payee: usccFromNumber(99_998) })],
    ['a payee that is a funder', 'payeeNotSupplier', (s) => s.command({ payee: s.funder })],
    ['the debtor as payee', 'partiesMustDiffer', (s) => { s.w.parties.set(s.core, { partyId: s.core, roles: ['core', 'supplier'] }); return s.command({ payee: s.core }); }],
    ['a zero amount', 'amountMustBePositive', (s) => s.command({ amount: '0.00' })],
    ['a due date that does not exist', 'dateMalformed', (s) => s.command({ dueDate: '2026-06-31' })],
    ['a due date in the past', 'dueDateInThePast', (s) => s.command({ dueDate: '2026-03-01' })],
    ['an unregistered invoice', 'invoiceUnknown', (s) => s.command({ invoices: [{ invoiceKey: '3100231130-99999999', amount: '1200.00' }] })],
    ['one invoice twice, by id and by key', 'invoiceListedTwice', (s) => s.command({ invoices: [{ invoiceId: s.a.invoiceId, amount: '600.00' }, { invoiceKey: s.a.invoiceKey, amount: '600.00' }] })],
    ['an invoice between other parties', 'invoiceNotBetweenParties', (s) => {
      const theirs = s.w.invoice(s.other, s.core);
      return s.command({ amount: '1000.00', invoices: [{ invoiceId: theirs.invoiceId, amount: '1000.00' }] });
    }],
    ['an invoice issued the other way round', 'invoiceNotBetweenParties', (s) => {
      s.w.parties.set(s.supplier, { partyId: s.supplier, roles: ['supplier', 'core'] });
      const reverse = s.w.invoice(s.core, s.supplier);
      return s.command({ amount: '1000.00', invoices: [{ invoiceId: reverse.invoiceId, amount: '1000.00' }] });
    }],
    ['a void invoice', 'invoiceVoided', (s) => { s.w.invoices.set(s.a.invoiceId, { ...s.a, verification: 'void' }); return s.command(); }],
    ['a red-letter reversed invoice', 'invoiceVoided', (s) => { s.w.invoices.set(s.b.invoiceId, { ...s.b, verification: 'reversed' }); return s.command(); }],
    ['a zero amount taken from an invoice', 'amountMustBePositive', (s) => s.command({ amount: '1000.00', invoices: [{ invoiceId: s.a.invoiceId, amount: '1000.00' }, { invoiceId: s.b.invoiceId, amount: '0.00' }] })],
    ['invoice amounts one fen short of the payable', 'invoiceAmountsMustSumToPayable', (s) => s.command({ amount: '1200.01' })],
    ['more than an invoice total (the amount exceeds the invoices\' unused total)', 'invoiceRemainderExceeded', (s) => s.command({ amount: '1500.01', invoices: [{ invoiceId: s.a.invoiceId, amount: '1000.01' }, { invoiceId: s.b.invoiceId, amount: '500.00' }] })],
  ];
  it.each(cases)('refuses %s (%s)', (_name, code, make) => {
    const s = scene();
    const r = decided(() => draftPayable(make(s), s.ctx));
    expect(r).toMatchObject({ ok: false, rejection: { code } });
  });
});

describe('requireScore', () => {
  it('refuses a score below the floor, naming the points lost', () => {
    const result = { score: 59, flows: { contract: 25, delivery: 0, payment: 25, verification: 9 }, reasons: [{ flow: 'delivery' as const, code: 'deliveryMissing' as const, points: 25, detail: 'x' }] };
    expect(decided(() => requireScore(result, 60))).toMatchObject({ ok: false, rejection: { code: 'fourFlowScoreBelowFloor', detail: expect.stringContaining('deliveryMissing −25') } });
    expect(decided(() => requireScore({ ...result, score: 60 }, 60)).ok).toBe(true);
  });
});
