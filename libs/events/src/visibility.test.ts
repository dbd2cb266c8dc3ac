import { describe, expect, it } from 'vitest';
import { notificationsFor } from './visibility.ts';

const transfer = {
  type: 'VoucherTransferred',
  data: {
    parentId: 'P',
    rootId: 'R',
    holder: 'A',
    amount: '100.00',
    children: [
      { voucherId: 'C1', holder: 'B', amount: '60.00' },
      { voucherId: 'C2', holder: 'C', amount: '30.00' },
      { voucherId: 'C3', holder: 'A', amount: '10.00' },
    ],
    at: '2026-12-01T00:00:00Z',
  },
};

describe('notifications of a ledger event (webhooks and the live stream)', () => {
  it('tell the issuer and the sender a split whole, and each recipient only its own child', () => {
    const told = new Map(notificationsFor(transfer, () => 'ISSUER').map((n) => [n.partyId, n.data as { children: { voucherId: string }[] }]));
    expect([...told.keys()].sort()).toEqual(['A', 'B', 'C', 'ISSUER']);
    expect(told.get('ISSUER')!.children).toHaveLength(3);
    expect(told.get('A')!.children).toHaveLength(3);
    expect(told.get('B')!.children.map((c) => c.voucherId)).toEqual(['C1']);
    expect(JSON.stringify(told.get('C'))).not.toContain('"B"');
  });

  it('tell a holder what it was paid, without the payment reference or other holders', () => {
    const settled = { type: 'VoucherSettled', data: { rootId: 'R', issuer: 'I', paymentReference: 'BANK-1', paidAmount: '90.00', payouts: [{ voucherId: 'C1', holder: 'B', amount: '60.00', statusAfter: 'settled' }, { voucherId: 'C2', holder: 'C', amount: '30.00', statusAfter: 'settled' }], holderTotals: [{ holder: 'B', amount: '60.00' }, { holder: 'C', amount: '30.00' }], creditLineRestored: null, at: 'x' } };
    const forB = notificationsFor(settled, () => undefined).find((n) => n.partyId === 'B')!;
    expect(JSON.stringify(forB.data)).not.toContain('BANK-1');
    expect(JSON.stringify(forB.data)).not.toContain('"C"');
    expect((forB.data as { payouts: unknown[] }).payouts).toHaveLength(1);
  });

  it('tell nobody of events that concern no party (blocks)', () => {
    expect(notificationsFor({ type: 'BlockSealed', data: {} }, () => undefined)).toEqual([]);
  });
});
