import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bankCsvColumns, parseBankCsv } from './bank-csv.ts';
import { matchPayments } from './matching.ts';

const header = bankCsvColumns.join(',');
const example = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../test/fixtures/bank-notification.csv'), 'utf8');

describe('parseBankCsv', () => {
  it('bank csv: the documented example reads into notified payments that match like camt.054 ones', () => {
    const { payments, errors } = parseBankCsv(example);
    expect(errors).toEqual([]);
    expect(payments[0]).toEqual({
      source: 'csv row 2',
      endToEndId: 'SETTLE-V1',
      amount: '100.00',
      currency: 'CNY',
      creditDebit: 'DBIT',
      bookingDate: '2026-12-04',
      account: '0200001234567890123',
      counterpartyAccount: '6222020000000001',
      bankReference: 'CCB-0001',
      reversal: false,
      booked: true,
    });
    expect(payments[2]?.amount).toBe('50.00');
    const report = matchPayments(payments, [
      { endToEndId: 'SETTLE-V1', amount: '100.00', payeeAccount: '6222020000000001' },
      { endToEndId: 'SETTLE-V2', amount: '200.00', payeeAccount: '6222020000000002' },
      { endToEndId: 'SETTLE-V3', amount: '0.30', payeeAccount: '6222020000000003' },
    ]);
    expect(report.matched.map((m) => m.notified.source)).toEqual(['csv row 2']);
    expect(report.partial.map((p) => [p.notified.source, p.difference])).toEqual([['csv row 3', '-0.01']]);
    expect(report.unmatched.map((u) => [u.notified.source, u.reason])).toEqual([['csv row 4', 'endToEndIdUnknown']]);
    expect(report.notPaid.map((e) => e.endToEndId)).toEqual(['SETTLE-V3']);
  });

  it('bank csv: bad rows are reported with their spreadsheet row numbers and every fault in column order, good rows are still read', () => {
    const text = [
      header,
      '2026-12-04,ACC1,DBIT,1.00,CNY,E1,R1,CP1,,,',
      '2026-13-04,ACC1,DEBIT,1.001,cny,E2,R2,CP1,,,maybe',
      '',
      '2026-12-04,ACC1,CRDT,2.00,CNY,E3,,CP1,,,',
      '2026-12-04,ACC1,CRDT,2.00',
      '"2026-12-05",ACC1,CRDT,"3.00",CNY,,R5,,"Name, with comma",,',
    ].join('\r\n');
    const { payments, errors } = parseBankCsv(text);
    expect(payments.map((p) => p.source)).toEqual(['csv row 2', 'csv row 7']);
    expect(payments[1]).toMatchObject({ endToEndId: undefined, amount: '3.00', bookingDate: '2026-12-05' });
    expect(errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, 'booking_date', 'dateMalformed'],
      [3, 'credit_debit', 'creditDebitMustBeCrdtOrDbit'],
      [3, 'amount', 'amountMalformed'],
      [3, 'currency', 'currencyMalformed'],
      [3, 'reversal', 'reversalMustBeTrueOrFalse'],
      [5, 'bank_reference', 'fieldIsRequired'],
      [6, undefined, 'rowMustHaveElevenColumns'],
    ]);
    expect(errors[0]?.message).toMatch(/^row 3 booking_date: /);
  });

  it('bank csv: row numbers are the lines rows start on, past blank lines and cells that span lines', () => {
    const text = `${header}\n\n2026-12-04,A,XXXX,1.00,CNY,E,R,,"two\nlines",,\n2026-12-04,A,DBIT,1.00,CNY,E2,,,,,\n`;
    expect(parseBankCsv(text).errors.map((e) => [e.row, e.code])).toEqual([
      [3, 'creditDebitMustBeCrdtOrDbit'],
      [5, 'fieldIsRequired'],
    ]);
  });

  it('bank csv: a header that is not the template is refused whole', () => {
    expect(() => parseBankCsv('date,amount\n2026-12-04,1.00\n')).toThrow(/^csvHeaderMustMatchTemplate:/);
  });

  it('bank csv: broken quoting is refused whole with the line it was found on', () => {
    expect(() => parseBankCsv(`${header}\n2026-12-04,"ACC,DBIT,1.00,CNY,E,R,,,,\n`)).toThrow(/^csvMustBeWellFormed:.*line/);
  });

  it('bank csv: a UTF-8 byte-order mark before the header is accepted', () => {
    expect(parseBankCsv(`\ufeff${example}`).payments).toHaveLength(3);
  });
});
