/**
 * Losing the broker loses nothing (DESIGN §5): the ledger runs as a real process against a broker
 * of this test's own, commands flow in waves, and the broker is SIGKILLed mid-stream and started
 * again on the same storage. The client resends what it could not send (as any client must when a
 * send fails, so some commands arrive twice). Afterwards every command has exactly one outcome,
 * none was applied twice, the ledger process never exited, and the chain verifies.
 *
 * It needs the broker it can kill, so it runs where the real broker can be started (a JDK).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, kafkaBrokerPossible, startKafkaBroker, type KafkaBroker } from '@cascade/testing';
import type { SignedSubmission } from '../src/kafka-client.ts';
import { expectChainVerifies, expectEachAppliedOnce, openProcessHarness, prepareIssueLoad, type ProcessHarness } from './ledger-process.ts';

const commandCount = 2_000;
const issuerCount = 4;
const waveSize = 50;
const wavePauseMs = 40;
const killAfterResults = 300;
const downMs = Number(process.env.BROKER_DOWN_MS ?? 1_500);
const resendWindowMs = 120_000;

let broker: KafkaBroker;
let h: ProcessHarness;

describe.runIf(kafkaBrokerPossible())('the broker killed and restarted while commands flow', () => {
  beforeAll(async () => {
    broker = await startKafkaBroker({ heapMb: 384 });
    h = await openProcessHarness('brokerdown', { brokers: broker.bootstrap });
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await broker?.stop();
  });

  it('loses no command, applies none twice, and the ledger rides through the outage', { timeout: 420_000 }, async () => {
    const { client, pool, dev, db } = h;
    const ledger = h.start();
    const { submissions } = await prepareIssueLoad({ client, pool, dev, commandCount, issuerCount });
    const keys = submissions.map((s) => `${s.command.actor}:${s.command.nonce}`);

    // A client that resends a wave until the broker takes it, as the gateway will.
    let failedSends = 0;
    const sendWave = async (wave: SignedSubmission[]): Promise<void> => {
      const deadline = Date.now() + resendWindowMs;
      for (;;) {
        try {
          await client.send(wave);
          return;
        } catch (error) {
          failedSends++;
          if (Date.now() > deadline) throw error;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    };
    const sending = (async () => {
      for (let i = 0; i < submissions.length; i += waveSize) {
        await sendWave(submissions.slice(i, i + waveSize));
        await new Promise((r) => setTimeout(r, wavePauseMs));
      }
    })();

    await eventually(() => (keys.filter((k) => client.results.has(k)).length >= killAfterResults ? true : undefined), 60_000, 'first results');
    await broker.kill();
    const resultsAtKill = keys.filter((k) => client.results.has(k)).length;
    await new Promise((r) => setTimeout(r, downMs));
    await broker.restart();
    await sending;

    await eventually(() => (keys.every((k) => client.results.has(k)) ? true : undefined), 120_000, 'every result after the broker came back').catch((error: Error) => {
      const missing = keys.filter((k) => !client.results.has(k)).length;
      throw new Error(`${error.message}; ${missing} results missing; the ledger printed:\n${ledger.output()}`);
    });
    expect(resultsAtKill).toBeLessThan(commandCount); // the broker really died with work left
    expect(ledger.child.exitCode, ledger.output()).toBeNull(); // the ledger rode through it

    await expectEachAppliedOnce(client, pool, keys);
    ledger.child.kill('SIGTERM');
    expect(await ledger.exited(), ledger.output()).toBe(0);
    const verified = expectChainVerifies(db, dev);
    console.log(`[broker-restart] broker killed after ${resultsAtKill}/${commandCount} results, down ${downMs} ms, restarted in ${broker.startupMs()} ms; ${failedSends} sends failed and were resent; ${verified}`);
  });
});
