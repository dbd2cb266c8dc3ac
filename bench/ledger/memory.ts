/**
 * Memory per live voucher and the writer's start-up time at scale.
 *
 *   npx tsx --expose-gc bench/ledger/memory.ts [--vouchers 1000000] [--settled-percent 50] [--keep-closed]
 *
 * Writes a chain's genesis through the writer, then `--vouchers` live vouchers straight into the
 * state tables (one SQL statement per 50,000: 10 issuers' roots, each split into a child and a
 * remainder, as a busy ledger holds them; `--settled-percent` of the trees paid at maturity), and
 * starts a writer on the result — with closed trees kept out of memory (the default), or holding
 * every tree (`--keep-closed`; one per process, so neither measures the other's leftovers) —
 * timing the load and measuring the JS heap it holds (after a full GC). The start-up replay check is
 * off here: these rows come from a generator, not from a log (bench/ledger/replay.ts measures
 * the replay). Prints bytes per voucher held and the start-up time of each.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPool, migrate } from '@cascade/db';
import { createLogger } from '@cascade/logging';
import { blockSigner, ledgerMigrationsDir, LedgerWriter, PostgresLedgerStore, writeDevGenesis } from '@cascade/ledger';
import { ensureLocalPostgres } from '@cascade/testing';

const args = process.argv.slice(2);
const flagAt = args.indexOf('--vouchers');
const vouchers = Math.min(flagAt >= 0 ? Number(args[flagAt + 1]) : 1_000_000, 5_000_000);
const settledAt = args.indexOf('--settled-percent');
const settledPercent = Math.max(0, Math.min(100, settledAt >= 0 ? Number(args[settledAt + 1]) : 50));
const chunk = 50_000;
const say = (s: string) => process.stdout.write(`${s}\n`);
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc (npx tsx --expose-gc bench/ledger/memory.ts)');
  const adminUrl = await ensureLocalPostgres(say);
  const dbName = `bench_memory_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  try {
    await migrate({ databaseUrl: url.toString(), schema: 'ledger', dirs: [ledgerMigrationsDir] });
    const pool = createPool({ databaseUrl: url.toString(), schema: 'ledger', statementTimeoutMs: 600_000 });
    const dev = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-memory-')), { chainId: 'bench-memory' });
    const logger = createLogger({ service: 'bench', level: 'silent' });
    const writerOf = (evictClosedTrees = true) =>
      new LedgerWriter({ store: new PostgresLedgerStore(pool), genesis: dev.genesis, signBlock: blockSigner(dev.ledgerKey), verifyMany: async (i) => i.map(() => true), logger, replayCheckOnStart: false, evictClosedTrees });
    const first = writerOf();
    await first.init();
    await first.close();

    // Thirds of the vouchers: consumed roots, the pieces split off them, and the remainders.
    const t0 = performance.now();
    for (let from = 0; from < vouchers; from += chunk) {
      const n = Math.min(chunk, vouchers - from);
      await pool.query(
        `INSERT INTO vouchers (voucher_id, root_id, parent_id, issuer, holder, status, amount, maturity_date, created_seq, data)
         SELECT v.id, v.root, v.parent, v.issuer, v.holder, v.status, v.amount::numeric, '2027-06-30', 1, jsonb_build_object(
           'voucherId', v.id, 'rootId', v.root, 'parentId', v.parent, 'issuer', v.issuer, 'holder', v.holder, 'sender', v.issuer,
           'amount', v.amount, 'issueDate', '2026-12-01', 'maturityDate', '2027-06-30', 'tier', v.tier,
           'backing', CASE WHEN v.parent IS NULL THEN jsonb_build_array(jsonb_build_object('payableId', 'AP-' || (v.i % 10), 'amount', v.amount)) ELSE '[]'::jsonb END,
           'creditLineFunder', NULL, 'status', v.status, 'statusBeforeFreeze', NULL, 'frozenBy', NULL, 'freezeOrder', NULL,
           'acceptanceDeadline', NULL, 'financingRequest', NULL, 'financing', NULL,
           'outstanding', CASE WHEN v.status = 'settled' THEN '0.00' ELSE v.amount END, 'returnOf', NULL,
           'paymentReferences', CASE WHEN v.parent IS NULL AND v.paid THEN jsonb_build_array('PAY-' || v.root) ELSE '[]'::jsonb END,
           'createdAt', '2026-12-01T02:00:00.000Z')
         FROM (
           SELECT g AS i,
             md5('v' || g)::uuid AS id,
             md5('v' || (g - g % 3))::uuid AS root,
             CASE WHEN g % 3 = 0 THEN NULL ELSE md5('v' || (g - g % 3))::uuid END AS parent,
             '9135010000000000' || lpad((g % 10)::text, 2, '0') AS issuer,
             'S' || lpad((g % 1000)::text, 17, '0') AS holder,
             CASE WHEN g % 3 = 0 THEN 'consumed' WHEN (g / 3) % 100 < $3 THEN 'settled' ELSE 'active' END AS status,
             (g / 3) % 100 < $3 AS paid,
             CASE WHEN g % 3 = 0 THEN '1000.00' WHEN g % 3 = 1 THEN '300.00' ELSE '700.00' END AS amount,
             CASE WHEN g % 3 = 0 THEN 1 ELSE 2 END AS tier
           FROM generate_series($1::int, $2::int) g
         ) v`,
        [from, from + n - 1, settledPercent],
      );
      process.stderr.write(`  … ${from + n} vouchers written\n`);
    }
    say(`wrote ${vouchers.toLocaleString('en-US')} vouchers into PostgreSQL in ${((performance.now() - t0) / 1000).toFixed(1)} s (${settledPercent} % of the trees settled)`);

    for (const evict of [!args.includes('--keep-closed')]) {
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const writer = writerOf(evict);
      await writer.init();
      const startMs = performance.now() - started;
      gc();
      const heapAfter = process.memoryUsage().heapUsed;
      const rssAfter = process.memoryUsage().rss;
      const held = writer.currentState.vouchers.size;
      say(`${evict ? 'closed trees out of memory (default)' : 'every tree in memory'}: writer start ${(startMs / 1000).toFixed(1)} s, ${held.toLocaleString('en-US')} vouchers held`);
      say(`  JS heap held: ${((heapAfter - heapBefore) / 1e6).toFixed(0)} MB — ${Math.round((heapAfter - heapBefore) / Math.max(1, held))} bytes per voucher held (RSS grew ${((rssAfter - rssBefore) / 1e6).toFixed(0)} MB)`);
      await writer.close();
    }
    await pool.end();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

await main();
