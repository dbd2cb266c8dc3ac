/**
 * Bulk import of invoices from a CSV or JSON file, streamed: rows are read, checked and inserted a
 * chunk at a time, so a file of any size (a 1 GB file included) is never held in memory, and every
 * row gets an outcome — accepted, or refused with its reason and row number — handed to `onRow`
 * as soon as its chunk is decided (the caller streams the report on; the summary keeps counts).
 *
 * Modes: `valid-rows` commits each chunk's valid rows as it goes; `all-or-nothing` keeps one
 * transaction for the whole file and commits only if no row was refused (`summary.committed`).
 *
 * Each row is checked exactly as a single registration is (`decideInvoice`), and duplicates are
 * refused by the unique constraint on the invoice key — a repeat within one chunk by the importer
 * itself, a repeat of an earlier chunk or of an invoice registered before by the database — so no
 * set of keys grows with the file.
 *
 * CSV (RFC 4180, parsed by csv-parse): a header row naming the columns of `invoiceInputSchema`
 * (code, number, seller, buyer, amountExclTax, tax, total, issuedOn, documentHash, contractId);
 * empty cells of code and contractId mean none. JSON: one top-level array of such objects.
 */
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseCsv } from 'csv-parse';
import parseJsonStream from 'stream-json';
import streamArray from 'stream-json/streamers/stream-array.js';
import type { PoolClient } from '@cascade/db';
import { uuidv7 } from '@cascade/ids';
import { decideInvoice, decided, shanghaiDate, type Contract, type Invoice, type InvoiceInput, type Party } from '../domain/index.ts';
import { partiesByIds } from '../data-access/parties.ts';
import { contractsByIds, insertInvoicesSkippingDuplicates } from '../data-access/records.ts';
import { taxRecordsByKeys } from '../data-access/verification.ts';
import { invoiceInputSchema } from '../schemas.ts';
import { publish, type StoreDeps } from './deps.ts';
import { invoiceEvent, withKnownVerification } from './records.ts';

export type ImportFormat = 'csv' | 'json';
export type ImportMode = 'all-or-nothing' | 'valid-rows';
export const importFormats: readonly ImportFormat[] = ['csv', 'json'];
export const importModes: readonly ImportMode[] = ['all-or-nothing', 'valid-rows'];

/** Rows decided and inserted together (one statement, one transaction in valid-rows mode). */
export const importChunkRows = 1_000;
/** The largest row (a CSV record or a JSON array element) accepted, in bytes. */
export const importRowBytesMax = 64 * 1024;
/** Parties and contracts remembered between chunks; past this the caches start over. */
export const importCacheEntriesMax = 50_000;
/** Refused rows the summary lists (all are counted and all reach `onRow`). */
export const importRefusalsListedMax = 1_000;

export type RowOutcome =
  | { row: number; status: 'accepted'; invoiceId: string; invoiceKey: string }
  | { row: number; status: 'refused'; code: string; detail: string };

export interface ImportSummary {
  format: ImportFormat;
  mode: ImportMode;
  rows: number;
  accepted: number;
  refused: number;
  /** Whether the accepted rows are stored: always in valid-rows mode (up to an error), only with no refusal in all-or-nothing. */
  committed: boolean;
  /** Why the file could not be read to its end (malformed CSV or JSON), with where; rows before it are reported. */
  error: string | null;
  refusals: Extract<RowOutcome, { status: 'refused' }>[];
  refusalsTruncated: boolean;
  elapsedMs: number;
}

export interface ImportOptions {
  caller: string;
  format: ImportFormat;
  mode: ImportMode;
  input: Readable;
  onRow?: (outcome: RowOutcome) => void;
  /** Called after each chunk with the rows read so far. */
  onProgress?: (rows: number) => void;
}

const ajv = new Ajv2020({ allErrors: false, strict: false, coerceTypes: false });
const validateRow = ajv.compile(invoiceInputSchema);
const csvColumns = new Set(Object.keys(invoiceInputSchema.properties));

/** A file-level failure: the file cannot be read on (the rows before it keep their outcome). */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}

/** Items a stream holds before it is paused (backpressure for `inOrder`). */
const queuedItemsMax = 2_000;

/**
 * The items of an object stream, then its error if it fails: unlike `for await` over the stream
 * (which drops what was emitted but not yet read once an error arrives), every row the parser
 * produced before a malformed spot is yielded before the error is thrown. Listeners are attached
 * at once, so an error raised before the first read is not lost.
 */
