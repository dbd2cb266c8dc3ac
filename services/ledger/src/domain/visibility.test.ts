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

  it("withholds the issuer's details from holders down the tree: backing payables, credit line funder, payment references, freeze reason", () => {
    const root = { ...v('r', null, 'A', 'CORE'), backing: [{ payableId: 'PAY-1', amount: '1.00' }], creditLineFunder: 'BANK', paymentReferences: ['BANK-TX-9'] };
    const frozen = { ...v('b1', 'a1', 'C', 'B'), status: 'frozen' as const, freezeOrder: { reason: 'suspected fraud by A', at: '2026-02-01T00:00:00Z' } };
    const withDetails = [root, tree[1]!, tree[2]!, frozen, tree[4]!];
    const seenByC = new Map(visibleTree(withDetails, { partyId: 'C', seesAll: false }).map((x) => [x.voucherId, x]));
    expect(seenByC.get('r')).toMatchObject({ backing: [], creditLineFunder: null, paymentReferences: [] });
    expect(seenByC.get('b1')).toMatchObject({ status: 'frozen', freezeOrder: { reason: null, at: '2026-02-01T00:00:00Z' } });
    // The payables' creditor (the root's holder) sees what its voucher rests on; the line's funder sees its line.
    expect(new Map(visibleTree(withDetails, { partyId: 'A', seesAll: false }).map((x) => [x.voucherId, x])).get('r')).toMatchObject({ backing: [{ payableId: 'PAY-1', amount: '1.00' }], creditLineFunder: null });
    // The issuer and the regulator see everything.
    expect(visibleTree(withDetails, { partyId: 'CORE', seesAll: false })[0]).toMatchObject({ creditLineFunder: 'BANK', paymentReferences: ['BANK-TX-9'] });
    expect(visibleTree(withDetails, { partyId: 'REG', seesAll: true })[3]).toMatchObject({ freezeOrder: { reason: 'suspected fraud by A' } });
  });

  it('shows a party nothing of a tree it has no part in', () => {
    expect(visibleTree(tree, { partyId: 'D', seesAll: false })).toEqual([]);
  });
});
