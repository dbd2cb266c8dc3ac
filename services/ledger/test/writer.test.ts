/**
 * The writer when a commit's outcome is unknown: PostgreSQL committed, but the answer was lost
 * (the connection broke on the way back). The batch fails, Kafka delivers it again, and the
 * writer must find what it committed — a stored result replayed, nothing applied twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair, signCommand } from '@cascade/crypto';
import { createLogger } from '@cascade/logging';
import type { BatchPlan, Submission } from '../src/application/batch.ts';
import { LedgerWriter } from '../src/application/writer.ts';
import { blockSigner } from '../src/config.ts';
import { PostgresLedgerStore } from '../src/data-access/store.ts';
import type { MemoryLedgerState } from '../src/domain/state.ts';
import { TestLedger } from './support.ts';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await TestLedger.start({ withIntake: false });
  await ledger.writer.close(); // this file's writers take the ledger over
});
afterAll(() => ledger?.stop());

/** A store whose next commit goes through and then reports a failure, as a lost answer would. */
class LostAnswerStore extends PostgresLedgerStore {
  loseNext = false;
  override async commitPlan(plan: BatchPlan, state: MemoryLedgerState, now: Date): Promise<void> {
    await super.commitPlan(plan, state, now);
    if (this.loseNext) {
      this.loseNext = false;
      throw new Error('Connection terminated unexpectedly');
    }
  }
}

describe('a commit whose answer was lost', () => {
  it('is found again when its batch comes again: the result replayed, the command applied once', async () => {
    const store = new LostAnswerStore(ledger.pool);
    const writer = new LedgerWriter({
      store,
      genesis: ledger.dev.genesis,
      signBlock: blockSigner(ledger.dev.ledgerKey),
      verifyMany: async () => [true],
      logger: createLogger({ service: 't', level: 'silent' }),
      clock: () => ledger.clock.now,
    });
    await writer.init();
    try {
      const key = generateKeyPair('ed25519').privateKey;
      const partyId = '91350100M000100Y43';
      const command = ledger.command('party.register', ledger.operator, { partyId, uscc: partyId, name: 'lost answer', roles: ['supplier'], publicKeys: [{ keyId: key.keyId, alg: 'ed25519', publicKey: exportPublicKey(key, 'hex') }] });
      const batch: Submission[] = [{ kind: 'command', submissionId: randomUUID(), command, signatures: [signCommand(command, ledger.operator.key)] }];
      store.loseNext = true;
      await expect(writer.processBatch(batch)).rejects.toThrow(/Connection terminated/);
      const again = await writer.processBatch(batch);
      expect(again.results[0]).toMatchObject({ status: 'accepted', replayed: true });
      expect(again.committed).toBe(0);
      const { rows } = await ledger.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM operations WHERE type = 'party.register' AND nonce = $1`, [command.nonce]);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await writer.close();
    }
  });
});
