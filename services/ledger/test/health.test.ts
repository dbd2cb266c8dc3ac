/**
 * Health tells the truth: the ledger process's /ready fails while its writer cannot commit the
 * input it holds (here: the operations table taken away behind its back), /metrics shows how long
 * that input has waited, and both recover once the writer can commit again — and the command
 * that waited gets its result.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { eventually, infra } from '@cascade/testing';
import { signSubmission } from '../src/kafka-client.ts';
import { openProcessHarness, type ProcessHarness } from './ledger-process.ts';
import { newUscc } from './support.ts';

const stallMs = 2_000;

let h: ProcessHarness;

beforeAll(async () => {
  h = await openProcessHarness('health', { brokers: infra().kafkaBrokers, control: infra().kafkaControl });
});

afterAll(async () => {
  await h?.pool.query('ALTER TABLE IF EXISTS operations_hidden RENAME TO operations').catch(() => undefined);
  await h?.close();
});

function register() {
  const { dev } = h;
  const key = generateKeyPair('ed25519').privateKey;
  const partyId = newUscc();
  const command = {
    type: 'party.register',
    chain: dev.genesis.chainId,
    actor: dev.genesis.operator.partyId,
    nonce: randomUUID(),
    createdAt: new Date().toISOString(),
    payload: { partyId, uscc: partyId, name: partyId, roles: ['supplier'], publicKeys: [{ keyId: key.keyId, alg: 'ed25519', publicKey: exportPublicKey(key, 'hex') }] },
  };
  return signSubmission(command, [dev.operatorKey], 'parties');
}

async function ready(port: number): Promise<{ status: number; body: { checks?: Record<string, string> } }> {
  const res = await fetch(`http://127.0.0.1:${port}/ready`);
  return { status: res.status, body: (await res.json()) as { checks?: Record<string, string> } };
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('the ledger process when its writer cannot commit', () => {
  it('fails /ready and reports the waiting input, then recovers and answers the command', { timeout: 120_000 }, async () => {
    const { client, pool } = h;
    const ledger = h.start({ LEDGER_INTAKE_STALL_MS: String(stallMs) });
    const port = await ledger.port();
    await eventually(async () => ((await ready(port)).status === 200 ? true : undefined), 45_000, 'ledger ready');
    expect((await client.sendAndWait(register(), 30_000)).status).toBe('accepted');

    await pool.query('ALTER TABLE operations RENAME TO operations_hidden');
    const [waiting] = await client.send([register()]);
    const stalled = await eventually(async () => {
      const r = await ready(port);
      return r.status === 503 ? r : undefined;
    }, 30_000, '/ready to fail');
    expect(stalled.body.checks?.intake).toMatch(/waited \d+ s without being committed/);
    expect(await metric(port, 'cascade_ledger_intake_oldest_pending_seconds')).toBeGreaterThan(stallMs / 1000);
    expect(client.results.has(waiting!)).toBe(false);

    await pool.query('ALTER TABLE operations_hidden RENAME TO operations');
    expect((await client.result(waiting!, 60_000)).status).toBe('accepted');
    await eventually(async () => ((await ready(port)).status === 200 ? true : undefined), 30_000, '/ready to recover');
    expect(await metric(port, 'cascade_ledger_intake_oldest_pending_seconds')).toBe(0);
    expect(ledger.child.exitCode, ledger.output()).toBeNull();
  });
});
