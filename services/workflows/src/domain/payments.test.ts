import { describe, expect, it } from 'vitest';
import { splitEventData } from '@cascade/events';
import { buildPain001, matchPayments, PaymentFileError, type NotifiedPayment } from '@cascade/payments';
import {
  blockedBy,
  checkBankAccount,
  endToEndIdOf,
  filesFor,
  messageIdOf,
  notificationReportOf,
  paymentEntriesPlannedBy,
  shanghaiDate,
  transfersPerFileMax,
  type BankAccount,
  type DueEntry,
  type KnownCitedSettlement,
  type KnownEntry,
} from './payments.ts';

const terms = { funder: 'F', seller: 'S', productId: 'P1', annualRate: '0.036', days: 90, interest: '0.90', fees: '0.10', net: '99.00', financedOn: '2026-12-04' };
const account = (partyId: string, number: string): BankAccount => ({ partyId, account: { number }, agent: { bankCode: '102100099996', name: 'ICBC' }, accountName: `${partyId} Co., Ltd.` });
const due = (id: string, debtor: string, creditor: string, amount: string): DueEntry => ({ id, endToEndId: endToEndIdOf('payout', id), kind: 'payout', debtor, creditor, amount, voucherId: null, rootId: '0190f5a2-0000-7000-8000-000000000001', reference: 'PAY-1' });

describe('payment planning', () => {
  it('plans for a financing one disbursement from the funder to the seller of the net proceeds', () => {
    const entries = paymentEntriesPlannedBy({ type: 'VoucherFinanced', data: { voucherId: 'V', rootId: 'R', amount: '100.00', terms, at: '' } });
    expect(entries).toEqual([{ id: 'disburse:V', kind: 'disbursement', debtor: 'F', creditor: 'S', amount: '99.00', endToEndId: endToEndIdOf('disbursement', 'disburse:V'), voucherId: 'V', rootId: 'R', reference: 'P1' }]);
    expect(entries[0]!.endToEndId).toMatch(/^D-[0-9a-f]{33}$/); // 35 characters: the most pain.001 carries
    // Seen twice, the same entry: its id and end-to-end id are named by what it pays.
    expect(paymentEntriesPlannedBy({ type: 'VoucherFinanced', data: { voucherId: 'V', rootId: 'R', amount: '100.00', terms, at: '' } })).toEqual(entries);
  });

  it('plans for a settlement one payout from the issuer per holder, of its leaves\' total; none of 0.00 and none to the issuer itself', () => {
    const data = { rootId: 'R', issuer: 'I', paymentReference: 'PAY-1', paidAmount: '100.00', payouts: [], holderTotals: [{ holder: 'A', amount: '60.01' }, { holder: 'B', amount: '39.99' }, { holder: 'C', amount: '0.00' }, { holder: 'I', amount: '1.00' }], creditLineRestored: null, at: '' };
    const entries = paymentEntriesPlannedBy({ type: 'VoucherSettled', data });
    expect(entries.map((e) => [e.id, e.debtor, e.creditor, e.amount])).toEqual([
      ['payout:R:PAY-1:A', 'I', 'A', '60.01'],
      ['payout:R:PAY-1:B', 'I', 'B', '39.99'],
    ]);
    expect(entries.every((e) => /^S-[0-9a-f]{33}$/.test(e.endToEndId))).toBe(true);
    expect(new Set(entries.map((e) => e.endToEndId)).size).toBe(2);
    expect(paymentEntriesPlannedBy({ type: 'VoucherAccepted', data: { voucherId: 'V' } })).toEqual([]);
  });

  it('plans a settlement split into parts (too large for one envelope) as the whole: each holder once, in the part that carries it', () => {
    const holderTotals = Array.from({ length: 3_000 }, (_, i) => ({ holder: `H-${String(i).padStart(4, '0')}`, amount: `${i + 1}.01` }));
    const data = { rootId: 'R', issuer: 'I', paymentReference: 'PAY-1', paidAmount: '1.00', payouts: [], holderTotals, creditLineRestored: null, at: '' };
    const parts = splitEventData('VoucherSettled', data, 20_000);
    expect(parts.length).toBeGreaterThan(3);
    const planned = parts.flatMap((p) => paymentEntriesPlannedBy({ type: 'VoucherSettled', data: p }));
    expect(planned).toEqual(paymentEntriesPlannedBy({ type: 'VoucherSettled', data }));
    expect(new Set(planned.map((e) => e.id)).size).toBe(3_000);
  });

  it('says an entry whose debtor or creditor has no account is blocked, and who must register one', () => {
    const has = (p: string) => p === 'I';
    expect(blockedBy({ debtor: 'I', creditor: 'A' }, has)).toEqual({ blocked: 'no bank account', missing: ['creditor'] });
    expect(blockedBy({ debtor: 'X', creditor: 'A' }, has)).toEqual({ blocked: 'no bank account', missing: ['debtor', 'creditor'] });
    expect(blockedBy({ debtor: 'I', creditor: 'I' }, has)).toBeNull();
  });
});

