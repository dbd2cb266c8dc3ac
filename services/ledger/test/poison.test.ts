/**
 * No single input may stall the ledger. Each poison below goes through Kafka's intake the way an
 * outside client sends it; each must end in a definite refused result (or a dead-letter entry),
 * and a good command sent right after it must get its result within seconds.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair, signCommand } from '@cascade/crypto';
import { createKafka, makeEnvelope } from '@cascade/events';
import { uuidv7 } from '@cascade/ids';
import { eventually, infra } from '@cascade/testing';
import { newUscc, TestLedger, type TestParty } from './support.ts';

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
  const key = generateKeyPair('ed25519').privateKey;
  const started = Date.now();
  const cmd = ledger.command('key.add', a, { key: { keyId: key.keyId, alg: 'ed25519', publicKey: exportPublicKey(key, 'hex') } });
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

  it('parks a payable fact that cannot be canonicalised (a lone surrogate: nobody can have signed it), and goes on', async () => {
    const payableId = `P-${uuidv7()}`;
    // The invoices service could not sign it (signing canonicalises), so it arrives unsigned.
    await ledger.publishFact({ payableId, debtor: core.partyId, creditor: a.partyId, amount: '10.00', invoices: ['INV-\ud800'] }, null);
    await goodCommandStillAnswered();
    const parked = await readDeadLetters(createKafka({ brokers: infra().kafkaBrokers, clientId: 'poison-surrogate' }), (d) => d.detail.includes(payableId));
    expect(parked[0]).toMatchObject({ reason: 'factSignatureInvalid', topic: ledger.topics.invoicesEvents.name });
    expect(ledger.results.has(`invoices-service:${payableId}`)).toBe(false);
    expect((await ledger.pool.query('SELECT 1 FROM payables WHERE payable_id = $1', [payableId])).rowCount).toBe(0);
  });
});

describe('balances stay within what the columns and the amount format hold', () => {
  it('refuses a payable that would carry the creditor\'s receivable past the amount limit, and goes on', async () => {
    // A fresh debtor too: its payable account bounds what it owes in all, as the receivable does.
    const [debtor, creditor] = [await ledger.register(['core']), await ledger.register(['supplier'])];
    await ledger.confirmPayable(debtor, creditor, largest);
    const payableId = `P-${uuidv7()}`;
    await ledger.publishFact({ payableId, debtor: debtor.partyId, creditor: creditor.partyId, amount: '0.01', invoices: ['INV-over'] });
    const result = await ledger.resultOf(`invoices-service:${payableId}`);
    expect(result.problem?.code).toBe('balanceBeyondLimit');
    const { rows } = await ledger.pool.query<{ amount: string }>('SELECT amount::text FROM balances WHERE account = $1', [`receivable:${creditor.partyId}`]);
    expect(rows[0]?.amount).toBe(largest);
    await goodCommandStillAnswered();
  });
});

describe('facts are never lost', () => {
  it('holds a payable fact whose creditor is not registered yet, durably, and records it when the party arrives', async () => {
    const late = { partyId: newUscc(), key: generateKeyPair('ed25519').privateKey };
    const payableId = `P-${uuidv7()}`;
    await ledger.publishFact({ payableId, debtor: core.partyId, creditor: late.partyId, amount: '10.00', invoices: ['INV-late'] });
    await eventually(async () => ((await ledger.pool.query('SELECT 1 FROM held_facts WHERE payable_id = $1', [payableId])).rowCount ? true : undefined), 15_000, 'the fact held');
    expect(ledger.results.has(`invoices-service:${payableId}`)).toBe(false); // not refused
    await ledger.mustRun('party.register', ledger.operator, {
      partyId: late.partyId,
      uscc: late.partyId,
      name: 'late supplier',
      roles: ['supplier'],
      publicKeys: [{ keyId: late.key.keyId, alg: 'ed25519', publicKey: exportPublicKey(late.key, 'hex') }],
    });
    await eventually(async () => ((await ledger.pool.query('SELECT 1 FROM payables WHERE payable_id = $1', [payableId])).rowCount ? true : undefined), 15_000, 'the payable recorded');
    expect((await ledger.pool.query('SELECT 1 FROM held_facts WHERE payable_id = $1', [payableId])).rowCount).toBe(0);
  });
});

describe('poison bytes never reach the writer', () => {
  it('parks unreadable messages on ledger.deadletter with reason and origin, and goes on', async () => {
    const kafka = createKafka({ brokers: infra().kafkaBrokers, clientId: 'poison-bytes' });
    const raw = kafka.producer();
    await raw.connect();
    // A signed command whose envelope names a nonce twice: JSON.parse keeps the last (signed) one.
    const cmd = ledger.command('key.revoke', a, { keyId: 'no-such-key' });
    const envelope = makeEnvelope('test', { type: 'CommandSubmitted', key: 'k', data: { command: cmd, signatures: [signCommand(cmd, a.key)] } });
    const duplicateKeyed = JSON.stringify(envelope).replace(`"nonce":"${cmd.nonce}"`, `"nonce":"other","nonce":"${cmd.nonce}"`);
    expect(duplicateKeyed).toContain('"nonce":"other"');
    const poisons: { reason: string; value: Buffer }[] = [
      { reason: 'notJson', value: Buffer.from('{ this is not json') },
      { reason: 'notAnEnvelope', value: Buffer.from('{"hello":"world"}') },
      { reason: 'duplicateKeys', value: Buffer.from(duplicateKeyed) },
      { reason: 'tooLarge', value: Buffer.alloc(1_010_000, 'x') },
    ];
    const sent = await raw.send({ topic: ledger.topics.ledgerCommands.name, acks: -1, messages: poisons.map((p) => ({ key: 'poison', value: p.value })) });
    await raw.disconnect();
    await goodCommandStillAnswered();
    expect(ledger.results.has(`${a.partyId}:${cmd.nonce}`)).toBe(false); // the duplicate-keyed command was not decided

    const parked = await readDeadLetters(kafka, (d) => d.topic === ledger.topics.ledgerCommands.name, poisons.length);
    expect(parked.map((d) => d.reason)).toEqual(poisons.map((p) => p.reason));
    const firstOffset = BigInt(sent[0]!.baseOffset!);
    parked.forEach((d, i) => {
      expect(d).toMatchObject({ topic: ledger.topics.ledgerCommands.name, partition: sent[0]!.partition, offset: String(firstOffset + BigInt(i)), sizeBytes: poisons[i]!.value.length });
    });
    expect(parked[3]).toMatchObject({ valueTruncated: true });
    expect(Buffer.from(parked[0]!.valueBase64, 'base64').toString()).toBe('{ this is not json');
  });
});

interface DeadLetter {
  reason: string;
  detail: string;
  topic: string;
  partition: number;
  offset: string;
  sizeBytes: number;
  valueBase64: string;
  valueTruncated: boolean;
}

/** Reads the dead-letter topic from the beginning until `count` entries matching `which` arrived. */
async function readDeadLetters(kafka: ReturnType<typeof createKafka>, which: (d: DeadLetter) => boolean, count = 1): Promise<DeadLetter[]> {
  const consumer = kafka.consumer({ groupId: `dlq-${randomUUID()}` });
  const found: DeadLetter[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: ledger.topics.ledgerDeadLetter.name, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const d = (JSON.parse(message.value!.toString()) as { data: DeadLetter }).data;
        if (which(d)) found.push(d);
      },
    });
    await eventually(() => (found.length >= count ? true : undefined), 20_000, 'dead letters');
  } finally {
    await consumer.disconnect();
  }
  return found;
}