function inOrder<T>(stream: Readable): AsyncIterable<T> {
  const queue: T[] = [];
  let failed: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('data', (item: T) => {
    queue.push(item);
    if (queue.length >= queuedItemsMax) stream.pause();
    poke();
  });
  stream.on('error', (error: Error) => {
    failed ??= error;
    poke();
  });
  stream.on('end', () => {
    ended = true;
    poke();
  });
  return {
    async *[Symbol.asyncIterator]() {
      let head = 0;
      try {
        for (;;) {
          if (head < queue.length) {
            const item = queue[head]!;
            head += 1;
            if (head > 1_000) {
              queue.splice(0, head);
              head = 0;
            }
            if (stream.isPaused() && queue.length - head < queuedItemsMax / 2) stream.resume();
            yield item;
            continue;
          }
          if (failed) throw failed;
          if (ended) return;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        stream.destroy();
      }
    },
  };
}

function csvRows(input: Readable): AsyncIterable<Record<string, string>> {
  const parser = parseCsv({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    max_record_size: importRowBytesMax,
    columns: (header: string[]) => {
      const unknown = header.filter((h) => !csvColumns.has(h));
      if (unknown.length > 0) throw new ImportFileError(`unknown CSV column ${unknown.map((u) => JSON.stringify(u.slice(0, 40))).join(', ')}; the columns are ${[...csvColumns].join(', ')}`);
      return header;
    },
  });
  input.on('error', (error) => parser.destroy(error));
  return inOrder(input.pipe(parser));
}

/**
 * Stops the JSON token stream when one array element grows past `importRowBytesMax` or nests
 * deeper than a row can: stream-json would otherwise assemble whatever an element holds.
 */
function jsonGuard(): Transform {
  let depth = 0;
  let bytes = 0;
  return new Transform({
    objectMode: true,
    transform(token: { name: string; value?: string }, _encoding, done) {
      if (token.name === 'startObject' || token.name === 'startArray') {
        depth += 1;
        if (depth === 1 && token.name !== 'startArray') return done(new ImportFileError('the JSON file must be one array of invoice objects'));
        if (depth === 2) bytes = 0;
        if (depth > 3) return done(new ImportFileError('a JSON row nests deeper than an invoice row can'));
      } else if (token.name === 'endObject' || token.name === 'endArray') {
        depth -= 1;
      } else if (token.name === 'stringChunk' || token.name === 'numberChunk') {
        bytes += token.value?.length ?? 0;
        if (bytes > importRowBytesMax) return done(new ImportFileError(`a JSON row is larger than ${importRowBytesMax} bytes`));
      }
      done(null, token);
    },
  });
}

function jsonRows(input: Readable): AsyncIterable<{ key: number; value: unknown }> {
  const parser = parseJsonStream();
  const guard = jsonGuard();
  const rows = streamArray.asStream();
  for (const [from, to] of [[input, parser], [parser, guard], [guard, rows]] as const) from.on('error', (error: Error) => to.destroy(error));
  input.pipe(parser).pipe(guard).pipe(rows);
  return inOrder(rows);
}

/** The file's rows, its parsers set up at once (see `inOrder`), read when iterated. */
function rowsOf(format: ImportFormat, input: Readable): AsyncIterable<unknown> {
  const source = format === 'csv' ? csvRows(input) : jsonRows(input);
  return (async function* () {
    // Only the parsers' errors arrive here (an error of the consumer's loop body closes the
    // generator instead): each is the file's fault, reported as such.
    try {
      for await (const item of source as AsyncIterable<unknown>) {
        if (format === 'json') {
          yield (item as { value: unknown }).value;
          continue;
        }
        // Empty optional cells mean "none"; every CSV cell is text, as the schema wants.
        const row: Record<string, string | null> = { ...(item as Record<string, string>) };
        for (const k of ['code', 'contractId']) if (row[k] === '') row[k] = null;
        yield row;
      }
    } catch (error) {
      if (error instanceof ImportFileError) throw error;
      throw new ImportFileError(`${format === 'csv' ? 'CSV' : 'JSON'}: ${(error as Error).message}`);
    }
  })();
}

class BoundedCache<V> {
  private readonly map = new Map<string, V | null>();
  get(key: string): V | null | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V | null): void {
    if (this.map.size >= importCacheEntriesMax) this.map.clear();
    this.map.set(key, value);
  }
}

interface Pending {
  row: number;
  value: unknown;
}

