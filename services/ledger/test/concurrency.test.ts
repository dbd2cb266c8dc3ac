/**
 * No double spend, as a property over the real intake: random sets of conflicting commands on one
 * active voucher — splits, whole transfers and financing requests by its holder — are sent at the
 * same instant by several independent producers under random message keys (so they may land on
 * different partitions). Exactly one takes the voucher; every other is refused; the tree still
 * sums to the root.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCommand } from '@cascade/crypto';
import { createKafka, EventProducer, makeEnvelope } from '@cascade/events';
import { Amount } from '@cascade/money';
import { infra } from '@cascade/testing';
import { publishCatalog } from '../src/catalog.ts';
import { treeOf } from '../src/data-access/reads.ts';
import { TestLedger, type TestParty } from './support.ts';

let ledger: TestLedger;
let core: TestParty, holder: TestParty, others: TestParty[], funder: TestParty;
let payableId: string;
const producers: EventProducer[] = [];
const producerCount = 4;

beforeAll(async () => {
  ledger = await TestLedger.start();
  [core, holder, funder] = [await ledger.register(['core']), await ledger.register(['supplier']), await ledger.register(['funder'])];
  others = [await ledger.register(['supplier']), await ledger.register(['supplier'])];
  payableId = await ledger.confirmPayable(core, holder, '100000.00');
  const kafka = createKafka({ brokers: infra().kafkaBrokers, clientId: 'concurrency' });
  for (let i = 0; i < producerCount; i++) {
    const p = new EventProducer(kafka, publishCatalog());
    await p.connect();
    producers.push(p);
  }
});
afterAll(async () => {
  for (const p of producers) await p.disconnect();
  await ledger?.stop();
});

const conflict = fc.oneof(
  fc.record({ kind: fc.constant('split' as const), fen: fc.integer({ min: 1, max: 9_999 }), to: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ kind: fc.constant('whole' as const), to: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ kind: fc.constant('finance' as const) }),
);

describe('concurrent commands on one voucher', () => {
  it('exactly one consumes it, whatever the mix, producers and partitions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(conflict, { minLength: 2, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: producerCount - 1 }), { minLength: 8, maxLength: 8 }), async (commands, producerOf) => {
        const voucherId = randomUUID();
        await ledger.mustRun('voucher.issue', core, { voucherId, holder: holder.partyId, amount: '100.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '100.00' }] });
        await ledger.mustRun('voucher.accept', holder, { voucherId });
        const built = commands.map((c) => {
          if (c.kind === 'finance') return ledger.command('financing.request', holder, { voucherId, funder: funder.partyId, productId: 'P', maxAnnualRate: '0.2', maxFees: '1000.00' });
          const recipient = others[c.to]!.partyId;
          if (c.kind === 'whole') return ledger.command('voucher.transfer', holder, { voucherId, pieces: [{ childId: randomUUID(), recipient, amount: '100.00' }], remainder: null });
          const piece = Amount.fromFen(BigInt(c.fen)).toString();
          const rest = Amount.fromFen(10_000n - BigInt(c.fen)).toString();
          return ledger.command('voucher.transfer', holder, { voucherId, pieces: [{ childId: randomUUID(), recipient, amount: piece }], remainder: { childId: randomUUID(), amount: rest } });
        });
        // All at once, each from its producer, each under its own random key.
        await Promise.all(
          built.map((cmd, i) =>
            producers[producerOf[i]!]!.send([
              { topic: ledger.topics.ledgerCommands.name, envelope: makeEnvelope('test', { type: 'CommandSubmitted', key: randomUUID(), data: { command: cmd, signatures: [signCommand(cmd, holder.key)] } }) },
            ]),
          ),
        );
        const results = await Promise.all(built.map((cmd) => ledger.resultOf(`${cmd.actor}:${cmd.nonce}`)));
        const accepted = results.filter((r) => r.status === 'accepted');
        expect(accepted).toHaveLength(1);
        for (const r of results.filter((x) => x.status === 'refused')) expect(['voucherAlreadySplit', 'voucherNotActive']).toContain(r.problem?.code);
        const tree = await treeOf(ledger.pool, voucherId);
        const live = tree.filter((v) => !['consumed', 'rejected', 'revoked', 'cancelled'].includes(v.status));
        expect(Amount.sum(live.map((v) => Amount.parse(v.amount))).toString()).toBe('100.00');
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});