describe('payment batching', () => {
  const accounts = new Map([account('I', '0200001234567890123'), account('J', '0200009999'), account('A', '6222020000000001'), account('B', '6222020000000002')].map((a) => [a.partyId, a]));
  const now = new Date('2026-12-04T17:30:00.000Z'); // already 5 December in Shanghai

  it('makes one file per debtor, each transfer to its creditor\'s account, with a control sum exact to the cent', () => {
    const files = filesFor([due('e1', 'I', 'A', '0.10'), due('e2', 'J', 'A', '5.00'), due('e3', 'I', 'B', '0.20')], accounts, now);
    expect(files.map((f) => [f.debtor, f.entryIds])).toEqual([
      ['I', ['e1', 'e3']],
      ['J', ['e2']],
    ]);
    const [first] = files;
    expect(first!.batch.debtorAccount).toEqual({ number: '0200001234567890123' });
    expect(first!.batch.transfers.map((t) => [t.creditorAccount, t.amount])).toEqual([
      [{ number: '6222020000000001' }, '0.10'],
      [{ number: '6222020000000002' }, '0.20'],
    ]);
    expect(first!.batch.requestedExecutionDate).toBe(shanghaiDate(now));
    expect(first!.batch.requestedExecutionDate).toBe('2026-12-05');
    expect(first!.payeeAccounts).toEqual(new Map([['e1', '6222020000000001'], ['e3', '6222020000000002']]));
    expect(buildPain001(first!.batch).controlSum).toBe('0.30');
  });

  it('names a file by its entries: the same entries in another order give the same message id', () => {
    const a = filesFor([due('e1', 'I', 'A', '1.00'), due('e3', 'I', 'B', '2.00')], accounts, now)[0]!;
    const b = filesFor([due('e3', 'I', 'B', '2.00'), due('e1', 'I', 'A', '1.00')], accounts, new Date(now.getTime() + 60_000))[0]!;
    expect(a.batch.messageId).toBe(b.batch.messageId);
    expect(a.batch.messageId.length).toBeLessThanOrEqual(35);
    expect(messageIdOf([endToEndIdOf('payout', 'e1')])).not.toBe(a.batch.messageId);
  });

  it('splits a debtor\'s entries beyond the per-file limit into several files', () => {
    const many = Array.from({ length: transfersPerFileMax + 1 }, (_, i) => due(`e${i}`, 'I', i % 2 ? 'A' : 'B', '0.01'));
    const files = filesFor(many, accounts, now);
    expect(files.map((f) => f.entryIds.length)).toEqual([transfersPerFileMax, 1]);
    expect(new Set(files.map((f) => f.batch.messageId)).size).toBe(2);
  });

  it('stops on an entry given without its accounts: the caller must leave blocked ones out', () => {
    expect(() => filesFor([due('e1', 'I', 'Z', '1.00')], accounts, now)).toThrow(/invariant broken/);
  });
});

describe('bank accounts', () => {
  it('takes a domestic account with a CNAPS bank code, and an IBAN with a BIC, without the spaces people type', () => {
    expect(checkBankAccount('A', { account: { number: '6222 0200-0000 0001' }, agent: { bankCode: '102100099996' }, accountName: '供应商一有限公司' }).account).toEqual({ number: '6222020000000001' });
    expect(checkBankAccount('A', { account: { iban: 'de89 3704 0044 0532 0130 00' }, agent: { bic: 'COBADEFFXXX' }, accountName: 'A GmbH' }).account).toEqual({ iban: 'DE89370400440532013000' });
  });

  it('refuses an IBAN whose check digits fail, a malformed BIC and an empty name, each by its code', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return (error as PaymentFileError).code;
      }
      return 'accepted';
    };
    expect(code(() => checkBankAccount('A', { account: { iban: 'DE89370400440532013001' }, agent: { bic: 'COBADEFFXXX' }, accountName: 'A' }))).toBe('ibanMustBeWellFormed');
    expect(code(() => checkBankAccount('A', { account: { number: '1' }, agent: { bic: 'cobadeff' }, accountName: 'A' }))).toBe('bicMustBeWellFormed');
    expect(code(() => checkBankAccount('A', { account: { number: '1' }, agent: { bankCode: '102100099996' }, accountName: '' }))).toBe('textMustNotBeEmpty');
  });
});

