/**
 * The writer when a commit's outcome is unknown: PostgreSQL committed, but the answer was lost
 * (the connection broke on the way back). The batch fails, Kafka delivers it again, and the
 * writer must find what it committed — a stored result replayed, nothing applied twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair, signCommand } from '@cascade/crypto';
import { createLogger } from '@cascade/logging';
import { eventually } from '@cascade/testing';
import type { BatchPlan, Submission } from '../src/application/batch.ts';
import { replayLog } from '../src/application/replay.ts';
import { LedgerWriter } from '../src/application/writer.ts';
import { blockSigner } from '../src/config.ts';
import { PostgresLedgerStore } from '../src/data-access/store.ts';
import { TestLedger } from './support.ts';

let ledger: TestLedger;

beforeAll(async () => {
  ledger = await TestLedger.start({ withIntake: false });
  await ledger.writer.close(); // this file's writers take the ledger over
});
afterAll(() => ledger?.stop());

/** A store whose commits wait at a gate when one is set, and whose next commit fails when told. */
class GatedStore extends PostgresLedgerStore {
  gate: Promise<void> | null = null;
  failNext = false;
  override async commitPlan(plan: BatchPlan, now: Date): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('could not serialize access');
    }
    await super.commitPlan(plan, now);
  }
}

/** A store whose next commit goes through and then reports a failure, as a lost answer would. */
class LostAnswerStore extends PostgresLedgerStore {
  loseNext = false;
  override async commitPlan(plan: BatchPlan, now: Date): Promise<void> {
    await super.commitPlan(plan, now);
    if (this.loseNext) {
      this.loseNext = false;
      throw new Error('Connection terminated unexpectedly');
    }
  }
}

describe('a batch decided while the one before it commits', () => {
  it('commits after it, and when that commit fails, fails too and both are decided again in order', async () => {
    const store = new GatedStore(ledger.pool);
    const writer = new LedgerWriter({
      store,
      genesis: ledger.dev.genesis,
      signBlock: blockSigner(ledger.dev.ledgerKey),
      verifyMany: async (items) => items.map(() => true),
      logger: createLogger({ service: 't', level: 'silent' }),
      clock: () => ledger.clock.now,
    });
    await writer.init();
    try {
      const register = (n: number): Submission[] => {
        const key = generateKeyPair('ed25519').privateKey;
        const partyId = `pipelined-${n}-${randomUUID().slice(0, 8)}`;
        const command = ledger.command('party.register', ledger.operator, { partyId, uscc: null, name: partyId, roles: ['regulator'], publicKeys: [{ keyId: key.keyId, alg: 'ed25519', publicKey: exportPublicKey(key, 'hex') }] });
        return [{ kind: 'command', submissionId: randomUUID(), command, signatures: [signCommand(command, ledger.operator.key)] }];
      };
      const [a, b] = [register(1), register(2)];
      let open: () => void = () => undefined;
      store.gate = new Promise<void>((r) => (open = r));
      store.failNext = true;
      const first = await writer.decideBatch(a);
      const second = await writer.decideBatch(b); // decided on the first's effects, before it commits
      expect(second.outcome.blockHeight).toBe(first.outcome.blockHeight! + 1);
      open();
      store.gate = null;
      await expect(first.durable).rejects.toThrow(/could not serialize/);
      await expect(second.durable).rejects.toThrow(/recovering from a failed commit/);
      const count = async (batch: Submission[]) => (await ledger.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM operations WHERE nonce = $1', [(batch[0] as { command: { nonce: string } }).command.nonce])).rows[0]!.n;
      expect([await count(a), await count(b)]).toEqual([0, 0]);
      // Delivered again, in order: each commits once, the chain still links.
      const againA = await eventually(() => writer.processBatch(a), 10_000, 'the first batch decided again');
      const againB = await writer.processBatch(b);
      expect([againA.results[0]?.status, againB.results[0]?.status]).toEqual(['accepted', 'accepted']);
      expect([await count(a), await count(b)]).toEqual([1, 1]);
      expect((await replayLog(store, ledger.dev.genesis, { verifySignatures: true })).problem).toBeNull();
    } finally {
      await writer.close();
    }
  });
});

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
      // The writer reloads its state after the failure; Kafka would deliver the batch again.
      const again = await eventually(() => writer.processBatch(batch), 10_000, 'the batch decided again');
      expect(again.results[0]).toMatchObject({ status: 'accepted', replayed: true });
      expect(again.committed).toBe(0);
      const { rows } = await ledger.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM operations WHERE type = 'party.register' AND nonce = $1`, [command.nonce]);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await writer.close();
    }
  });
});
