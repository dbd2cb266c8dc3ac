import { describe, expect, it } from 'vitest';
import { creditLineKey } from './state.ts';
import { World } from './test-support.ts';

describe('MemoryLedgerState', () => {
  it('names in its dirty sets exactly the entities an operation changed, then starts afresh', () => {
    const w = new World();
    const core = w.register(['core']);
    const s1 = w.register(['supplier']);
    const s2 = w.register(['supplier']);
    const funder = w.register(['funder']);
    w.run('creditLine.set', funder, { issuer: core, limit: '100.00', termDays: 180 });
    const root = w.issue(core, s1, '50.00', { funder });
    w.state.takeDirty();
    const [piece, rest] = w.transfer(root, [[s2, '20.00']], '30.00');
    const dirty = w.state.takeDirty();
    expect([...dirty.vouchers].sort()).toEqual([root, piece!, rest!].sort());
    expect([dirty.parties.size, dirty.keys.size, dirty.payables.size, dirty.creditLines.size]).toEqual([0, 0, 0, 0]);
    expect(w.state.takeDirty().vouchers.size).toBe(0);
    w.run('voucher.reject', s2, { voucherId: piece! });
    expect(w.state.takeDirty().vouchers.size).toBe(2); // the rejected child and the voucher returned to s1
    w.run('creditLine.set', funder, { issuer: core, limit: '200.00', termDays: 180 });
    expect([...w.state.takeDirty().creditLines]).toEqual([creditLineKey(funder, core)]);
  });

  it('lists children in creation order, finds parties by USCC and active keys only', () => {
    const w = new World();
    const core = w.register(['core']);
    const s1 = w.register(['supplier']);
    const s2 = w.register(['supplier']);
    const root = w.issue(core, s1, '50.00');
    const ids = w.transfer(root, [[s2, '1.00'], [s2, '2.00']], '47.00');
    expect(w.state.childrenOf(root)).toEqual(ids);
    expect(w.state.childrenOf(ids[0]!)).toEqual([]);
    expect(w.state.partyByUscc(s1)?.partyId).toBe(s1);
    w.run('key.add', s1, { key: { keyId: 's1-k2', alg: 'ed25519', publicKey: 'ab'.repeat(32) } });
    w.run('key.revoke', s1, { keyId: 's1-k2' });
    expect(w.state.activeKeyIds(s1)).toEqual([World.keyOf(s1)]);
    expect(w.state.key('s1-k2')?.revokedAt).not.toBeNull();
  });

  it('remembers nonces the caller records', () => {
    const w = new World();
    expect(w.state.hasSeenNonce('operator', 'n-1')).toBe(false);
    w.state.recordNonce('operator', 'n-1');
    expect(w.state.hasSeenNonce('operator', 'n-1')).toBe(true);
    expect([...w.state.takeDirty().nonces]).toEqual(['operator\u0000n-1']);
  });
});
