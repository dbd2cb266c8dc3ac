/**
 * planBatch: an unexpected error while deciding one submission costs that submission only — it
 * gets a definite `internalError` refusal naming the error's class (never its message or stack),
 * nothing of it is applied, and the submissions after it are decided as usual.
 */
import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalize, exportPublicKey, generateKeyPair, signCommand, verifySignature } from '@cascade/crypto';
import { genesisEvents } from '../domain/decide.ts';
import { evolveAll } from '../domain/evolve.ts';
import { defaultPolicy } from '../domain/policy.ts';
import { MemoryLedgerState } from '../domain/state.ts';
import type { Voucher } from '../domain/entities.ts';
import { blockSigner } from '../config.ts';
import { canonicalRecordText, planBatch, type Submission } from './batch.ts';

const now = new Date('2026-03-02T02:00:00.000Z');
const poisonVoucherId = '0190f000-0000-7000-8000-00000000dead';

/** A state whose lookup of one voucher id fails the way a programming error would. */
class TrippingState extends MemoryLedgerState {
  override voucher(voucherId: string): Voucher | undefined {
    if (voucherId === poisonVoucherId) throw new TypeError('secret detail from inside the state');
    return super.voucher(voucherId);
  }
}

describe('planBatch', () => {
  it('refuses with internalError the one submission whose decision throws, and decides the next', async () => {
    const operatorKey = generateKeyPair('ed25519').privateKey;
    const state = new TrippingState();
    evolveAll(state, genesisEvents({ partyId: 'operator', name: 'operator', publicKeys: [{ keyId: operatorKey.keyId, alg: 'ed25519', publicKey: exportPublicKey(operatorKey, 'hex') }] }, defaultPolicy, now));
    state.takeDirty();
    const newKey = generateKeyPair('ed25519').privateKey;
    const commands = [
      { type: 'voucher.accept', chain: 'test', actor: 'operator', nonce: 'n-1', createdAt: now.toISOString(), payload: { voucherId: poisonVoucherId } },
      { type: 'key.add', chain: 'test', actor: 'operator', nonce: 'n-2', createdAt: now.toISOString(), payload: { key: { keyId: newKey.keyId, alg: 'ed25519', publicKey: exportPublicKey(newKey, 'hex') } } },
    ];
    const submissions: Submission[] = commands.map((command, i) => ({ kind: 'command', submissionId: `s-${i}`, command, signatures: [signCommand(command, operatorKey)] }));
    const plan = await planBatch(submissions, {
      state,
      head: { height: 0, hash: '00'.repeat(32), lastSeq: 1, stateDigest: '00'.repeat(32) },
      now,
      chainId: 'test',
      hashAlg: 'sha256',
      signBlock: blockSigner(generateKeyPair('ed25519').privateKey),
      storedResults: new Map(),
      verifyMany: async (items) => items.map((item) => verifySignature(item.alg, item.publicKey, item.message, item.sig)),
      verifyOne: (item) => verifySignature(item.alg, item.publicKey, item.message, item.sig),
    });
    expect(plan.published.map((r) => r.status)).toEqual(['refused', 'accepted']);
    expect(plan.published[0]!.problem).toMatchObject({ code: 'internalError', status: 500 });
    expect(plan.published[0]!.problem?.detail).toContain('TypeError');
    expect(JSON.stringify(plan.published[0])).not.toContain('secret detail');
    expect(plan.operations.map((o) => o.type)).toEqual(['key.add']);
    expect(state.key(newKey.keyId)).toBeDefined();
  });
});

describe('canonicalRecordText', () => {
  it('is byte for byte the RFC 8785 canonical form of the record, built around the command bytes', () => {
    const key = generateKeyPair('ed25519').privateKey;
    for (const payload of [{ voucherId: poisonVoucherId }, { note: 'ünïcode \u2028 "quoted" \\ 票据', n: 1.5e21, list: [3, 1, 2] }]) {
      const command = { type: 'voucher.accept', chain: 'test', actor: 'operator', nonce: 'n-ü', createdAt: now.toISOString(), payload };
      const record = { seq: 12, opId: '0190f5d2-1c2b-7a3e-9f00-123456789abc', kind: 'command' as const, body: command, signatures: [signCommand(command, key)], committedAt: now.toISOString() };
      expect(canonicalRecordText(record, canonicalBytes(command))).toBe(canonicalize(record));
    }
  });
});
