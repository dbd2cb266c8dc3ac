/**
 * Crash safety: the ledger runs as a real process, takes a stream of signed commands through its
 * Kafka intake, and is SIGKILLed while batches are in flight. After a restart every command has
 * its result, none was applied twice, the money adds up and the chain verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, infra } from '@cascade/testing';
import { expectChainVerifies, expectEachAppliedOnce, explainedBy, openProcessHarness, prepareIssueLoad, type ProcessHarness } from './ledger-process.ts';

const commandCount = 3_000;
const issuerCount = 4;
const killAfterResults = 400;

let h: ProcessHarness;

beforeAll(async () => {
  h = await openProcessHarness('crash', { brokers: infra().kafkaBrokers, control: infra().kafkaControl });
});
afterAll(() => h?.close());

describe('ledger killed mid-batch under load', () => {
  it('loses no command, applies none twice, and the chain verifies after restart', { timeout: 300_000 }, async () => {
    const { client, pool, dev, db } = h;
    const first = h.start();
    const { submissions } = await explainedBy([first], () => prepareIssueLoad({ client, pool, dev, commandCount, issuerCount }));
    const keys = await client.send(submissions);
    await explainedBy([first], () => eventually(() => (keys.filter((k) => client.results.has(k)).length >= killAfterResults ? true : undefined), 60_000, 'first results'));
    first.child.kill('SIGKILL');
    await first.exited();
    const resultsAtKill = keys.filter((k) => client.results.has(k)).length;
    expect(resultsAtKill).toBeLessThan(commandCount); // it really died with work left

    const second = h.start();
    await explainedBy([first, second], () => eventually(() => (keys.every((k) => client.results.has(k)) ? true : undefined), 120_000, 'every result after restart'));
    second.child.kill('SIGTERM');
    expect(await second.exited(), second.output()).toBe(0);

    await expectEachAppliedOnce(client, pool, keys);
    const verified = expectChainVerifies(db, dev);
    console.log(`[crash] killed after ${resultsAtKill}/${commandCount} results; ${verified}`);
  });
});
