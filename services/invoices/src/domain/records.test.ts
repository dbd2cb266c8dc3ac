/**
 * Trade records: each validation of DESIGN §3 and issue 8 refuses with its own code, and a valid
 * record comes out whole, with who recorded it and when.
 */
import { describe, expect, it } from 'vitest';
import { usccFromNumber } from '@cascade/ids';
import { decided, type RejectionCode } from './rejections.ts';
import { decideContract, decideDelivery, decideInvoice, decidePayment } from './records.ts';
import { World } from './test-support.ts';
import { invoiceIdentity } from './values.ts';

function scene() {
  const w = new World();
  const core = w.party(['core']);
  const supplier = w.party(['supplier']);
  const other = w.party(['supplier']);
  const regulator = w.party(['regulator']);
  const contract = w.contract(core, supplier);
  return { w, core, supplier, other, regulator, contract };
}

/** A valid code no party is registered under. */
const unknownUscc = usccFromNumber(99_999);
// A USCC whose check character is wrong: the last character of a valid code, changed.
const badCheck = (valid: string) => valid.slice(0, 17) + (valid[17] === 'A' ? 'B' : 'A');

describe('invoice identity', () => {
  it('reads the classic form (10- or 12-digit code, 8-digit number) and the 20-digit fully digital form', () => {
    expect(invoiceIdentity('3100231130', '00012345')).toEqual({ form: 'classic', code: '3100231130', number: '00012345', key: '3100231130-00012345' });
    expect(invoiceIdentity('031002300111', '00012345').key).toBe('031002300111-00012345');
    expect(invoiceIdentity('', '25312000000012345678')).toEqual({ form: 'digital', code: null, number: '25312000000012345678', key: '25312000000012345678' });
    expect(invoiceIdentity(null, '25312000000012345678').form).toBe('digital');
  });

  it.each([
    ['an 11-digit code', '31002311301', '00012345'],
    ['a 7-digit number under a code', '3100231130', '0001234'],
    ['a 20-digit number under a code', '3100231130', '25312000000012345678'],
    ['a 19-digit number without a code', '', '2531200000001234567'],
    ['letters in the number', '', '2531200000001234567X'],
  ])('refuses %s', (_name, code, number) => {
    const r = decided(() => invoiceIdentity(code, number));
    expect(r).toMatchObject({ ok: false, rejection: { code: 'invoiceNumberMalformed' } });
  });
});

describe('decideContract', () => {
  it('records a valid contract with its recorder and time', () => {
    const s = scene();
    const c = decideContract(s.w.contractInput(s.core, s.supplier), s.w.ctx(s.core), 'c-1');
    expect(c).toMatchObject({ contractId: 'c-1', buyer: s.core, seller: s.supplier, amount: '1000.00', recordedBy: s.core, recordedAt: s.w.now.toISOString() });
  });

  const cases: [string, RejectionCode, (s: ReturnType<typeof scene>) => { caller: string; over: Record<string, unknown> }][] = [
    ['an unregistered caller', 'callerUnknown', (s) => ({ caller: unknownUscc, over: { buyer: unknownUscc } })],
    ['a caller who is neither party', 'callerNotParty', (s) => ({ caller: s.other, over: {} })],
    ['a buyer USCC with a wrong check character', 'usccInvalid', (s) => ({ caller: s.supplier, over: { buyer: badCheck(s.core) } })],
    ['a buyer not on the ledger', 'partyUnknown', (s) => ({ caller: s.supplier, over: { buyer: unknownUscc } })],
    ['buyer and seller the same', 'partiesMustDiffer', (s) => ({ caller: s.supplier, over: { buyer: s.supplier } })],
    ['a zero amount', 'amountMustBePositive', () => ({ caller: '', over: { amount: '0.00' } })],
    ['a day that does not exist', 'dateMalformed', () => ({ caller: '', over: { signedOn: '2026-02-30' } })],
    ['a signing date after today', 'dateInTheFuture', () => ({ caller: '', over: { signedOn: '2026-03-03' } })],
    ['an end before the signing', 'validUntilBeforeSigning', () => ({ caller: '', over: { validUntil: '2026-01-04' } })],
    ['a quantity with four decimals', 'quantityMalformed', () => ({ caller: '', over: { lines: [{ item: 'x', quantity: '1.0001', unit: 't' }] } })],
    ['a zero quantity', 'quantityMalformed', () => ({ caller: '', over: { lines: [{ item: 'x', quantity: '0', unit: 't' }] } })],
  ];
  it.each(cases)('refuses %s (%s)', (_name, code, make) => {
    const s = scene();
    const { caller, over } = make(s);
    const r = decided(() => decideContract(s.w.contractInput(s.core, s.supplier, over), s.w.ctx(caller || s.supplier), 'c-x'));
    expect(r).toMatchObject({ ok: false, rejection: { code } });
  });
});