describe('notification reports', () => {
  const notified = (endToEndId: string, amount: string, counterpartyAccount = '6222020000000001'): NotifiedPayment => ({
    source: `test ${endToEndId}`,
    endToEndId,
    amount,
    currency: 'CNY',
    creditDebit: 'DBIT',
    bookingDate: '2026-12-05',
    account: '0200001234567890123',
    counterpartyAccount,
    bankReference: `BR-${endToEndId}`,
    reversal: false,
    booked: true,
  });
  const known = (id: string, state: KnownEntry['state'], amount: string): KnownEntry => ({ id, endToEndId: `E-${id}`, state, amount, payeeAccount: '6222020000000001' });

  it('marks a filed entry paid in full or in part, and never pays an entry an earlier notification settled', () => {
    const entries = [known('a', 'filed', '10.00'), known('b', 'filed', '10.00'), known('c', 'paid', '10.00')];
    const byId = new Map(entries.map((e) => [e.endToEndId, e]));
    const report = notificationReportOf(
      'N',
      'camt.054',
      'MSG',
      matchPayments([notified('E-a', '10.00'), notified('E-b', '9.99'), notified('E-c', '10.00'), notified('E-x', '1.00')], entries.map((e) => ({ endToEndId: e.endToEndId, amount: e.amount, payeeAccount: e.payeeAccount }))),
      byId,
    );
    expect(report.matched.map((m) => [m.entryId, m.amount])).toEqual([['a', '10.00']]);
    expect(report.partial.map((p) => [p.entryId, p.expected, p.notified, p.difference])).toEqual([['b', '10.00', '9.99', '-0.01']]);
    expect(report.unmatched.map((u) => [u.endToEndId, u.reason, u.entryId])).toEqual([
      ['E-c', 'entryAlreadySettled', 'c'],
      ['E-x', 'endToEndIdUnknown', null],
    ]);
  });

  it('confirms the payment a settlement cites by its bank reference, debited from the issuer\'s account, and never twice', () => {
    const cited = (issuer: string, state: KnownCitedSettlement['state'] = 'cited'): KnownCitedSettlement => ({ issuer, paymentReference: 'PAY-1', rootId: `R-${issuer}`, paidAmount: '100.00', state, payerAccount: issuer === 'I' ? '0200001234567890123' : '9999' });
    const debit = (amount: string, account = '0200001234567890123'): NotifiedPayment => ({ ...notified('NOTPROVIDED', amount), endToEndId: undefined, bankReference: 'PAY-1', account });
    const run = (payments: NotifiedPayment[], c: KnownCitedSettlement[]) => notificationReportOf('N', 'camt.054', null, matchPayments(payments, []), new Map(), c);
    // Two issuers cited PAY-1 (a reference is unique per payer): the one whose account was debited.
    expect(run([debit('100.00')], [cited('J'), cited('I')]).settlements).toEqual([{ rootId: 'R-I', paymentReference: 'PAY-1', state: 'confirmed', paidAmount: '100.00', notified: '100.00', difference: '0.00', source: 'test NOTPROVIDED' }]);
    expect(run([debit('99.50')], [cited('I')]).settlements.map((x) => [x.state, x.difference])).toEqual([['differs', '-0.50']]);
    expect(run([debit('100.00', '1111')], [cited('I')]).unmatched.map((u) => u.reason)).toEqual(['settlementPayerAccountDiffers']);
    expect(run([debit('100.00'), debit('100.00')], [cited('I')]).unmatched.map((u) => u.reason)).toEqual(['settlementAlreadyConfirmed']);
    expect(run([debit('100.00')], [cited('I', 'confirmed')]).unmatched.map((u) => u.reason)).toEqual(['settlementAlreadyConfirmed']);
    expect(run([{ ...debit('100.00'), creditDebit: 'CRDT' }], [cited('I')]).unmatched.map((u) => u.reason)).toEqual(['endToEndIdMissing']); // money in is not the issuer's payment
  });
});
