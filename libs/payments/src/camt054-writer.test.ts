import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../test/xsd.ts';
import { buildCamt054Debits } from './camt054-writer.ts';
import { parseCamt054 } from './camt054.ts';

describe('buildCamt054Debits', () => {
  const xml = buildCamt054Debits({
    messageId: 'ICBC-N-1',
    account: '1001020309000012345',
    bookedOn: '2027-03-03',
    debits: [
      { endToEndId: 'S-1', amount: '700000.00', creditorAccount: '6222020200010000001', bankReference: 'ICBC-TX-1' },
      { amount: '0.10', creditorAccount: '6228480400020000002', bankReference: 'ICBC-TX-<2>' },
    ],
  });

  it('writes a notification valid against the camt.054.001.08 XSD', async () => {
    expect(await schemaErrors(xml, 'camt.054.001.08')).toEqual([]);
  });

  it('reads back, through the platform parser, as the debits it was given', () => {
    const n = parseCamt054(xml);
    expect(n.messageId).toBe('ICBC-N-1');
    expect(n.payments.map((p) => [p.endToEndId, p.amount, p.creditDebit, p.account, p.counterpartyAccount, p.bankReference, p.bookingDate, p.booked])).toEqual([
      ['S-1', '700000.00', 'DBIT', '1001020309000012345', '6222020200010000001', 'ICBC-TX-1', '2027-03-03', true],
      [undefined, '0.10', 'DBIT', '1001020309000012345', '6228480400020000002', 'ICBC-TX-<2>', '2027-03-03', true],
    ]);
  });

  it('refuses an amount that is not CNY to the cent', () => {
    expect(() => buildCamt054Debits({ messageId: 'M', account: 'A', bookedOn: '2027-03-03', debits: [{ amount: '1.001', creditorAccount: 'C', bankReference: 'R' }] })).toThrow();
  });
});
