/**
 * No event can outgrow an envelope: a settlement of a tree with 10,000 live leaves lists every
 * payout, which is several megabytes of JSON. It is published as parts within the envelope
 * limit, the submitter's result says its events are on ledger.events, nothing in the outbox is
 * over the limit, and the ledger goes on answering.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, envelopeSizeBytesMax } from '@cascade/events';
import { eventually, infra } from '@cascade/testing';
import { TestLedger, type TestParty } from './support.ts';

const piecesPerTransfer = 1_000;
const firstSplit = 10;
const leaves = firstSplit * piecesPerTransfer;

let ledger: TestLedger;
let core: TestParty, a: TestParty, b: TestParty, c: TestParty;

beforeAll(async () => {
  ledger = await TestLedger.start({ policy: { childrenPerTransferMax: piecesPerTransfer } });
  [core, a, b, c] = [await ledger.register(['core']), await ledger.register(['supplier']), await ledger.register(['supplier']), await ledger.register(['supplier'])];
});
afterAll(() => ledger?.stop());

describe('a settlement of a tree with 10,000 live leaves', () => {
  it('is published in parts within the envelope limit and the ledger goes on', { timeout: 240_000 }, async () => {
    const total = `${leaves}.00`;
    const payableId = await ledger.confirmPayable(core, a, total);
    const rootId = randomUUID();
    await ledger.mustRun('voucher.issue', core, { voucherId: rootId, holder: a.partyId, amount: total, maturityDate: '2026-06-30', backing: [{ payableId, amount: total }] });
    await ledger.mustRun('voucher.accept', a, { voucherId: rootId });
    const pieces = Array.from({ length: firstSplit }, () => ({ childId: randomUUID(), recipient: b.partyId, amount: `${piecesPerTransfer}.00` }));
    await ledger.mustRun('voucher.transfer', a, { voucherId: rootId, pieces, remainder: null });
    for (const p of pieces) await ledger.mustRun('voucher.accept', b, { voucherId: p.childId });
    for (const p of pieces) {
      const leafPieces = Array.from({ length: piecesPerTransfer }, () => ({ childId: randomUUID(), recipient: c.partyId, amount: '1.00' }));
      await ledger.mustRun('voucher.transfer', b, { voucherId: p.childId, pieces: leafPieces, remainder: null });
    }

    ledger.clock.advanceDays(120); // to the maturity date
    const settled = await ledger.mustRun('voucher.settle', core, { rootId, paymentReference: 'BANK-LARGE-1', paidAmount: total });
    expect(settled.eventsOmitted).toBe(true);

    const { rows } = await ledger.pool.query<{ n: number; largest: number }>('SELECT count(*)::int AS n, max(octet_length(envelope))::int AS largest FROM outbox');
    expect(rows[0]!.largest).toBeLessThanOrEqual(envelopeSizeBytesMax);

    // Every part reaches ledger.events, and together they list every payout once.
    const parts = await readSettledParts(rootId);
    const count = parts[0]!.part.count;
    expect(count).toBeGreaterThan(1);
    expect(parts.map((p) => p.part.index).sort((x, y) => x - y)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    const payouts = parts.flatMap((p) => p.payouts);
    expect(payouts).toHaveLength(leaves);
    expect(new Set(payouts.map((p) => p.voucherId)).size).toBe(leaves);
    // The leaves were offered to c and never accepted: at maturity their value is their sender's.
    expect(payouts.every((p) => p.holder === b.partyId && p.amount === '1.00')).toBe(true);

    // And the ledger goes on.
    const after = await ledger.run('voucher.settle', core, { rootId, paymentReference: 'BANK-LARGE-2', paidAmount: '1.00' });
    expect(after.problem?.code).toBe('treeAlreadySettled');
  });
});

interface SettledPart {
  rootId: string;
  part: { index: number; count: number };
  payouts: { voucherId: string; holder: string; amount: string }[];
}

async function readSettledParts(rootId: string): Promise<SettledPart[]> {
  const consumer = createKafka({ brokers: infra().kafkaBrokers, clientId: 'large-tree' }).consumer({ groupId: `large-${randomUUID()}`, maxBytesPerPartition: 4 * 1024 * 1024 });
  const found: SettledPart[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: ledger.topics.ledgerEvents.name, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const envelope = JSON.parse(message.value!.toString()) as { type: string; data: SettledPart };
        if (envelope.type === 'VoucherSettled' && envelope.data.rootId === rootId) found.push(envelope.data);
      },
    });
    await eventually(() => (found.length > 0 && found.length >= found[0]!.part.count ? true : undefined), 60_000, 'every part of VoucherSettled');
  } finally {
    await consumer.disconnect();
  }
  return found;
}
