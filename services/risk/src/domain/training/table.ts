/**
 * A labelled file as the trainer reads it: a CSV with a header row, parsed by csv-parse, and the
 * plan of what each column is — the target, a numeric or categorical feature, or a column set
 * aside (an identifier, a constant, one the user ignored) — found from the values alone.
 */
import { parse } from 'csv-parse/sync';
import { isMissing, toNumber } from '../scorecard.ts';

export interface Table {
  columns: string[];
  rows: string[][];
}

/** Largest file the trainer reads (bytes). */
export const csvBytesMax = 512 * 1024 * 1024;
export const tableRowsMax = 5_000_000;
export const tableColumnsMax = 2_000;

export class TableError extends Error {
  override readonly name = 'TableError';
}

/** Parses CSV text with a header row; every row must have the header's number of fields. */
export function parseCsv(text: string): Table {
  if (Buffer.byteLength(text) > csvBytesMax) throw new TableError(`the file is over ${csvBytesMax} bytes`);
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  } catch (error) {
    throw new TableError(`not a CSV file: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header || header.length === 0) throw new TableError('the file has no header row');
  if (header.length > tableColumnsMax) throw new TableError(`the file has ${header.length} columns, over ${tableColumnsMax}`);
  if (rows.length > tableRowsMax) throw new TableError(`the file has ${rows.length} rows, over ${tableRowsMax}`);
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '') throw new TableError('a header cell is empty');
    if (seen.has(name)) throw new TableError(`column ${name} appears twice in the header`);
    seen.add(name);
  }
  return { columns: header, rows };
}

export function columnValues(table: Table, name: string): string[] {
  const j = table.columns.indexOf(name);
  if (j < 0) throw new TableError(`the file has no column ${name}`);
  return table.rows.map((r) => r[j]!);
}

export type ColumnRole = 'target' | 'feature' | 'ignored' | 'identifier' | 'constant' | 'empty';

export interface ColumnPlan {
  name: string;
  role: ColumnRole;
  kind: 'numeric' | 'categorical';
  missing: number;
  distinct: number;
}

/**
 * What a column is. Numeric when every present value reads as a number, else categorical.
 * Identifier-like (set aside): a value on every row and no value twice, when the values are
 * words or whole numbers — a continuous measurement may also be unique per row and is kept.
 */
export function planColumn(name: string, values: readonly string[]): Omit<ColumnPlan, 'role'> & { role: Exclude<ColumnRole, 'target' | 'ignored'> } {
  let missing = 0;
  let numeric = true;
  let integral = true;
  const distinctValues = new Set<string>();
  for (const v of values) {
    if (isMissing(v)) {
      missing += 1;
      continue;
    }
    distinctValues.add(v);
    if (numeric) {
      const x = toNumber(v);
      if (x === null) numeric = false;
      else if (!Number.isInteger(x)) integral = false;
    }
  }
  const kind = numeric ? 'numeric' : 'categorical';
  const distinct = distinctValues.size;
  const base = { name, kind, missing, distinct } as const;
  if (distinct === 0) return { ...base, role: 'empty' };
  if (distinct === 1 && missing === 0) return { ...base, role: 'constant' };
  if (values.length > 1 && missing === 0 && distinct === values.length && (!numeric || integral)) return { ...base, role: 'identifier' };
  return { ...base, role: 'feature' };
}

export interface TargetEncoding {
  bad: string;
  good: string;
  /** 1 for a bad row, 0 for a good one, per kept row. */
  labels: Uint8Array;
  /** Indices of the rows whose target is present. */
  rows: number[];
  missing: number;
}

const badWords = ['1', 'bad', 'default', 'defaulted', 'yes', 'y', 'true', 't'];

/**
 * Reads a binary target in any two-valued encoding. The bad value is `bad` when given; else 1
 * of {0, 1}, 2 of {1, 2}, and bad / default / yes / true of a pair of words containing one.
 */
export function encodeTarget(values: readonly string[], bad?: string): TargetEncoding {
  const present: number[] = [];
  const distinct = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    if (isMissing(values[i]!)) continue;
    present.push(i);
    distinct.add(values[i]!);
    if (distinct.size > 2) throw new TableError(`the target has more than two values (${[...distinct].slice(0, 5).join(', ')} …): it must be binary`);
  }
  if (distinct.size < 2) throw new TableError(`the target has ${distinct.size} value(s): it needs two, a good and a bad one`);
  const [a, b] = [...distinct].sort();
  let badValue: string | undefined = bad;
  if (badValue !== undefined) {
    if (!distinct.has(badValue)) throw new TableError(`--bad ${badValue} is not a value of the target (${a}, ${b})`);
  } else if (a === '1' && b === '2') badValue = '2';
  else {
    const candidates = [a!, b!].filter((v) => badWords.includes(v.toLowerCase()));
    if (candidates.length === 1) badValue = candidates[0];
  }
  if (badValue === undefined) throw new TableError(`cannot tell which of ${a} and ${b} is bad: say it with --bad`);
  const good = a === badValue ? b! : a!;
  const labels = new Uint8Array(present.length);
  present.forEach((i, k) => (labels[k] = values[i] === badValue ? 1 : 0));
  return { bad: badValue, good, labels, rows: present, missing: values.length - present.length };
}
