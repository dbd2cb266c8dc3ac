import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../test/xsd.ts';
import { camt054Namespace, parseCamt054 } from './camt054.ts';
import { matchPayments, type ExpectedPayment } from './matching.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures');
const settlementXml = readFileSync(join(fixtures, 'camt054-settlement-debits.xml'), 'utf8');
const disbursementXml = readFileSync(join(fixtures, 'camt054-disbursement-credits.xml'), 'utf8');

const settlementExpected: ExpectedPayment[] = [
  { endToEndId: 'SETTLE-V1', amount: '100.00', payeeAccount: '6222020000000001' },
  { endToEndId: 'SETTLE-V2', amount: '200.00', payeeAccount: '6222020000000002' },
  { endToEndId: 'SETTLE-V3', amount: '0.30', payeeAccount: '6222020000000003' },
  { endToEndId: 'SETTLE-V4', amount: '10.00', payeeAccount: '6222020000000004' },
];

describe('camt.054 fixtures', () => {
  it.each([
    ['camt054-settlement-debits.xml', settlementXml],
    ['camt054-disbursement-credits.xml', disbursementXml],
  ])('camt054: fixture %s validates against the camt.054.001.08 XSD', async (_name, xml) => {
    expect(await schemaErrors(xml, 'camt.054.001.08')).toEqual([]);
  });

  it('camt054: the schema check itself catches an out-of-order element', async () => {
    const broken = settlementXml.replace('<EndToEndId>SETTLE-V2</EndToEndId>\n              <TxId>ICBC-TX-0002</TxId>', '<TxId>ICBC-TX-0002</TxId><EndToEndId>SETTLE-V2</EndToEndId>');
    expect(broken).not.toBe(settlementXml);
    expect((await schemaErrors(broken, 'camt.054.001.08')).join('\n')).toMatch(/EndToEndId.*not expected/);
  });
});

describe('parseCamt054', () => {
  it('camt054: extracts each transaction with amount, currency, indicator, booking date, account, end-to-end id and bank reference', () => {
    const n = parseCamt054(settlementXml);
    expect(n.messageId).toBe('ICBC-NTF-20261204-0001');
    expect(n.payments).toHaveLength(6);
    expect(n.payments[0]).toEqual({
      source: 'camt.054 ICBC-NTF-20261204-0001 notification 1 entry 1 tx 1',
      endToEndId: 'SETTLE-V1',
      amount: '100.00',
      currency: 'CNY',
      creditDebit: 'DBIT',
      bookingDate: '2026-12-04',
      account: '0200001234567890123',
      counterpartyAccount: '6222020000000001',
      bankReference: 'ICBC-TX-0001',
      reversal: false,
      booked: true,
    });
    // TxId stands in for a missing AcctSvcrRef; the entry's reference for a missing TxId.
    expect(n.payments[1]?.bankReference).toBe('ICBC-TX-0002');
    // Amount only on the entry, written "0.3"; booking date from DtTm.
    expect(n.payments[3]).toMatchObject({ endToEndId: 'SETTLE-V3', amount: '0.30', bookingDate: '2026-12-04', bankReference: 'ICBC-TX-0004' });
    expect(n.payments[4]).toMatchObject({ reversal: true, creditDebit: 'CRDT' });
    expect(n.payments[5]).toMatchObject({ booked: false, bookingDate: undefined });
  });

  it('camt054: settlement debits match, a short payment is partial with its difference, and unknown, reversed and pending entries stay unmatched', () => {
    const report = matchPayments(parseCamt054(settlementXml).payments, settlementExpected);
    expect(report.matched.map((m) => m.expected.endToEndId)).toEqual(['SETTLE-V1', 'SETTLE-V3']);
    expect(report.partial).toHaveLength(1);
    expect(report.partial[0]).toMatchObject({ expected: { endToEndId: 'SETTLE-V2', amount: '200.00' }, notified: { amount: '199.99' }, difference: '-0.01' });
    expect(report.unmatched.map((u) => [u.notified.endToEndId, u.reason])).toEqual([
      ['SETTLE-V9', 'endToEndIdUnknown'],
      ['SETTLE-V1', 'entryIsReversal'],
      ['SETTLE-V4', 'entryNotBooked'],
    ]);
    expect(report.notPaid.map((e) => e.endToEndId)).toEqual(['SETTLE-V4']);
  });

  it('camt054: a credit matches on the notified account, a wrong payee and a missing end-to-end id stay unmatched', () => {
    const expected: ExpectedPayment[] = [
      { endToEndId: 'DISB-F1', amount: '98765.43', payeeAccount: 'DE89 3704 0044 0532 0130 00' },
      { endToEndId: 'DISB-F2', amount: '1000.00', payeeAccount: '6222020000000077' },
    ];
    const n = parseCamt054(disbursementXml);
    expect(n.payments.map((p) => p.amount)).toEqual(['98765.43', '1000.00', '5.00']);
    const report = matchPayments(n.payments, expected);
    expect(report.matched.map((m) => [m.expected.endToEndId, m.notified.bankReference])).toEqual([['DISB-F1', 'BOC-TX-1']]);
    expect(report.partial).toEqual([]);
    expect(report.unmatched.map((u) => [u.notified.bankReference, u.reason])).toEqual([
      ['BOC-TX-2', 'payeeAccountDiffers'],
      ['BOC-TX-3', 'endToEndIdMissing'],
    ]);
    expect(report.notPaid.map((e) => e.endToEndId)).toEqual(['DISB-F2']);
  });

  it('camt054: a second notification for an already matched end-to-end id is never counted twice', () => {
    const payments = parseCamt054(settlementXml).payments;
    const first = payments[0]!;
    const report = matchPayments([first, { ...first, source: 'again', bankReference: 'DUP' }], settlementExpected);
    expect(report.matched).toHaveLength(1);
    expect(report.unmatched).toMatchObject([{ reason: 'expectedAlreadyNotified', notified: { bankReference: 'DUP' } }]);
  });

  it('camt054: a namespace-prefixed document (ns2:Document) reads the same', () => {
    const prefixed = settlementXml
      .replace('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">', '<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">')
      .replace(/<(\/?)(?!ns2:|\?|!)([A-Za-z])/g, '<$1ns2:$2');
    expect(prefixed).toContain('<ns2:Amt');
    expect(parseCamt054(prefixed).payments).toEqual(parseCamt054(settlementXml).payments);
  });

  it.each([
    ['not well-formed XML', '<Document><BkToCstmrDbtCdtNtfctn>', 'xmlMustBeWellFormed'],
    ['a DOCTYPE', `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Document xmlns="${camt054Namespace}"/>`, 'xmlMustBeWellFormed'],
    ['another message', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt/></Document>', 'documentMustBeCamt054v08'],
    ['an amount with fractions of a fen', settlementXml.replace('<Amt Ccy="CNY">100.00</Amt>', '<Amt Ccy="CNY">100.005</Amt>'), 'amountMustBeTwoDecimalCny'],
    ['a missing CdtDbtInd value', settlementXml.replace('<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>', '<CdtDbtInd>XXXX</CdtDbtInd>\n        <Sts>'), 'documentMustBeCamt054v08'],
  ])('camt054: %s is refused with its code', (_what, xml, code) => {
    expect(() => parseCamt054(xml)).toThrow(new RegExp(`^${code}:`));
  });
});