export async function importInvoices(deps: StoreDeps, options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const rows = rowsOf(options.format, options.input);
  const summary: ImportSummary = { format: options.format, mode: options.mode, rows: 0, accepted: 0, refused: 0, committed: false, error: null, refusals: [], refusalsTruncated: false, elapsedMs: 0 };
  const parties = new BoundedCache<Party>();
  const contracts = new BoundedCache<Contract>();
  const report = (o: RowOutcome) => {
    if (o.status === 'accepted') summary.accepted += 1;
    else {
      summary.refused += 1;
      if (summary.refusals.length < importRefusalsListedMax) summary.refusals.push(o);
      else summary.refusalsTruncated = true;
    }
    options.onRow?.(o);
  };

  const decideChunk = async (client: PoolClient, chunk: Pending[]): Promise<void> => {
    const now = deps.clock();
    const outcomes = new Map<number, RowOutcome>();
    const valid: { row: number; input: InvoiceInput }[] = [];
    for (const p of chunk) {
      if (validateRow(p.value)) valid.push({ row: p.row, input: p.value as InvoiceInput });
      else outcomes.set(p.row, { row: p.row, status: 'refused', code: 'validationFailed', detail: ajv.errorsText(validateRow.errors, { dataVar: 'row' }).slice(0, 500) });
    }
    // What the decisions read, fetched once per chunk.
    const partyIds = [...new Set(valid.flatMap((v) => [v.input.buyer, v.input.seller, options.caller]))].filter((id) => parties.get(id) === undefined);
    const foundParties = await partiesByIds(client, partyIds);
    for (const id of partyIds) parties.set(id, foundParties.get(id) ?? null);
    const contractIds = [...new Set(valid.flatMap((v) => (v.input.contractId ? [v.input.contractId] : [])))].filter((id) => contracts.get(id) === undefined);
    const foundContracts = await contractsByIds(client, contractIds);
    for (const id of contractIds) contracts.set(id, foundContracts.get(id) ?? null);

    const ctx = { caller: options.caller, now, today: shanghaiDate(now), party: (id: string) => parties.get(id) ?? undefined };
    const byKey = new Map<string, { row: number; invoice: Invoice }>();
    for (const v of valid) {
      const r = decided(() => decideInvoice(v.input, ctx, uuidv7(), v.input.contractId ? (contracts.get(v.input.contractId) ?? undefined) : undefined));
      if (!r.ok) {
        outcomes.set(v.row, { row: v.row, status: 'refused', code: r.rejection.code, detail: r.rejection.detail });
        continue;
      }
      const earlier = byKey.get(r.value.invoiceKey);
      if (earlier) {
        outcomes.set(v.row, { row: v.row, status: 'refused', code: 'invoiceAlreadyRegistered', detail: `invoice ${r.value.invoiceKey} repeats row ${earlier.row}` });
        continue;
      }
      byKey.set(r.value.invoiceKey, { row: v.row, invoice: r.value });
    }
    const known = await taxRecordsByKeys(client, [...byKey.keys()]);
    const invoices = [...byKey.values()].map((x) => ({ row: x.row, invoice: withKnownVerification(x.invoice, known.get(x.invoice.invoiceKey)) }));
    const inserted = await insertInvoicesSkippingDuplicates(client, invoices.map((x) => x.invoice));
    const stored: Invoice[] = [];
    for (const { row, invoice } of invoices) {
      if (inserted.has(invoice.invoiceKey)) {
        stored.push(invoice);
        outcomes.set(row, { row, status: 'accepted', invoiceId: invoice.invoiceId, invoiceKey: invoice.invoiceKey });
      } else {
        outcomes.set(row, { row, status: 'refused', code: 'invoiceAlreadyRegistered', detail: `invoice ${invoice.invoiceKey} is already registered` });
      }
    }
    await publish(deps, client, stored.map(invoiceEvent));
    for (const p of chunk) report(outcomes.get(p.row)!);
  };

  const client = await deps.pool.connect();
  let open = false;
  const begin = async () => {
    await client.query('BEGIN');
    open = true;
  };
  const end = async (commit: boolean) => {
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    open = false;
  };
  try {
    let chunk: Pending[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      if (options.mode === 'valid-rows') {
        await begin();
        await decideChunk(client, chunk);
        await end(true);
      } else {
        await decideChunk(client, chunk);
      }
      chunk = [];
      options.onProgress?.(summary.rows);
    };
    if (options.mode === 'all-or-nothing') await begin();
    try {
      for await (const value of rows) {
        summary.rows += 1;
        chunk.push({ row: summary.rows, value });
        if (chunk.length >= importChunkRows) await flush();
      }
    } catch (error) {
      // A file that stops being readable: the rows read before it are decided as usual (and,
      // in valid-rows mode, kept); the rest are unread, and the summary says where it stopped.
      if (!(error instanceof ImportFileError)) throw error;
      summary.error = `after row ${summary.rows}: ${error.message.slice(0, 300)}`;
    }
    await flush();
    if (options.mode === 'all-or-nothing') {
      summary.committed = summary.refused === 0 && summary.error === null && summary.rows > 0;
      await end(summary.committed);
    } else {
      summary.committed = summary.accepted > 0;
    }
  } catch (error) {
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}
