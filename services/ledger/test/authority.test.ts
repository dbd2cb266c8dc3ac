/**
 * Refusals at the intake, end to end: who signs, with what key, and replays. Each refusal is a
 * problem+json result on ledger.results, and the ledger's state is exactly as before.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, signCommand } from '@cascade/crypto';
import { exportPublicKey } from '@cascade/crypto';
import { makeEnvelope, signFact } from '@cascade/events';
import { TestLedger, type TestParty } from './support.ts';

let ledger: TestLedger;
let core: TestParty, a: TestParty, b: TestParty;
let payableId: string;

beforeAll(async () => {
  ledger = await TestLedger.start();
  [core, a, b] = [await ledger.register(['core']), await ledger.register(['supplier']), await ledger.register(['supplier'])];
  payableId = await ledger.confirmPayable(core, a, '500.00');
});
afterAll(() => ledger?.stop());

function issue(voucherId = randomUUID()) {
  return ledger.command('voucher.issue', core, { voucherId, holder: a.partyId, amount: '100.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '100.00' }] });
}

async function refusedWithoutChange(send: () => Promise<string>, code: string): Promise<void> {
  const before = await ledger.snapshot();
  const result = await ledger.resultOf(await send());
  expect(result.status).toBe('refused');
  expect(result.problem).toMatchObject({ code, type: `urn:cascade:problem:${code.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}` });
  expect(await ledger.snapshot()).toEqual(before);
}

describe('authority and replay at the intake', () => {
  it('refuses a command signed by another party than its actor', async () => {
    await refusedWithoutChange(() => ledger.send(issue(), [a.key]), 'signerKeyNotOfActor');
  });

  it('refuses a key the ledger never registered', async () => {
    await refusedWithoutChange(() => ledger.send(issue(), [generateKeyPair('ed25519').privateKey]), 'signerKeyUnknown');
  });

  it('refuses a signature over other bytes (tampered command)', async () => {
    const cmd = issue();
    const sig = signCommand(cmd, core.key);
    const tampered = { ...cmd, payload: { ...cmd.payload, amount: '200.00', backing: [{ payableId, amount: '200.00' }] } };
    await refusedWithoutChange(() => ledger.send(tampered, [], 'k', [sig]), 'signatureInvalid');
  });

  it("refuses a command signed for another ledger's chain, though its keys are registered here", async () => {
    await refusedWithoutChange(() => ledger.send({ ...issue(), chain: 'another-ledger' }, [core.key]), 'chainMismatch');
  });

  it('refuses a malformed signature list', async () => {
    await refusedWithoutChange(() => ledger.send(issue(), [], 'k', []), 'signaturesMalformed');
  });

  it('refuses a revoked key from the point of revocation on', async () => {
    const second = generateKeyPair('sm2').privateKey;
    await ledger.mustRun('key.add', b, { key: { keyId: second.keyId, alg: 'sm2', publicKey: exportPublicKey(second, 'hex') } });
    await ledger.mustRun('key.revoke', b, { keyId: b.key.keyId });
    const transferLike = ledger.command('key.revoke', b, { keyId: second.keyId });
    await refusedWithoutChange(() => ledger.send(transferLike, [b.key]), 'keyRevoked');
    b = { ...b, key: second };
  });

  it('commits a replayed command once and answers the replay with the original result', async () => {
    const cmd = issue();
    const key = await ledger.send(cmd, [core.key]);
    const first = await ledger.resultOf(key);
    expect(first.status).toBe('accepted');
    const ops = await ledger.snapshot();
    await ledger.send(cmd, [core.key]);
    const second = await ledger.resultOf(key, 2);
    expect(second).toMatchObject({ status: 'accepted', seq: first.seq, opId: first.opId, replayed: true });
    expect(await ledger.snapshot()).toEqual(ops);
  });

  it('refuses a nonce reused for a different command', async () => {
    const cmd = issue();
    const key = await ledger.send(cmd, [core.key]);
    expect((await ledger.resultOf(key)).status).toBe('accepted');
    const other = { ...issue(), nonce: cmd.nonce };
    const before = await ledger.snapshot();
    await ledger.send(other, [core.key]);
    expect((await ledger.resultOf(key, 2)).problem?.code).toBe('nonceReusedWithDifferentCommand');
    expect(await ledger.snapshot()).toEqual(before);
  });

  it("cannot burn another party's nonce by signing a doomed command under its actor", async () => {
    // a signs, with its own registered key, an expired command that claims core as actor.
    const forged = { ...issue(), createdAt: '2020-01-01T00:00:00.000Z' };
    const forgedKey = await ledger.send(forged, [a.key]);
    expect((await ledger.resultOf(forgedKey)).status).toBe('refused');
    // core's own command under the same nonce is then decided on its merits, once.
    const real = { ...issue(), nonce: forged.nonce };
    await ledger.send(real, [core.key]);
    expect(await ledger.resultOf(forgedKey, 2)).toMatchObject({ status: 'accepted' });
  });

  it("cannot cancel someone else's command by resubmitting it with one extra bad signature", async () => {
    // Anyone who sees core's signed command before it commits adds a signature that does not verify.
    const real = issue();
    const realSignature = signCommand(real, core.key);
    const bogus = { ...signCommand(real, a.key), sig: signCommand({ other: true }, a.key).sig };
    const key = await ledger.send(real, [], 'k', [realSignature, bogus]);
    expect((await ledger.resultOf(key)).problem?.code).toBe('signatureInvalid');
    // The refusal was not stored against (core, nonce): core's own submission is decided, not replayed.
    await ledger.send(real, [], 'k', [realSignature]);
    const second = await ledger.resultOf(key, 2);
    expect(second).toMatchObject({ status: 'accepted' });
    expect(second.replayed).toBeUndefined();
  });

  it('treats a PayableConfirmed sent to ledger.commands as a forgery, not a fact', async () => {
    const before = await ledger.snapshot();
    const forgedId = `P-forged-${randomUUID()}`;
    await ledger.producer.send([
      {
        topic: ledger.topics.ledgerCommands.name,
        envelope: makeEnvelope('invoices', { type: 'PayableConfirmed', key: core.partyId, data: { payableId: forgedId, debtor: core.partyId, creditor: a.partyId, amount: '999999.00', invoices: ['X'] } }),
      },
    ]);
    // A command sent after it is decided after it (same partition): once it is, the forgery was passed over.
    const marker = await ledger.send(issue(), [b.key], core.partyId);
    await ledger.resultOf(marker);
    expect((await ledger.pool.query('SELECT 1 FROM payables WHERE payable_id = $1', [forgedId])).rowCount).toBe(0);
    expect((await ledger.snapshot() as { payables: unknown[] }).payables).toEqual((before as { payables: unknown[] }).payables);
  });

  it.each([
    ['unsigned', () => null],
    ['signed by another key', () => generateKeyPair('ed25519').privateKey],
    ['signed by the invoices key for another chain', () => 'other-chain' as const],
  ])('refuses a PayableConfirmed on invoices.events %s: Kafka has no authentication, the invoices service signs its facts', async (_case, signerOf) => {
    const forgedId = `P-forged-${randomUUID()}`;
    const fact = { payableId: forgedId, debtor: core.partyId, creditor: a.partyId, amount: '999999.00', invoices: ['X'] };
    const signer = signerOf();
    if (signer === 'other-chain') {
      await ledger.producer.send([{ topic: ledger.topics.invoicesEvents.name, envelope: makeEnvelope('invoices', { type: 'PayableConfirmed', key: core.partyId, data: signFact('other-chain', 'PayableConfirmed', fact, ledger.dev.invoicesKey) }) }]);
    } else {
      await ledger.publishFact(fact, signer);
    }
    // A genuine fact sent after it on the same key lands on the same partition, after it.
    const marker = await ledger.confirmPayable(core, a, '1.00');
    expect(marker).toBeTruthy();
    expect((await ledger.pool.query('SELECT 1 FROM payables WHERE payable_id = $1', [forgedId])).rowCount).toBe(0);
    expect(ledger.results.has(`invoices-service:${forgedId}`)).toBe(false);
  });

  it('lets exactly one of many concurrent transfers of one voucher consume it', async () => {
    const voucherId = randomUUID();
    await ledger.mustRun('voucher.issue', core, { voucherId, holder: a.partyId, amount: '100.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '100.00' }] });
    await ledger.mustRun('voucher.accept', a, { voucherId });
    // Ten different transfers of the same voucher, sent at once under different message keys
    // (so they may land on different partitions), from ten producers' worth of nonces.
    const keys = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ledger.send(ledger.command('voucher.transfer', a, { voucherId, pieces: [{ childId: randomUUID(), recipient: b.partyId, amount: '10.00' }], remainder: { childId: randomUUID(), amount: '90.00' } }), [a.key], `key-${i}`),
      ),
    );
    const results = await Promise.all(keys.map((k) => ledger.resultOf(k)));
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1);
    expect(new Set(results.filter((r) => r.status === 'refused').map((r) => r.problem?.code))).toEqual(new Set(['voucherAlreadySplit']));
    const children = await ledger.pool.query('SELECT count(*)::int AS n FROM vouchers WHERE parent_id = $1', [voucherId]);
    expect(children.rows[0].n).toBe(2);
  });
});
