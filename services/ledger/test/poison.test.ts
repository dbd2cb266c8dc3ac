/**
 * No single input may stall the ledger. Each poison below went through Kafka's intake the way an
 * outside client sends it; each must end in a definite refused result (or a dead-letter entry),
 * and a good command sent right after it must get its result within seconds.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnvelope } from '@cascade/events';
import { uuidv7 } from '@cascade/ids';
import { TestLedger, type TestParty } from './support.ts';

const largest = '999999999999999.99';
const goodResultWithinMs = 15_000;

let ledger: TestLedger;
let core: TestParty, a: TestParty, b: TestParty;

beforeAll(async () => {
  ledger = await TestLedger.start();
  [core, a, b] = [await ledger.register(['core']), await ledger.register(['supplier']), await ledger.register(['supplier'])];
});
afterAll(() => ledger?.stop());

/** A good command whose result must arrive promptly after a poison. */
async function goodCommandStillAnswered(): Promise<void> {
  const key = (await import('@cascade/crypto')).generateKeyPair('ed25519').privateKey;
  const started = Date.now();
  const cmd = ledger.command('key.add', a, { key: { keyId: key.keyId, alg: 'ed25519', publicKey: (await import('@cascade/crypto')).exportPublicKey(key, 'hex') } });
  const result = await ledger.resultOf(await ledger.send(cmd, [a.key]));
  expect(result.status).toBe('accepted');
  expect(Date.now() - started).toBeLessThan(goodResultWithinMs);
}

async function activeVoucher(amount: string): Promise<string> {
  const payableId = await ledger.confirmPayable(core, a, amount);
  const voucherId = randomUUID();
  await ledger.mustRun('voucher.issue', core, { voucherId, holder: a.partyId, amount, maturityDate: '2026-06-30', backing: [{ payableId, amount }] });
  await ledger.mustRun('voucher.accept', a, { voucherId });
  return voucherId;
}

describe('poison commands cost only themselves', () => {
  it('refuses a transfer whose pieces add up past the largest amount, and goes on', async () => {
    const voucherId = await activeVoucher('100.00');
    const cmd = ledger.command('voucher.transfer', a, {
      voucherId,
      pieces: [
        { childId: randomUUID(), recipient: b.partyId, amount: largest },
        { childId: randomUUID(), recipient: b.partyId, amount: largest },
      ],
      remainder: null,
    });
    const result = await ledger.resultOf(await ledger.send(cmd, [a.key], voucherId));
    expect(result.status).toBe('refused');
    expect(result.problem?.code).toBe('childrenMustSumToParent');
    await goodCommandStillAnswered();
  });

  it('refuses an issue backed by two maximum-size payables, and goes on', async () => {
    const [p1, p2] = [await ledger.confirmPayable(core, a, largest), await ledger.confirmPayable(core, a, largest)];
    const cmd = ledger.command('voucher.issue', core, {
      voucherId: randomUUID(),
      holder: a.partyId,
      amount: '100.00',
      maturityDate: '2026-06-30',
      backing: [
        { payableId: p1, amount: largest },
        { payableId: p2, amount: largest },
      ],
    });
    const result = await ledger.resultOf(await ledger.send(cmd, [core.key], core.partyId));
    expect(result.status).toBe('refused');
    expect(result.problem?.code).toBe('backingMustSumToAmount');
    await goodCommandStillAnswered();
  });

  it('refuses a payable fact that cannot be canonicalised (a lone surrogate), and goes on', async () => {
    const payableId = `P-${uuidv7()}`;
    await ledger.producer.send([
      {
        topic: ledger.topics.invoicesEvents.name,
        envelope: makeEnvelope('invoices', { type: 'PayableConfirmed', key: core.partyId, data: { payableId, debtor: core.partyId, creditor: a.partyId, amount: '10.00', invoices: ['INV-\ud800'] } }),
      },
    ]);
    const result = await ledger.resultOf(`invoices-service:${payableId}`);
    expect(result.status).toBe('refused');
    expect(result.problem?.code).toBe('factNotCanonicalizable');
    expect((await ledger.pool.query('SELECT 1 FROM payables WHERE payable_id = $1', [payableId])).rowCount).toBe(0);
    await goodCommandStillAnswered();
  });
});