describe('decideInvoice', () => {
  it('registers a valid invoice in either form, unverified, with its key', () => {
    const s = scene();
    const classic = decideInvoice(s.w.invoiceInput(s.supplier, s.core, { contractId: s.contract.contractId }), s.w.ctx(s.supplier), 'i-1', s.contract);
    expect(classic).toMatchObject({ form: 'classic', invoiceKey: expect.stringMatching(/^3100231130-\d{8}$/), total: '1000.00', verification: 'unverified', recordedBy: s.supplier, contractId: s.contract.contractId });
    const digital = decideInvoice(s.w.invoiceInput(s.supplier, s.core, { code: null, number: '25312000000012345678' }), s.w.ctx(s.core), 'i-2', undefined);
    expect(digital).toMatchObject({ form: 'digital', invoiceKey: '25312000000012345678', recordedBy: s.core });
  });

  it('takes a zero tax (exempt goods) when the total equals the amount', () => {
    const s = scene();
    expect(decideInvoice(s.w.invoiceInput(s.supplier, s.core, { amountExclTax: '100.00', tax: '0.00', total: '100.00' }), s.w.ctx(s.supplier), 'i', undefined).total).toBe('100.00');
  });

  const cases: [string, RejectionCode, (s: ReturnType<typeof scene>) => { caller?: string; over: Record<string, unknown> }][] = [
    ['an unregistered caller', 'callerUnknown', () => ({ caller: unknownUscc, over: { seller: unknownUscc } })],
    ['a caller who is neither seller nor buyer', 'callerNotParty', (s) => ({ caller: s.other, over: {} })],
    ['a malformed number', 'invoiceNumberMalformed', () => ({ over: { number: '123' } })],
    ['a seller USCC with a wrong check character', 'usccInvalid', (s) => ({ caller: s.core, over: { seller: badCheck(s.supplier) } })],
    ['a buyer not on the ledger', 'partyUnknown', (s) => ({ over: { buyer: unknownUscc } })],
    ['seller and buyer the same', 'partiesMustDiffer', (s) => ({ over: { buyer: s.supplier } })],
    ['a zero amount', 'amountMustBePositive', () => ({ over: { amountExclTax: '0.00', tax: '0.00', total: '0.00' } })],
    ['a total one fen off the sum', 'totalMustEqualAmountPlusTax', () => ({ over: { total: '1000.01' } })],
    ['an issue date that does not exist', 'dateMalformed', () => ({ over: { issuedOn: '2026-13-01' } })],
    ['an issue date after today', 'dateInTheFuture', () => ({ over: { issuedOn: '2026-03-03' } })],
    ['an unknown contract', 'contractUnknown', () => ({ over: { contractId: '01950000-0000-7000-8000-00000000ffff' } })],
    ['a contract between other parties', 'contractNotBetweenParties', (s) => {
      const theirs = s.w.contract(s.core, s.other);
      return { caller: s.core, over: { contractId: theirs.contractId } };
    }],
  ];
  it.each(cases)('refuses %s (%s)', (_name, code, make) => {
    const s = scene();
    const { caller, over } = make(s);
    const input = s.w.invoiceInput(s.supplier, s.core, over);
    const contract = input.contractId ? s.w.contracts.get(input.contractId) : undefined;
    const r = decided(() => decideInvoice(input, s.w.ctx(caller ?? s.supplier), 'i-x', contract));
    expect(r).toMatchObject({ ok: false, rejection: { code } });
  });

  it('hides a contract the caller is not party to behind contractUnknown', () => {
    const s = scene();
    const theirs = s.w.contract(s.core, s.other);
    const r = decided(() => decideInvoice(s.w.invoiceInput(s.supplier, s.core, { contractId: theirs.contractId }), s.w.ctx(s.supplier), 'i', theirs));
    expect(r).toMatchObject({ ok: false, rejection: { code: 'contractUnknown' } });
  });
});

