/**
 * The CSV a bank without camt.054 can export (or an operator can fill in from the bank's
 * statement): one booked movement per row, the same facts camt.054 gives, read into the same
 * `NotifiedPayment` so `matchPayments` treats both alike. README.md documents the template.
 *
 * A bad row does not spoil the file: it is reported with its row number (the header is row 1,
 * as a spreadsheet shows it) and every problem found in it, and the good rows are still read.
 * A file whose header is not the template, or whose quoting is broken, is refused whole.
 */
import { parse } from 'csv-parse/sync';
import { PaymentFileError } from './errors.ts';
import { normaliseBankAmount } from './bank-amount.ts';
import type { CreditDebit, NotifiedPayment } from './matching.ts';
import { characterCount, checkIsoDate } from './text.ts';

/** The header, exactly, in this order. */
export const bankCsvColumns = [
  'booking_date',
  'account',
  'credit_debit',
  'amount',
  'currency',
  'end_to_end_id',
  'bank_reference',
  'counterparty_account',
  'counterparty_name',
  'remittance',
  'reversal',
] as const;
export type BankCsvColumn = (typeof bankCsvColumns)[number];

/** Largest CSV read, in bytes of UTF-8. */
export const bankCsvBytesMax = 16 * 1024 * 1024;
/** Most data rows read from one file. */
export const bankCsvRowsMax = 100_000;

/** Length limits of the free-text columns (their camt.054 counterparts' MaxNText); the others have formats. */
const freeTextLengthMax: Partial<Record<BankCsvColumn, number>> = {
  account: 34,
  end_to_end_id: 35,
  bank_reference: 35,
  counterparty_account: 34,
  counterparty_name: 140,
  remittance: 140,
};
const required: ReadonlySet<BankCsvColumn> = new Set(['booking_date', 'account', 'credit_debit', 'amount', 'currency', 'bank_reference']);

export type BankCsvRowErrorCode = 'rowMustHaveElevenColumns' | 'fieldIsRequired' | 'fieldTooLong' | 'dateMalformed' | 'amountMalformed' | 'creditDebitMustBeCrdtOrDbit' | 'currencyMalformed' | 'reversalMustBeTrueOrFalse';

export interface BankCsvRowError {
  /** The line the row starts on, the header being line 1: a spreadsheet's row number, blank lines included. */
  readonly row: number;
  /** The column at fault, when one is. */
  readonly column?: BankCsvColumn;
  readonly code: BankCsvRowErrorCode;
  readonly message: string;
}

export interface BankCsvImport {
  /** The good rows, in file order; each `source` is `csv row N`. */
  readonly payments: readonly NotifiedPayment[];
  /** Every problem in the bad rows, in file order; a bad row yields no payment. */
  readonly errors: readonly BankCsvRowError[];
}

/**
 * Reads a bank CSV in the template.
 * File-level rejections, in order: fileMustFitSizeLimit, csvMustBeWellFormed, csvHeaderMustMatchTemplate, csvMustFitRowLimit.
 */
export function parseBankCsv(text: string): BankCsvImport {
  if (Buffer.byteLength(text, 'utf8') > bankCsvBytesMax) throw new PaymentFileError('fileMustFitSizeLimit', `bank CSV is larger than ${bankCsvBytesMax} bytes`);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    throw new PaymentFileError('csvMustBeWellFormed', `bank CSV cannot be read: ${(error as Error).message}`);
  }
  const header = records[0]?.record;
  if (header === undefined || header.length !== bankCsvColumns.length || header.some((h, i) => h !== bankCsvColumns[i])) {
    throw new PaymentFileError('csvHeaderMustMatchTemplate', `bank CSV header must be exactly: ${bankCsvColumns.join(',')}`);
  }
  if (records.length - 1 > bankCsvRowsMax) throw new PaymentFileError('csvMustFitRowLimit', `bank CSV has ${records.length - 1} rows, at most ${bankCsvRowsMax}`);

  const payments: NotifiedPayment[] = [];
  const errors: BankCsvRowError[] = [];
  for (const { record, info } of records.slice(1)) {
    // csv-parse reports the line a record ends on; a quoted cell may span lines, so step back
    // over the line breaks inside the cells to the line the row starts on.
    const row = info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    const rowErrors: BankCsvRowError[] = [];
    if (record.length !== bankCsvColumns.length) {
      errors.push({ row, code: 'rowMustHaveElevenColumns', message: `row ${row} has ${record.length} columns, the template has ${bankCsvColumns.length}` });
      continue;
    }
    const field = Object.fromEntries(bankCsvColumns.map((c, j) => [c, record[j] ?? ''])) as Record<BankCsvColumn, string>;
    const fail = (column: BankCsvColumn, code: BankCsvRowErrorCode, message: string) => rowErrors.push({ row, column, code, message: `row ${row} ${column}: ${message}` });
    for (const c of bankCsvColumns) {
      if (field[c] === '' && required.has(c)) fail(c, 'fieldIsRequired', 'is empty');
      else if (characterCount(field[c]) > (freeTextLengthMax[c] ?? Number.POSITIVE_INFINITY)) fail(c, 'fieldTooLong', `has more than ${freeTextLengthMax[c]} characters`);
    }
    const failedColumns = new Set(rowErrors.map((e) => e.column));
    const check = (column: BankCsvColumn, code: BankCsvRowErrorCode, read: (v: string) => void) => {
      if (failedColumns.has(column) || field[column] === '') return;
      try {
        read(field[column]);
      } catch (error) {
        fail(column, code, (error as Error).message.replace(/^\w+: /, ''));
      }
    };
    let amount = '';
    check('booking_date', 'dateMalformed', (v) => checkIsoDate('booking_date', v));
    check('amount', 'amountMalformed', (v) => {
      amount = normaliseBankAmount('amount', v);
    });
    check('credit_debit', 'creditDebitMustBeCrdtOrDbit', (v) => {
      if (v !== 'CRDT' && v !== 'DBIT') throw new Error(`${JSON.stringify(v)} is neither CRDT nor DBIT`);
    });
    check('currency', 'currencyMalformed', (v) => {
      if (!/^[A-Z]{3}$/.test(v)) throw new Error(`${JSON.stringify(v)} is not an ISO 4217 code`);
    });
    check('reversal', 'reversalMustBeTrueOrFalse', (v) => {
      if (v !== 'true' && v !== 'false') throw new Error(`${JSON.stringify(v)} is neither true nor false`);
    });
    if (rowErrors.length > 0) {
      const order = (c: BankCsvColumn | undefined) => (c === undefined ? -1 : bankCsvColumns.indexOf(c));
      errors.push(...rowErrors.sort((a, b) => order(a.column) - order(b.column)));
      continue;
    }
    const optional = (v: string) => (v === '' ? undefined : v);
    payments.push({
      source: `csv row ${row}`,
      endToEndId: optional(field.end_to_end_id),
      amount,
      currency: field.currency,
      creditDebit: field.credit_debit as CreditDebit,
      bookingDate: field.booking_date,
      account: field.account,
      counterpartyAccount: optional(field.counterparty_account),
      bankReference: field.bank_reference,
      reversal: field.reversal === 'true',
      booked: true,
    });
  }
  return { payments, errors };
}
