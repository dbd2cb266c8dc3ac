/**
 * Bulk import on real PostgreSQL: CSV and JSON, both modes, a per-row report (accepted, or refused
 * with the reason and row number), duplicates within the file and against earlier registrations,
 * files that cannot be read to the end, the HTTP route streaming its body, and the CLI command.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importChunkRows, importInvoices, type RowOutcome } from '../src/application/import.ts';
import { invoicesImportCommand } from '../src/entry-points/cli/index.ts';
import { TestInvoices, type TestParty } from './support.ts';

let t: TestInvoices;
let core: TestParty, supplier: TestParty, other: TestParty;
const dir = mkdtempSync(path.join(os.tmpdir(), 'cascade-import-'));

beforeAll(async () => {
  t = await TestInvoices.start();
  [core, supplier, other] = [await t.party(['core']), await t.party(['supplier']), await t.party(['supplier'])];
});
afterAll(() => t?.stop());

const columns = ['code', 'number', 'seller', 'buyer', 'amountExclTax', 'tax', 'total', 'issuedOn', 'documentHash', 'contractId'] as const;
const csvOf = (rows: Record<string, unknown>[]) => [columns.join(','), ...rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))).join(','))].join('\n') + '\n';
const rowsOf = (n: number, over: (i: number) => Record<string, unknown> = () => ({})) => Array.from({ length: n }, (_, i) => ({ ...t.invoiceBody(supplier.partyId, core.partyId), ...over(i) }));

async function run(format: 'csv' | 'json', mode: 'all-or-nothing' | 'valid-rows', text: string) {
  const outcomes: RowOutcome[] = [];
  const summary = await importInvoices(t.deps, { caller: supplier.partyId, format, mode, input: Readable.from([Buffer.from(text)]), onRow: (o) => outcomes.push(o) });
  return { summary, outcomes };
}
const stored = async (keys: string[]) => (await t.pool.query('SELECT 1 FROM invoices WHERE invoice_key = ANY($1::text[])', [keys])).rowCount;
const keyOf = (r: { code?: unknown; number: unknown }) => (r.code ? `${r.code}-${r.number}` : String(r.number));

describe('import', () => {
  it('imports a CSV file in valid-rows mode: each row reported, the bad ones refused with reason and row number, the rest stored with events', async () => {
    const rows = rowsOf(5, (i) => (i === 1 ? { total: '1.00' } : i === 3 ? { seller: other.partyId } : {}));
    const { summary, outcomes } = await run('csv', 'valid-rows', csvOf(rows));
    expect(summary).toMatchObject({ rows: 5, accepted: 3, refused: 2, committed: true, error: null });
    expect(outcomes.map((o) => [o.row, o.status, o.status === 'refused' ? o.code : null])).toEqual([
      [1, 'accepted', null],
      [2, 'refused', 'totalMustEqualAmountPlusTax'],
      [3, 'accepted', null],
      [4, 'refused', 'callerNotParty'],
      [5, 'accepted', null],
    ]);
    expect(await stored(rows.map(keyOf))).toBe(3);
    const registered = (await t.outbox('InvoiceRegistered')).map((e) => e.envelope.data.invoiceKey);
    expect(registered).toEqual(expect.arrayContaining([keyOf(rows[0]!), keyOf(rows[2]!), keyOf(rows[4]!)]));
  });

  it('stores nothing in all-or-nothing mode when one row is refused, and everything when none is', async () => {
    const bad = rowsOf(4, (i) => (i === 2 ? { issuedOn: '2027-01-01' } : {}));
    const before = await t.counts();
    const r1 = await run('csv', 'all-or-nothing', csvOf(bad));
    expect(r1.summary).toMatchObject({ rows: 4, accepted: 3, refused: 1, committed: false });
    expect(r1.outcomes[2]).toMatchObject({ row: 3, status: 'refused', code: 'dateInTheFuture' });
    expect(await t.counts()).toEqual(before);
    const good = rowsOf(4);
    const r2 = await run('csv', 'all-or-nothing', csvOf(good));
    expect(r2.summary).toMatchObject({ rows: 4, accepted: 4, refused: 0, committed: true });
    expect(await stored(good.map(keyOf))).toBe(4);
  });

  it('imports a JSON array, in either invoice form, and refuses rows that do not match the schema', async () => {
    const rows: unknown[] = [...rowsOf(2), { ...rowsOf(1)[0], code: null, number: `2531200000${String(Date.now()).slice(-10)}` }, { ...rowsOf(1)[0], extra: 1 }, 'not an object'];
    const { summary, outcomes } = await run('json', 'valid-rows', JSON.stringify(rows));
    expect(summary).toMatchObject({ rows: 5, accepted: 3, refused: 2 });
    expect(outcomes.slice(3)).toMatchObject([{ row: 4, status: 'refused', code: 'validationFailed' }, { row: 5, status: 'refused', code: 'validationFailed' }]);
  });

  it('refuses a repeat within the file and one registered before, with the row it repeats', async () => {
    const [first] = rowsOf(1);
    await t.mustCall(supplier, 'POST', '/v1/invoices', first);
    const [twice] = rowsOf(1);
    // Across a chunk boundary too: the database, not a set in memory, catches the repeat.
    const filler = rowsOf(importChunkRows);
    const { summary, outcomes } = await run('csv', 'valid-rows', csvOf([first!, twice!, twice!, ...filler, twice!]));
    expect(summary).toMatchObject({ rows: importChunkRows + 4, accepted: importChunkRows + 1, refused: 3 });
    expect(outcomes[0]).toMatchObject({ row: 1, status: 'refused', code: 'invoiceAlreadyRegistered' });
    expect(outcomes[2]).toMatchObject({ row: 3, status: 'refused', code: 'invoiceAlreadyRegistered', detail: expect.stringContaining('repeats row 2') });
    expect(outcomes.at(-1)).toMatchObject({ row: importChunkRows + 4, status: 'refused', code: 'invoiceAlreadyRegistered' });
  });

  it('reports a file that cannot be read to its end, keeping the rows before it in valid-rows mode', async () => {
    const csv = await run('csv', 'valid-rows', csvOf(rowsOf(2)) + '"unterminated,quote\n');
    expect(csv.summary).toMatchObject({ rows: 2, accepted: 2, committed: true, error: expect.stringMatching(/^after row 2: CSV: /) });
    const header = await run('csv', 'valid-rows', 'number,seller,colour\n1,2,3\n');
    expect(header.summary.error).toMatch(/unknown CSV column "colour"/);
    const rows = rowsOf(1);
    const json = await run('json', 'all-or-nothing', JSON.stringify(rows).slice(0, -1) + ',{"number":');
    expect(json.summary).toMatchObject({ rows: 1, committed: false, error: expect.stringContaining('JSON') });
    expect(await stored(rows.map(keyOf))).toBe(0);
    const huge = await run('json', 'valid-rows', `[{"number":"${'9'.repeat(70_000)}"}]`);
    expect(huge.summary.error).toMatch(/larger than 65536 bytes/);
    const notArray = await run('json', 'valid-rows', '{"invoices":[]}');
    expect(notArray.summary.error).toMatch(/one array/);
  });
});

describe('import over HTTP', () => {
  it('streams a CSV body and answers the summary with the refused rows', async () => {
    const rows = rowsOf(3, (i) => (i === 0 ? { buyer: supplier.partyId } : {}));
    const res = await t.app.inject({ method: 'POST', url: '/v1/invoice-imports?format=csv&mode=valid-rows', headers: { ...t.headers(supplier.partyId), 'content-type': 'text/csv' }, payload: csvOf(rows) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ rows: 3, accepted: 2, refused: 1, committed: true, refusals: [{ row: 1, code: 'partiesMustDiffer' }] });
  });

  it('stops a body past the size limit', async () => {
    const small = await TestInvoices.start({ importBytesMax: 2_048 });
    try {
      const p = await small.party(['supplier']);
      const res = await small.app.inject({ method: 'POST', url: '/v1/invoice-imports?format=json&mode=all-or-nothing', headers: { ...small.headers(p.partyId), 'content-type': 'application/json' }, payload: JSON.stringify(rowsOf(30)) });
      expect(res.json()).toMatchObject({ committed: false, error: expect.stringContaining('larger than 2048 bytes') });
    } finally {
      await small.stop();
    }
  });
});

describe('cascade invoices import', () => {
  it('imports a file against DATABASE_URL, writes the per-row report and exits 1 when a row is refused', async () => {
    const rows = rowsOf(3, (i) => (i === 2 ? { amountExclTax: '0.00', tax: '0.00', total: '0.00' } : {}));
    const file = path.join(dir, 'invoices.csv');
    const report = path.join(dir, 'report.ndjson');
    writeFileSync(file, csvOf(rows));
    const out: string[] = [];
    const io = { out: (l: string) => void out.push(l), err: () => undefined };
    const code = await invoicesImportCommand.run([file, '--as', supplier.partyId, '--mode', 'valid-rows', '--report', report, '--database', t.db.url], io);
    expect(code).toBe(1);
    expect(out[0]).toMatch(/^3 rows: 2 accepted, 1 refused; committed \(valid-rows/);
    const lines = readFileSync(report, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status)).toEqual(['accepted', 'accepted', 'refused']);
    expect(lines[2]).toMatchObject({ row: 3, code: 'amountMustBePositive' });
    const ok = path.join(dir, 'ok.json');
    writeFileSync(ok, JSON.stringify(rowsOf(2)));
    expect(await invoicesImportCommand.run([ok, '--as', supplier.partyId, '--json', '--database', t.db.url], io)).toBe(0);
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ format: 'json', mode: 'all-or-nothing', accepted: 2, committed: true });
  });
});