describe('decideDelivery', () => {
  it('records shipment and receipt under the contract, with the contract parties', () => {
    const s = scene();
    const d = decideDelivery(s.w.deliveryInput(s.contract), s.w.ctx(s.core), 'd-1', s.contract);
    expect(d).toMatchObject({ deliveryId: 'd-1', buyer: s.core, seller: s.supplier, shippedOn: '2026-01-20', receivedOn: '2026-01-22', receiver: 'Warehouse 3, Zhang Wei', recordedBy: s.core });
  });

  it('records a shipment not received yet without a receiver', () => {
    const s = scene();
    expect(decideDelivery(s.w.deliveryInput(s.contract, { receivedOn: null, receiver: 'ignored' }), s.w.ctx(s.supplier), 'd', s.contract)).toMatchObject({ receivedOn: null, receiver: null });
  });

  const cases: [string, RejectionCode, (s: ReturnType<typeof scene>) => { caller?: string; contract?: 'none' | 'theirs'; over: Record<string, unknown> }][] = [
    ['an unregistered caller', 'callerUnknown', () => ({ caller: unknownUscc, over: {} })],
    ['an unknown contract', 'contractUnknown', () => ({ contract: 'none', over: {} })],
    ['a contract the caller is not party to', 'contractUnknown', (s) => ({ caller: s.other, over: {} })],
    ['a shipping date that does not exist', 'dateMalformed', () => ({ over: { shippedOn: '2026-02-29' } })],
    ['a shipping date after today', 'dateInTheFuture', () => ({ over: { shippedOn: '2026-04-01', receivedOn: null } })],
    ['a shipment before the contract was signed', 'deliveryBeforeContract', () => ({ over: { shippedOn: '2026-01-04' } })],
    ['a receipt before the shipment', 'receiptBeforeShipment', () => ({ over: { receivedOn: '2026-01-19' } })],
    ['a malformed quantity', 'quantityMalformed', () => ({ over: { lines: [{ item: 'steel coil', quantity: '-1', unit: 't' }] } })],
    ['goods the contract does not list', 'deliveryLineNotInContract', () => ({ over: { lines: [{ item: 'copper', quantity: '1', unit: 't' }] } })],
    ['the right goods in another unit', 'deliveryLineNotInContract', () => ({ over: { lines: [{ item: 'steel coil', quantity: '1', unit: 'kg' }] } })],
  ];
  it.each(cases)('refuses %s (%s)', (_name, code, make) => {
    const s = scene();
    const { caller, contract, over } = make(s);
    const r = decided(() => decideDelivery(s.w.deliveryInput(s.contract, over), s.w.ctx(caller ?? s.supplier), 'd-x', contract === 'none' ? undefined : s.contract));
    expect(r).toMatchObject({ ok: false, rejection: { code } });
  });
});

describe('decidePayment', () => {
  it('records a payment of an invoice from its buyer to its seller', () => {
    const s = scene();
    const invoice = s.w.invoice(s.supplier, s.core);
    const p = decidePayment(s.w.paymentInput(s.core, s.supplier, { invoiceId: invoice.invoiceId }), s.w.ctx(s.core), 'p-1', invoice);
    expect(p).toMatchObject({ paymentId: 'p-1', payer: s.core, payee: s.supplier, amount: '500.00', invoiceId: invoice.invoiceId, recordedBy: s.core });
  });

  const cases: [string, RejectionCode, (s: ReturnType<typeof scene>) => { caller?: string; over: Record<string, unknown>; invoice?: 'mine' | 'reverse' | 'none' }][] = [
    ['an unregistered caller', 'callerUnknown', () => ({ caller: unknownUscc, over: { payer: unknownUscc } })],
    ['a caller who is neither payer nor payee', 'callerNotParty', (s) => ({ caller: s.other, over: {} })],
    ['a payee USCC with a wrong check character', 'usccInvalid', (s) => ({ over: { payee: badCheck(s.supplier) } })],
    ['a payee not on the ledger', 'partyUnknown', () => ({ over: { payee: unknownUscc } })],
    ['payer and payee the same', 'partiesMustDiffer', (s) => ({ over: { payee: s.core } })],
    ['a zero amount', 'amountMustBePositive', () => ({ over: { amount: '0.00' } })],
    ['a payment date that does not exist', 'dateMalformed', () => ({ over: { paidOn: '2026-04-31' } })],
    ['a payment date after today', 'dateInTheFuture', () => ({ over: { paidOn: '2026-03-03' } })],
    ['an unknown invoice', 'invoiceUnknown', () => ({ over: { invoiceId: '01950000-0000-7000-8000-00000000ffff' }, invoice: 'none' })],
    ['an invoice paid the wrong way round', 'invoiceNotBetweenParties', () => ({ over: {}, invoice: 'reverse' })],
    ['a payment before the invoice was issued', 'paymentBeforeInvoice', () => ({ over: { paidOn: '2026-01-31' }, invoice: 'mine' })],
  ];
  it.each(cases)('refuses %s (%s)', (_name, code, make) => {
    const s = scene();
    const { caller, over, invoice } = make(s);
    const inv = invoice === 'mine' ? s.w.invoice(s.supplier, s.core) : invoice === 'reverse' ? s.w.invoice(s.core, s.supplier) : undefined;
    const input = s.w.paymentInput(s.core, s.supplier, { ...(inv ? { invoiceId: inv.invoiceId } : {}), ...over });
    const r = decided(() => decidePayment(input, s.w.ctx(caller ?? s.core), 'p-x', inv));
    expect(r).toMatchObject({ ok: false, rejection: { code } });
  });
});
