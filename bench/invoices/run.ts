/**
 * Invoice import throughput and memory.
 *
 *   npm run bench:invoices -- [--rows 100000] [--format csv|json] [--mode valid-rows|all-or-nothing] [--keep]
 *
 * Uses this machine's PostgreSQL (started or installed as the tests do), makes a fresh database
 * with the invoices schema, puts one core enterprise and 1,000 suppliers in the service's party
 * view (as its consumer of ledger.events would), writes a file of `--rows` distinct invoice rows
 * (the core enterprise is the buyer of every row and imports the file) and imports it through the
 * same module the CLI and the HTTP route use: streamed, each row checked as a single registration
 * is, inserted a chunk at a time with its InvoiceRegistered event in the outbox (the relay is not
 * running: publishing to Kafka is not part of the figure).
 *
 * Prints rows/s, the file size, and the process's peak resident set and heap while importing,
 * sampled every 20 ms — the figures of docs/performance.md. Not a test: nothing is asserted.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPool, migrate } from '@cascade/db';
import { usccFromNumber } from '@cascade/ids';
import { createLogger } from '@cascade/logging';
import { ensureLocalPostgres } from '@cascade/testing';
import { invoicesCatalog } from '../../services/invoices/src/application/deps.ts';
import { importInvoices, type ImportFormat, type ImportMode } from '../../services/invoices/src/application/import.ts';
import { recordParty } from '../../services/invoices/src/data-access/parties.ts';
import { shanghaiDate } from '../../services/invoices/src/domain/index.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const rowsMax = 10_000_000;
const rows = Math.min(Number(flag('rows') ?? 100_000), rowsMax);
const format = (flag('format') ?? 'csv') as ImportFormat;
const mode = (flag('mode') ?? 'valid-rows') as ImportMode;
const keep = args.includes('--keep');
const suppliersCount = 1_000;
const memorySampleMs = 20;

function say(s: string): void {
  process.stdout.write(`${s}\n`);
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function writeFile(file: string, buyer: string, sellers: string[], issuedOn: string): Promise<void> {
  const out = createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const hash = 'ab'.repeat(32);
  const row = (i: number) => ({ code: '3100231130', number: String(i).padStart(8, '0'), seller: sellers[i % sellers.length]!, buyer, amountExclTax: '884.96', tax: '115.04', total: '1000.00', issuedOn, documentHash: hash });
  if (format === 'csv') {
    await write('code,number,seller,buyer,amountExclTax,tax,total,issuedOn,documentHash,contractId\n');
    for (let i = 0; i < rows; i++) {
      const r = row(i);
      await write(`${r.code},${r.number},${r.seller},${r.buyer},${r.amountExclTax},${r.tax},${r.total},${r.issuedOn},${r.documentHash},\n`);
    }
  } else {
    await write('[');
    for (let i = 0; i < rows; i++) await write(`${i === 0 ? '' : ','}\n${JSON.stringify(row(i))}`);
    await write('\n]\n');
  }
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  say(`Cascade invoice import benchmark — ${os.cpus().length} cores, ${rows} rows, ${format}, ${mode}`);
  const adminUrl = await ensureLocalPostgres(say);
  const dbName = `bench_invoices_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cascade-bench-invoices-'));
  const pool = createPool({ databaseUrl: dbUrl.toString(), schema: 'invoices', size: 4 });
  try {
    await migrate({ databaseUrl: dbUrl.toString(), schema: 'invoices', dirs: [fileURLToPath(new URL('../../services/invoices/migrations', import.meta.url))] });
    const at = new Date().toISOString();
    const core = usccFromNumber(20_000_000);
    const sellers = Array.from({ length: suppliersCount }, (_, i) => usccFromNumber(20_000_001 + i));
    await recordParty(pool, { partyId: core, uscc: core, name: 'core', roles: ['core'], keys: [], at });
    for (const s of sellers) await recordParty(pool, { partyId: s, uscc: s, name: s, roles: ['supplier'], keys: [], at });

    const file = path.join(dir, `invoices.${format}`);
    const issuedOn = shanghaiDate(new Date(Date.now() - 86_400_000));
    const writeStarted = performance.now();
    await writeFile(file, core, sellers, issuedOn);
    const size = statSync(file).size;
    say(`file: ${mb(size)} written in ${((performance.now() - writeStarted) / 1000).toFixed(1)} s`);

    global.gc?.();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, memorySampleMs);
    const deps = { pool, clock: () => new Date(), logger: createLogger({ service: 'bench', level: 'warn' }), eventsTopic: 'invoices.events', catalog: invoicesCatalog() };
    const started = performance.now();
    const summary = await importInvoices(deps, { caller: core, format, mode, input: createReadStream(file) });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);

    const outbox = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;
    say(`imported: ${summary.accepted} accepted, ${summary.refused} refused of ${summary.rows} rows; committed ${summary.committed}${summary.error ? `; error ${summary.error}` : ''}; ${outbox} outbox events`);
    say(`time: ${seconds.toFixed(2)} s → ${Math.round(summary.rows / seconds)} rows/s (${mb(size / seconds)}/s)`);
    say(`memory: peak RSS ${mb(peakRss)} (${mb(peakRss - base.rss)} above the ${mb(base.rss)} before the import), peak heap used ${mb(peakHeap)} (before: ${mb(base.heapUsed)})`);
  } finally {
    await pool.end();
    if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    else say(`kept database ${dbName}`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
