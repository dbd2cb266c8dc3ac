/**
 * What the replay check costs: the writer rebuilds the state from the log at every start, and
 * `cascade ledger verify --replay` does the same with every signature checked again.
 *
 *   npx tsx bench/ledger/replay.ts [--operations 100000]
 *
 * Writes a log of signed operations straight through the writer (in this process, no Kafka:
 * only the log matters here) into a fresh database — registrations, payable facts, then
 * issue/accept/split/accept rounds over many roots — then times, each on its own: a replay that
 * trusts the signatures (the writer's start-up check), a writer's whole start (load + replay +
 * compare), and a replay that verifies every signature again. Prints operations/s for each.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { exportPublicKey, generateKeyPair, signCommand, VerifierPool, type PrivateKey } from '@cascade/crypto';
import { createPool, migrate } from '@cascade/db';
import { signFact } from '@cascade/events';
import { usccFromNumber } from '@cascade/ids';
import { createLogger } from '@cascade/logging';
import { blockSigner, ledgerMigrationsDir, LedgerWriter, PostgresLedgerStore, replayLog, writeDevGenesis } from '@cascade/ledger';
import { ensureLocalPostgres } from '@cascade/testing';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const operationsWanted = Math.min(flag('operations', 100_000), 1_000_000);
const batchSize = 1_000;
const say = (s: string) => process.stdout.write(`${s}\n`);
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')} ops/s`;

async function main(): Promise<void> {
  const adminUrl = await ensureLocalPostgres(say);
  const dbName = `bench_replay_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  try {
    await migrate({ databaseUrl: url.toString(), schema: 'ledger', dirs: [ledgerMigrationsDir] });
    const pool = createPool({ databaseUrl: url.toString(), schema: 'ledger' });
    const dev = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-replay-')), { chainId: 'bench-replay' });
    const logger = createLogger({ service: 'bench', level: 'silent' });
    const verifier = new VerifierPool({ workers: 2 });
    let clock = new Date('2026-03-02T02:00:00.000Z');
    const writerOf = (replayCheckOnStart: boolean) =>
      new LedgerWriter({ store: new PostgresLedgerStore(pool), genesis: dev.genesis, signBlock: blockSigner(dev.ledgerKey), verifyMany: (items) => verifier.verifyBatch(items), logger, clock: () => clock, replayCheckOnStart });
    const writer = writerOf(false);
    await writer.init();

    let nonce = 0;
    const submission = (type: string, actor: { partyId: string; key: PrivateKey }, payload: Record<string, unknown>) => {
      const command = { type, chain: dev.genesis.chainId, actor: actor.partyId, nonce: `n${++nonce}`, createdAt: clock.toISOString(), payload };
      return { kind: 'command' as const, submissionId: randomUUID(), command, signatures: [signCommand(command, actor.key)] };
    };
    const party = (n: number) => ({ partyId: usccFromNumber(90_000_000 + n), key: generateKeyPair('ed25519').privateKey });
    const operator = { partyId: dev.genesis.operator.partyId, key: dev.operatorKey };
    const cores = Array.from({ length: 10 }, (_, i) => party(i));
    const suppliers = Array.from({ length: 20 }, (_, i) => party(100 + i));
    let committed = 0;
    const run = async (subs: Parameters<typeof writer.processBatch>[0]) => {
      for (let i = 0; i < subs.length; i += batchSize) {
        const outcome = await writer.processBatch(subs.slice(i, i + batchSize));
        committed += outcome.committed;
        const refused = outcome.results.find((r) => r.status !== 'accepted');
        if (refused) throw new Error(`setup command refused: ${JSON.stringify(refused.problem)}`);
      }
    };
    const register = (p: { partyId: string; key: PrivateKey }, role: string) =>
      submission('party.register', operator, { partyId: p.partyId, uscc: p.partyId, name: p.partyId, roles: [role], publicKeys: [{ keyId: p.key.keyId, alg: 'ed25519', publicKey: exportPublicKey(p.key, 'hex') }] });
    await run([...cores.map((c) => register(c, 'core')), ...suppliers.map((s) => register(s, 'supplier'))]);
    await run(
      cores.map((c, i) => ({
        kind: 'fact' as const,
        submissionId: randomUUID(),
        fact: signFact(dev.genesis.chainId, 'PayableConfirmed', { payableId: `AP-${i}`, debtor: c.partyId, creditor: suppliers[i]!.partyId, amount: '900000000.00', invoices: [`INV-${i}`] }, dev.invoicesKey),
      })),
    );
    const started = performance.now();
    // Rounds of 4 operations per root: issue, accept, split to another supplier, accept the piece.
    while (committed < operationsWanted) {
      const roots = Array.from({ length: Math.min(2_500, Math.ceil((operationsWanted - committed) / 4)) }, (_, k) => ({ root: randomUUID(), piece: randomUUID(), rest: randomUUID(), core: k % cores.length }));
      await run(roots.map((r) => submission('voucher.issue', cores[r.core]!, { voucherId: r.root, holder: suppliers[r.core]!.partyId, amount: '100.00', maturityDate: '2026-06-30', backing: [{ payableId: `AP-${r.core}`, amount: '100.00' }] })));
      await run(roots.map((r) => submission('voucher.accept', suppliers[r.core]!, { voucherId: r.root })));
      await run(roots.map((r) => submission('voucher.transfer', suppliers[r.core]!, { voucherId: r.root, pieces: [{ childId: r.piece, recipient: suppliers[10 + r.core]!.partyId, amount: '30.00' }], remainder: { childId: r.rest, amount: '70.00' } })));
      await run(roots.map((r) => submission('voucher.accept', suppliers[10 + r.core]!, { voucherId: r.piece })));
      clock = new Date(clock.getTime() + 1000);
      process.stderr.write(`  … ${committed} operations written\n`);
    }
    await writer.close();
    say(`log: ${committed.toLocaleString('en-US')} operations written in ${((performance.now() - started) / 1000).toFixed(1)} s (through the writer, in process)`);

    const store = new PostgresLedgerStore(pool);
    let t = performance.now();
    const trusted = await replayLog(store, dev.genesis, { verifySignatures: false });
    const trustedMs = performance.now() - t;
    if (trusted.problem) throw new Error(`replay found a problem: ${trusted.problem.reason}`);
    say(`replay, signatures trusted (the writer's start-up check): ${trusted.operations.toLocaleString('en-US')} operations, ${trusted.blocks} blocks in ${(trustedMs / 1000).toFixed(2)} s — ${rate(trusted.operations, trustedMs)}`);

    t = performance.now();
    const starting = writerOf(true);
    await starting.init();
    const startMs = performance.now() - t;
    await starting.close();
    say(`writer start (load the state tables, replay, compare): ${(startMs / 1000).toFixed(2)} s`);

    t = performance.now();
    const verified = await replayLog(store, dev.genesis, { verifySignatures: true, verifyMany: (items) => verifier.verifyBatch(items) });
    const verifiedMs = performance.now() - t;
    if (verified.problem) throw new Error(`replay found a problem: ${verified.problem.reason}`);
    say(`replay, every signature verified again (verify --replay): ${(verifiedMs / 1000).toFixed(2)} s — ${rate(verified.operations, verifiedMs)}`);
    await verifier.close();
    await pool.end();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

await main();
