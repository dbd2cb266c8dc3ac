/**
 * Tamper evidence through the operator's CLI, run as a real process against the database:
 * `cascade ledger verify` passes an intact chain and catches an altered amount, a deleted
 * operation, two swapped operations and an altered block header, naming where; `cascade ledger
 * proof` writes a proof that `cascade verify-proof` checks offline with the ledger key only.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair, signCommand } from '@cascade/crypto';
import { TestLedger, type TestParty } from './support.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let ledger: TestLedger;
let core: TestParty, a: TestParty;

function cascade(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'services/ledger/src/entry-points/cli/main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: ledger.db.url, LEDGER_GENESIS_FILE: ledger.dev.genesisFile },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Applies `tamper`, runs verify, then puts everything back as it was. */
async function verifyWhileTampered(tamper: string[], undo: string[]): Promise<{ code: number | null; err: string }> {
  for (const sql of tamper) await ledger.pool.query(sql);
  try {
    return cascade('ledger', 'verify');
  } finally {
    for (const sql of undo) await ledger.pool.query(sql);
  }
}

let seqA: number; // an operation in the middle of a block that holds several
let heightA: number;

beforeAll(async () => {
  ledger = await TestLedger.start();
  [core, a] = [await ledger.register(['core']), await ledger.register(['supplier'])];
  const payableId = await ledger.confirmPayable(core, a, '1000.00');
  // Four issues decided as one batch, so one block seals several operations.
  const outcome = await ledger.writer.processBatch(
    [1, 2, 3, 4].map((i) => {
      const command = ledger.command('voucher.issue', core, { voucherId: randomUUID(), holder: a.partyId, amount: '100.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '100.00' }] });
      return { kind: 'command' as const, submissionId: `s${i}`, command, signatures: [signCommand(command, core.key)] };
    }),
  );
  expect(outcome.committed).toBe(4);
  const { rows } = await ledger.pool.query<{ seq: string; block_height: string }>(
    `SELECT seq, block_height FROM operations WHERE block_height IN (SELECT block_height FROM operations GROUP BY block_height HAVING count(*) >= 3) ORDER BY seq LIMIT 1`,
  );
  seqA = Number(rows[0]!.seq);
  heightA = Number(rows[0]!.block_height);
});
afterAll(() => ledger?.stop());

describe('cascade ledger verify', () => {
  it('passes the intact chain', () => {
    const r = cascade('ledger', 'verify');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^OK: chain .*: \d+ blocks, \d+ operations verified/);
  });

  it('catches a changed amount and names the operation', async () => {
    const r = await verifyWhileTampered(
      [`UPDATE operations SET record = replace(record, '"amount":"100.00"', '"amount":"900.00"') WHERE seq = ${seqA}`],
      [`UPDATE operations SET record = replace(record, '"amount":"900.00"', '"amount":"100.00"') WHERE seq = ${seqA}`],
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain(`FAIL at height ${heightA}, operation seq ${seqA}`);
  });

  it('catches a deleted operation and names where the gap is', async () => {
    const r = await verifyWhileTampered(
      [`CREATE TEMP TABLE saved AS SELECT * FROM operations WHERE seq = ${seqA}`, `DELETE FROM operations WHERE seq = ${seqA}`],
      [`INSERT INTO operations SELECT * FROM saved`, `DROP TABLE saved`],
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`FAIL at height ${heightA}, operation seq ${seqA + 1}: operation missing or out of order`));
  });

  it('catches two swapped operations', async () => {
    const swap = `UPDATE operations o SET record = x.record, leaf_hash = x.leaf_hash FROM (SELECT seq, record, leaf_hash FROM operations WHERE seq IN (${seqA}, ${seqA + 1})) x WHERE o.seq IN (${seqA}, ${seqA + 1}) AND x.seq <> o.seq`;
    const r = await verifyWhileTampered([swap], [swap]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`FAIL at height ${heightA}, operation seq ${seqA}`);
  });

  it('catches an altered block header', async () => {
    const r = await verifyWhileTampered(
      [
        `CREATE TEMP TABLE saved_block AS SELECT * FROM blocks WHERE height = ${heightA}`,
        `UPDATE blocks SET header = (header::jsonb || '{"time":"2020-01-01T00:00:00.000Z"}')::text WHERE height = ${heightA}`,
      ],
      [`UPDATE blocks b SET header = s.header FROM saved_block s WHERE b.height = s.height`, `DROP TABLE saved_block`],
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain(`FAIL at height ${heightA}: header altered`);
  });
});

describe('cascade ledger verify: the key registry', () => {
  it('catches a key row the log never registered', async () => {
    const r = await verifyWhileTampered(
      [`INSERT INTO party_keys (key_id, party_id, data) SELECT 'ed25519:forged', party_id, jsonb_set(data, '{keyId}', '"ed25519:forged"') FROM party_keys WHERE party_id = '${core.partyId}'`],
      [`DELETE FROM party_keys WHERE key_id = 'ed25519:forged'`],
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('FAIL: the key registry differs from the verified log: key ed25519:forged is not registered by any operation');
  });

  it('catches a revoked key made active again', async () => {
    const second = generateKeyPair('ed25519').privateKey;
    await ledger.mustRun('key.add', a, { key: { keyId: second.keyId, alg: 'ed25519', publicKey: exportPublicKey(second, 'hex') } });
    await ledger.mustRun('key.revoke', a, { keyId: second.keyId });
    const r = await verifyWhileTampered(
      [`UPDATE party_keys SET data = jsonb_set(data, '{revokedAt}', 'null') WHERE key_id = '${second.keyId}'`],
      [`UPDATE party_keys SET data = jsonb_set(data, '{revokedAt}', '"2026-03-02T02:00:00.000Z"') WHERE key_id = '${second.keyId}'`],
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain(`key ${second.keyId} is revoked in the log but not in the registry`);
    expect(cascade('ledger', 'verify').code).toBe(0);
  });

  it('catches a key.revoke relabelled in the type column (which no hash covers) with its key made active again', async () => {
    const third = generateKeyPair('ed25519').privateKey;
    await ledger.mustRun('key.add', a, { key: { keyId: third.keyId, alg: 'ed25519', publicKey: exportPublicKey(third, 'hex') } });
    const revoked = await ledger.mustRun('key.revoke', a, { keyId: third.keyId });
    const r = await verifyWhileTampered(
      [
        `UPDATE operations SET type = 'voucher.accept' WHERE seq = ${revoked.seq}`,
        `UPDATE party_keys SET data = jsonb_set(data, '{revokedAt}', 'null') WHERE key_id = '${third.keyId}'`,
      ],
      [
        `UPDATE operations SET type = 'key.revoke' WHERE seq = ${revoked.seq}`,
        `UPDATE party_keys SET data = jsonb_set(data, '{revokedAt}', '"2026-03-02T02:00:00.000Z"') WHERE key_id = '${third.keyId}'`,
      ],
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain(`operation seq ${revoked.seq}`);
    expect(cascade('ledger', 'verify').code).toBe(0);
  });
});

describe('cascade ledger proof / verify-proof', () => {
  it('writes a proof that verifies offline with the ledger key and fails with another key', async () => {
    const { rows } = await ledger.pool.query<{ op_id: string }>(`SELECT op_id FROM operations WHERE type = 'voucher.issue' ORDER BY seq LIMIT 1`);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'proof-')), 'proof.json');
    const written = cascade('ledger', 'proof', rows[0]!.op_id, '--out', file);
    expect(written.code).toBe(0);
    const ok = cascade('verify-proof', file, '--key', `ed25519:${ledger.dev.genesis.ledgerKey.publicKey}`);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^OK: operation/);
    const bad = cascade('verify-proof', file, '--key', `ed25519:${ledger.dev.genesis.operator.publicKeys[0]!.publicKey}`);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/INVALID: block signature/);
  });
});
