import { describe, expect, it } from 'vitest';
import type { Voucher } from './entities.ts';
import { visibleTree } from './visibility.ts';

function v(id: string, parent: string | null, holder: string, sender: string): Voucher {
  return {
    voucherId: id, rootId: 'r', parentId: parent, issuer: 'CORE', holder, sender, amount: '1.00', issueDate: '2026-01-01', maturityDate: '2026-06-01',
    tier: 1, backing: [], creditLineFunder: null, status: 'active', statusBeforeFreeze: null, frozenBy: null, freezeOrder: null, acceptanceDeadline: null,
    financingRequest: null, financing: null, outstanding: '1.00', returnOf: null, paymentReferences: [], createdAt: '2026-01-01T00:00:00Z',
  };
}

// CORE → A (root r); A splits r into a1 (to B) and a2 (kept by A); B splits a1 into b1 (to C) and b2 (kept by B).
const tree = [v('r', null, 'A', 'CORE'), v('a1', 'r', 'B', 'A'), v('a2', 'r', 'A', 'A'), v('b1', 'a1', 'C', 'B'), v('b2', 'a1', 'B', 'B')];

describe('visibleTree', () => {
  it('shows the issuer and the regulator the whole tree', () => {
    expect(visibleTree(tree, { partyId: 'CORE', seesAll: false })).toHaveLength(5);
    expect(visibleTree(tree, { partyId: 'REG', seesAll: true })).toHaveLength(5);
  });

  it('shows a tier-3 holder its voucher and the path to the root, not the other branch', () => {
    const seen = visibleTree(tree, { partyId: 'C', seesAll: false });
    expect(seen.map((x) => x.voucherId)).toEqual(['r', 'a1', 'b1']);
  });

  it('hides the parties of the path except the direct counterparty', () => {
    const seen = new Map(visibleTree(tree, { partyId: 'C', seesAll: false }).map((x) => [x.voucherId, x]));
    expect(seen.get('b1')).toMatchObject({ holder: 'C', sender: 'B' });
    expect(seen.get('a1')).toMatchObject({ holder: 'B', sender: null }); // B is C's counterparty, A is not
    expect(seen.get('r')).toMatchObject({ holder: null, sender: null, issuer: 'CORE', amount: '1.00' });
  });

  it('shows a party nothing of a tree it has no part in', () => {
    expect(visibleTree(tree, { partyId: 'D', seesAll: false })).toEqual([]);
  });
});
