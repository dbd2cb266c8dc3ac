/**
 * The state tables are derived from the log, and the log alone proves them: `cascade ledger
 * verify --replay` rebuilds the state by deciding every operation again and compares it with
 * every block's state digest and every state row; the writer runs the same check at start and
 * refuses to decide against a state changed behind its back.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCommand } from '@cascade/crypto';
import { createLogger } from '@cascade/logging';
import { LedgerWriter } from '../src/application/writer.ts';
import { blockSigner } from '../src/config.ts';
import { PostgresLedgerStore } from '../src/data-access/store.ts';
import { TestLedger, type TestParty } from './support.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let ledger: TestLedger;
let core: TestParty, a: TestParty, b: TestParty, bank: TestParty;
let rootId: string, piece: string, payableId: string;

function verify(...flags: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'services/ledger/src/entry-points/cli/main.ts'), 'ledger', 'verify', ...flags], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: ledger.db.url, LEDGER_GENESIS_FILE: ledger.dev.genesisFile },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  ledger = await TestLedger.start();
  [core, a, b, bank] = [await ledger.register(['core']), await ledger.register(['supplier']), await ledger.register(['supplier']), await ledger.register(['funder'])];
  payableId = await ledger.confirmPayable(core, a, '1000.00');
  rootId = randomUUID();
  piece = randomUUID();
  await ledger.mustRun('creditLine.set', bank, { issuer: core.partyId, limit: '5000.00', termDays: 180 });
  await ledger.mustRun('voucher.issue', core, { voucherId: rootId, holder: a.partyId, amount: '1000.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '1000.00' }], creditLineFunder: bank.partyId });
  await ledger.mustRun('voucher.accept', a, { voucherId: rootId });
  await ledger.mustRun('voucher.transfer', a, { voucherId: rootId, pieces: [{ childId: piece, recipient: b.partyId, amount: '300.00' }], remainder: { childId: randomUUID(), amount: '700.00' } });
  await ledger.mustRun('voucher.accept', b, { voucherId: piece });
  await ledger.mustRun('policy.change', ledger.operator, { changes: { maturityMonthsMax: 3 } });
  await ledger.mustRun('financing.request', b, { voucherId: piece, funder: bank.partyId, productId: 'P-90', maxAnnualRate: '0.05', maxFees: '3.00' });
  await ledger.mustRun('financing.approve', bank, { voucherId: piece, annualRate: '0.04', fees: '3.00' });
});
afterAll(() => ledger?.stop());

/** Applies `tamper`, runs `check`, then puts everything back as it was. */
async function whileTampered<T>(tamper: string, undo: string, check: () => Promise<T> | T): Promise<T> {
  await ledger.pool.query(tamper);
  try {
    return await check();
  } finally {
    await ledger.pool.query(undo);
  }
}

describe('cascade ledger verify --replay', () => {
  it('rebuilds the intact state from the log alone, digests and rows agreeing', () => {
    const r = verify('--replay');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/replayed, every block's state digest and every state row as the log produces them/);
  });

  it.each([
    ['a voucher handed to another holder', `UPDATE vouchers SET data = jsonb_set(data, '{holder}', to_jsonb('X'::text)) WHERE voucher_id = '<piece>'`, `UPDATE vouchers SET data = jsonb_set(data, '{holder}', to_jsonb('<bank>'::text)) WHERE voucher_id = '<piece>'`, /voucher <piece> differs from what the log produces \(holder\)/],
    ['a payable remainder raised', `UPDATE payables SET data = jsonb_set(data, '{remaining}', '"1000.00"') WHERE payable_id = '<payable>'`, `UPDATE payables SET data = jsonb_set(data, '{remaining}', '"0.00"') WHERE payable_id = '<payable>'`, /payable <payable> differs from what the log produces \(remaining\)/],
    ['a balance moved', `UPDATE balances SET amount = amount + 1 WHERE account LIKE 'vouchers:%' AND amount > 0 AND account = (SELECT min(account) FROM balances WHERE account LIKE 'vouchers:%' AND amount > 0)`, `UPDATE balances SET amount = amount - 1 WHERE account = (SELECT min(account) FROM balances WHERE account LIKE 'vouchers:%' AND amount > 1)`, /balance vouchers:.* differs from what the log produces/],
    ['the policy loosened', `UPDATE policy SET data = jsonb_set(data, '{maturityMonthsMax}', '12')`, `UPDATE policy SET data = jsonb_set(data, '{maturityMonthsMax}', '3')`, /the policy row differs from the policy the log produces \(maturityMonthsMax\)/],
  ])('catches %s, which plain verify cannot see', async (_what, tamper, undo, message) => {
    const fill = (s: string) => s.replaceAll('<piece>', piece).replaceAll('<bank>', bank.partyId).replaceAll('<payable>', payableId);
    const pattern = new RegExp(fill(message.source));
    await whileTampered(fill(tamper), fill(undo), () => {
      expect(verify().code).toBe(0); // the hash chain is intact: only the derived state was changed
      const r = verify('--replay');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(pattern);
    });
    expect(verify('--replay').code).toBe(0);
  });
});

