/**
 * A deployment's genesis fixes the chain's id, hash (SHA-256 or SM3) and block key: an SM3 chain
 * seals and verifies end to end, and a writer configured with another genesis refuses to start on
 * a database whose chain began elsewhere.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '@cascade/chain';
import { verifySignature } from '@cascade/crypto';
import { createLogger } from '@cascade/logging';
import { LedgerWriter } from '../src/application/writer.ts';
import { blockSigner } from '../src/config.ts';
import { PostgresLedgerStore, readBlockRecords, readBlocks } from '../src/data-access/store.ts';
import { writeDevGenesis } from '../src/dev-genesis.ts';
import { TestLedger } from './support.ts';

let ledger: TestLedger;
beforeAll(async () => {
  ledger = await TestLedger.start({ hashAlg: 'sm3' });
});
afterAll(() => ledger?.stop());

describe('genesis', () => {
  it('an SM3 chain seals SM3 blocks that verify', async () => {
    await ledger.register(['core']);
    await ledger.register(['supplier'], 'sm2');
    const blocks = await readBlocks(ledger.pool);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(new Set(blocks.map((b) => b.header.hashAlg))).toEqual(new Set(['sm3']));
    const key = Buffer.from(ledger.dev.genesis.ledgerKey.publicKey, 'hex');
    const problem = await verifyChain({
      chainId: ledger.dev.genesis.chainId,
      blocks,
      recordsOf: (b) => readBlockRecords(ledger.pool, b),
      checkSignature: (m, s) => verifySignature('ed25519', key, m, s.sig),
    });
    expect(problem).toBeNull();
  });

  it('a second writer on the same ledger waits for the writer lock and gives up, deciding nothing', async () => {
    const writer = new LedgerWriter({
      store: new PostgresLedgerStore(ledger.pool),
      genesis: ledger.dev.genesis,
      signBlock: blockSigner(ledger.dev.ledgerKey),
      verifyMany: async (items) => items.map(() => false),
      logger: createLogger({ service: 't', level: 'silent' }),
      writerLockWaitMs: 1_000,
    });
    await expect(writer.init()).rejects.toThrow(/another ledger writer holds the writer lock/);
    await expect(writer.processBatch([])).rejects.toThrow(/init\(\) was not called/);
  });

  it('a writer with another genesis refuses the database', async () => {
    const other = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-other-')), { chainId: ledger.dev.genesis.chainId, hashAlg: 'sm3' });
    const writer = new LedgerWriter({
      store: new PostgresLedgerStore(ledger.pool),
      genesis: other.genesis,
      signBlock: blockSigner(other.ledgerKey),
      verifyMany: async (items) => items.map(() => false),
      logger: createLogger({ service: 't', level: 'silent' }),
    });
    await expect(writer.init()).rejects.toThrow(/not the configured genesis/);
  });
});
