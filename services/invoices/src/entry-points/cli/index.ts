/**
 * Operator commands of the invoices service, run against its database directly (DATABASE_URL),
 * the way `cascade ledger verify` reads the ledger's:
 *
 *   cascade invoices import-db <file> --as <partyId> [--format csv|json] [--mode all-or-nothing|valid-rows]
 *                           [--report FILE|-] [--json] [--database URL]
 *   cascade invoices verification-import <file> [--json] [--database URL]
 *
 * The import records the invoices as `--as` (a party to each: its seller or buyer), checked row by
 * row exactly as the HTTP API checks one registration; its events go to the service's outbox and
 * the running service's relay publishes them. Whoever holds DATABASE_URL can act as any party, so
 * these are the operator's tools; an enterprise imports through the gateway (the internal route
 * `POST /v1/invoice-imports`, `cascade invoices import`). A progress bar goes to stderr for files over 1 MiB on a terminal.
 *
 * Exit codes: 0 every row accepted (and committed), 1 a row refused, nothing committed or the file
 * unreadable, 2 a bad command line.
 */
import { createReadStream, createWriteStream, statSync, type WriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import cliProgress from 'cli-progress';
import { createPool, type Pool } from '@cascade/db';
import { prefixedTopics } from '@cascade/events';
import { createLogger } from '@cascade/logging';
import { EXIT_FAILURE, EXIT_OK, parseArgs, UsageError, type CliCommand, type CliIo } from '@cascade/sdk';
import { invoicesCatalog, type StoreDeps } from '../../application/deps.ts';
import { importFormats, importInvoices, importModes, type ImportFormat, type ImportMode, type RowOutcome } from '../../application/import.ts';
import { applyTaxRecords, fileSha256 } from '../../application/verification.ts';
import { FileTaxVerificationSource } from '../../data-access/tax-verification-file.ts';

/** Files larger than this get a progress bar (on a terminal). */
export const progressBarFileBytesMin = 1024 * 1024;

function databaseOf(flags: Record<string, string | true>): string {
  const url = typeof flags['database'] === 'string' ? flags['database'] : process.env.DATABASE_URL;
  if (!url) throw new UsageError('--database or DATABASE_URL is required');
  return url;
}

async function withDeps<T>(url: string, fn: (deps: StoreDeps) => Promise<T>): Promise<T> {
  const pool: Pool = createPool({ databaseUrl: url, schema: 'invoices', size: 2 });
  try {
    return await fn({
      pool,
      clock: () => new Date(),
      logger: createLogger({ service: 'invoices-cli', level: 'warn' }),
      eventsTopic: prefixedTopics(process.env.TOPIC_PREFIX ?? '').invoicesEvents.name,
      catalog: invoicesCatalog(),
    });
  } finally {
    await pool.end();
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export const invoicesImportCommand: CliCommand = {
  // `invoices import` is the enterprise's, through the gateway (the SDK's CLI); this one writes to
  // the database directly as any party, so it is named for what it is.
  path: ['invoices', 'import-db'],
  summary: '(operator) import invoices from a CSV or JSON file straight into the database, as --as, with a report',
  usage: '<file> --as <partyId> [--format csv|json] [--mode all-or-nothing|valid-rows] [--report FILE|-] [--json] [--database URL]',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { flags, positionals } = parseArgs(args, { as: { type: 'string' }, format: { type: 'string' }, mode: { type: 'string' }, report: { type: 'string' }, json: { type: 'boolean' }, database: { type: 'string' }, progress: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one file');
    const file = positionals[0]!;
    if (typeof flags['as'] !== 'string') throw new UsageError('--as <partyId> is required: the party recording the invoices');
    const format = (typeof flags['format'] === 'string' ? flags['format'] : file.toLowerCase().endsWith('.json') ? 'json' : 'csv') as ImportFormat;
    if (!importFormats.includes(format)) throw new UsageError(`--format must be ${importFormats.join(' or ')}`);
    const mode = (typeof flags['mode'] === 'string' ? flags['mode'] : 'all-or-nothing') as ImportMode;
    if (!importModes.includes(mode)) throw new UsageError(`--mode must be ${importModes.join(' or ')}`);
    const size = fileSize(file);
    const url = databaseOf(flags);

    const reportTo = typeof flags['report'] === 'string' ? flags['report'] : null;
    let reportStream: WriteStream | null = null;
    const writeRow: (o: RowOutcome) => void = reportTo === '-' ? (o) => io.out(JSON.stringify(o)) : reportTo ? (o) => void reportStream!.write(`${JSON.stringify(o)}\n`) : () => undefined;
    if (reportTo && reportTo !== '-') reportStream = createWriteStream(reportTo);

    const showBar = flags['progress'] === true || (size > progressBarFileBytesMin && process.stderr.isTTY === true);
    const bar = showBar ? new cliProgress.SingleBar({ stream: process.stderr, format: 'importing {bar} {percentage}% | {rows} rows | {value}/{total} bytes', noTTYOutput: flags['progress'] === true, etaBuffer: 50 }, cliProgress.Presets.shades_classic) : null;
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _e, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    const input = createReadStream(file);
    input.on('error', (error) => counter.destroy(error));
    input.pipe(counter);
    bar?.start(size, 0, { rows: 0 });
    try {
      const summary = await withDeps(url, (deps) => importInvoices(deps, { caller: flags['as'] as string, format, mode, input: counter, onRow: writeRow, onProgress: (rows) => bar?.update(bytes, { rows }) }));
      bar?.update(size, { rows: summary.rows });
      bar?.stop();
      if (flags['json']) io.out(JSON.stringify(summary));
      else {
        io.out(`${summary.rows} rows: ${summary.accepted} accepted, ${summary.refused} refused; ${summary.committed ? 'committed' : 'nothing committed'} (${mode}, ${summary.elapsedMs} ms)`);
        if (summary.error) io.out(`the file could not be read to its end ${summary.error}`);
        if (!reportTo) for (const r of summary.refusals) io.out(`row ${r.row}: ${r.code}: ${r.detail}`);
        if (summary.refusalsTruncated && !reportTo) io.out(`… more refused rows: use --report FILE for every row`);
      }
      return summary.refused === 0 && summary.error === null && summary.committed ? EXIT_OK : EXIT_FAILURE;
    } finally {
      bar?.stop();
      if (reportStream) await new Promise<void>((resolve) => reportStream!.end(resolve));
    }
  },
};

export const invoicesVerificationImportCommand: CliCommand = {
  path: ['invoices', 'verification-import'],
  summary: "apply a tax data provider's verification result file (cascade-tax-verification JSON Lines)",
  usage: '<file> [--json] [--database URL]',
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { flags, positionals } = parseArgs(args, { json: { type: 'boolean' }, database: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one file');
    const file = positionals[0]!;
    fileSize(file);
    const url = databaseOf(flags);
    const summary = await withDeps(url, async (deps) => applyTaxRecords(deps, new FileTaxVerificationSource(file), { sha256: await fileSha256(file) }));
    if (flags['json']) io.out(JSON.stringify(summary));
    else if (summary.alreadyApplied) io.out(`${summary.source} was applied before; nothing changed`);
    else {
      io.out(`${summary.source}: ${summary.records} records, ${summary.stored} newer than known, ${summary.changed} invoices changed status, ${summary.voidedAfterUse} voided after use, ${summary.refused} lines refused`);
      for (const r of summary.refusals) io.out(`line ${r.line}: ${r.reason}`);
    }
    return summary.refused === 0 ? EXIT_OK : EXIT_FAILURE;
  },
};

export const invoicesCliCommands: CliCommand[] = [invoicesImportCommand, invoicesVerificationImportCommand];
