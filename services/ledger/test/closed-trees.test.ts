/**
 * Closed trees out of memory: once every voucher of a tree is settled or dead, the writer drops
 * the tree (its rows stay in PostgreSQL), and a later command that names one of its vouchers is
 * decided exactly as it would be with the whole state loaded — the tree is read back for it.
 * After a restart the writer loads the live trees only, and still knows the payment references
 * the closed trees cited.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCommand } from '@cascade/crypto';
import { createLogger } from '@cascade/logging';
import type { Submission } from '../src/application/batch.ts';
import { LedgerWriter } from '../src/application/writer.ts';
import { blockSigner } from '../src/config.ts';
import { PostgresLedgerStore } from '../src/data-access/store.ts';
import { VerifierPool } from '@cascade/crypto';
import { TestLedger, type TestParty } from './support.ts';

let ledger: TestLedger;
let core: TestParty, a: TestParty, b: TestParty;
const rootId = randomUUID();
const toB = randomUUID();
const keptByA = randomUUID();
const liveRoot = randomUUID();
const laterRoot = randomUUID();

beforeAll(async () => {
  ledger = await TestLedger.start();
  [core, a, b] = [await ledger.register(['core']), await ledger.register(['supplier']), await ledger.register(['supplier'])];
  for (const voucherId of [rootId, liveRoot, laterRoot]) {
    const payableId = await ledger.confirmPayable(core, a, '1000.00');
    await ledger.mustRun('voucher.issue', core, { voucherId, holder: a.partyId, amount: '1000.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '1000.00' }] });
    await ledger.mustRun('voucher.accept', a, { voucherId });
  }
  await ledger.mustRun('voucher.transfer', a, { voucherId: rootId, pieces: [{ childId: toB, recipient: b.partyId, amount: '300.00' }], remainder: { childId: keptByA, amount: '700.00' } });
  await ledger.mustRun('voucher.accept', b, { voucherId: toB });
  ledger.clock.advanceDays(120);
  await ledger.mustRun('voucher.settle', core, { rootId, paymentReference: 'PAY-CLOSED-1', paidAmount: '1000.00' });
});
afterAll(() => ledger?.stop());

const inMemory = (id: string) => ledger.writer.currentState.voucher(id) !== undefined;

describe('a settled tree', () => {
  it('leaves memory once the batch that closed it is committed; a live tree stays', async () => {
    // Trees are dropped when the next batch is decided: any command will do.
    await ledger.register(['supplier']);
    for (const id of [rootId, toB, keptByA]) expect(inMemory(id), id).toBe(false);
    expect(inMemory(liveRoot)).toBe(true);
    const { rows } = await ledger.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM vouchers WHERE root_id = $1', [rootId]);
    expect(rows[0]!.n).toBe(3); // the rows stay
  });

  it('is read back for a command that names one of its vouchers, and refused as precisely as before', async () => {
    const moved = await ledger.run('voucher.transfer', a, { voucherId: keptByA, pieces: [{ childId: randomUUID(), recipient: b.partyId, amount: '1.00' }], remainder: { childId: randomUUID(), amount: '699.00' } });
    expect(moved.problem).toMatchObject({ code: 'voucherNotActive' });
    expect(moved.problem?.detail).toContain('settled');
  });

  it('keeps its voucher ids taken', async () => {
    const payableId = await ledger.confirmPayable(core, a, '10.00');
    const reused = await ledger.run('voucher.issue', core, { voucherId: toB, holder: a.partyId, amount: '10.00', maturityDate: '2026-12-31', backing: [{ payableId, amount: '10.00' }] });
    expect(reused.problem).toMatchObject({ code: 'voucherIdTaken' });
  });

  it("keeps its payment reference used for the issuer's other trees", async () => {
    const again = await ledger.run('voucher.settle', core, { rootId: liveRoot, paymentReference: 'PAY-CLOSED-1', paidAmount: '1000.00' });
    expect(again.problem).toMatchObject({ code: 'paymentReferenceAlreadyUsed' });
  });

  it('is joined by a live tree once that is paid', async () => {
    expect(inMemory(laterRoot)).toBe(true);
    await ledger.mustRun('voucher.settle', core, { rootId: laterRoot, paymentReference: 'PAY-LATER-1', paidAmount: '1000.00' });
    await ledger.register(['supplier']);
    expect(inMemory(laterRoot)).toBe(false);
  });
});

describe('a writer started on a ledger with closed trees', () => {
  it.each([
    ['with the replay check (all rows loaded, then the closed trees dropped)', true],
    ['without it (live trees loaded only)', false],
  ])('%s holds the live trees only and decides on the closed ones as before', async (_name, replayCheckOnStart) => {
    await ledger.writer.close();
    const verifier = new VerifierPool({ workers: 1 });
    const writer = new LedgerWriter({
      store: new PostgresLedgerStore(ledger.pool),
      genesis: ledger.dev.genesis,
      signBlock: blockSigner(ledger.dev.ledgerKey),
      verifyMany: (items) => verifier.verifyBatch(items),
      logger: createLogger({ service: 't', level: 'silent' }),
      clock: () => ledger.clock.now,
      replayCheckOnStart,
    });
    try {
      await writer.init();
      expect(writer.currentState.voucher(rootId)).toBeUndefined();
      expect(writer.currentState.voucher(keptByA)).toBeUndefined();
      expect(writer.currentState.voucher(liveRoot)?.status).toBe('active');
      const submit = (command: ReturnType<typeof ledger.command>, party: TestParty): Submission[] => [{ kind: 'command', submissionId: randomUUID(), command, signatures: [signCommand(command, party.key)] }];
      const reuse = await writer.processBatch(submit(ledger.command('voucher.settle', core, { rootId: liveRoot, paymentReference: 'PAY-CLOSED-1', paidAmount: '1000.00' }), core));
      expect(reuse.results[0]?.problem).toMatchObject({ code: 'paymentReferenceAlreadyUsed' });
      const settleClosed = await writer.processBatch(submit(ledger.command('voucher.settle', core, { rootId, paymentReference: 'PAY-CLOSED-2', paidAmount: '1.00' }), core));
      const { problem } = settleClosed.results[0]!;
      expect(problem?.code).not.toBe('unknownVoucher');
      expect(problem?.code).toBeDefined();
    } finally {
      await writer.close();
      await verifier.close();
    }
  });
});