describe('the writer at start', () => {
  it('refuses to decide against a state row changed behind its back, and starts once it is put back', async () => {
    await ledger.writer.close(); // give up the writer lock; this test file's ledger decides nothing more
    const writer = () =>
      new LedgerWriter({
        store: new PostgresLedgerStore(ledger.pool),
        genesis: ledger.dev.genesis,
        signBlock: blockSigner(ledger.dev.ledgerKey),
        verifyMany: async (items) => items.map(() => true),
        logger: createLogger({ service: 't', level: 'silent' }),
        writerLockWaitMs: 5_000,
      });
    const tampered = writer();
    await whileTampered(
      `UPDATE payables SET data = jsonb_set(data, '{remaining}', '"1000.00"') WHERE payable_id = '${payableId}'`,
      `UPDATE payables SET data = jsonb_set(data, '{remaining}', '"0.00"') WHERE payable_id = '${payableId}'`,
      () => expect(tampered.init()).rejects.toThrow(new RegExp(`state does not match its log — payable ${payableId} differs from what the log produces \\(remaining\\); nothing was decided`)),
    );
    await tampered.close();
    const intact = writer();
    await expect(intact.init()).resolves.toBeUndefined();
    await intact.close();
  });

  it('and a replay finds the block where a ledger once decided against a tampered state', async () => {
    // A writer started without the check, on a payable whose remainder was raised behind its back,
    // accepts an issue the log's own state would refuse; the state was then "put back".
    const careless = new LedgerWriter({
      store: new PostgresLedgerStore(ledger.pool),
      genesis: ledger.dev.genesis,
      signBlock: blockSigner(ledger.dev.ledgerKey),
      verifyMany: async (items) => items.map(() => true),
      logger: createLogger({ service: 't', level: 'silent' }),
      clock: () => ledger.clock.now,
      replayCheckOnStart: false,
    });
    await ledger.pool.query(`UPDATE payables SET data = jsonb_set(data, '{remaining}', '"500.00"') WHERE payable_id = '${payableId}'`);
    await careless.init();
    const command = ledger.command('voucher.issue', core, { voucherId: randomUUID(), holder: a.partyId, amount: '500.00', maturityDate: '2026-05-30', backing: [{ payableId, amount: '500.00' }] });
    const outcome = await careless.processBatch([{ kind: 'command', submissionId: 'forged-state', command, signatures: [signCommand(command, core.key)] }]);
    expect(outcome.results[0]).toMatchObject({ status: 'accepted' });
    await careless.close();
    const r = verify('--replay');
    expect(verify().code).toBe(0); // every operation and block is exactly as the ledger signed it
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`replay: at height ${outcome.blockHeight}, operation seq ${outcome.results[0]!.seq}: operation seq \\d+ is not accepted when the log is replayed: payableRemainderExceeded`));
  });
});
