/**
 * One test per operation row of DESIGN §2 (given / when / then), on the pure domain.
 */
import { describe, expect, it } from 'vitest';
import { returnVoucherId } from './decide.ts';
import type { LedgerEvent } from './events.ts';
import { World } from './test-support.ts';

function scene() {
  const w = new World();
  const regulator = w.register(['regulator']);
  const core = w.register(['core'], 'core');
  const s1 = w.register(['supplier'], 'supplier');
  const s2 = w.register(['supplier'], 'supplier');
  const s3 = w.register(['supplier'], 'supplier');
  const funder = w.register(['funder'], 'bank');
  w.run('creditLine.set', funder, { issuer: core, limit: '5000.00', termDays: 180 });
  return { w, regulator, core, s1, s2, s3, funder };
}

function only<T extends LedgerEvent['type']>(events: LedgerEvent[], type: T): Extract<LedgerEvent, { type: T }> {
  expect(events.map((e) => e.type)).toEqual([type]);
  return events[0] as Extract<LedgerEvent, { type: T }>;
}

describe('issue [issuer]', () => {
  it('issue against a payable consumes its remainder and the credit line and awaits acceptance', () => {
    const { w, core, s1, funder } = scene();
    const payableId = w.payable(core, s1, '1000.00');
    const voucherId = w.newId();
    const e = only(
      w.run('voucher.issue', core, { voucherId, holder: s1, amount: '600.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '600.00' }], creditLineFunder: funder }),
      'VoucherIssued',
    );
    expect(e.data.voucher).toMatchObject({ voucherId, rootId: voucherId, parentId: null, tier: 1, status: 'pending_acceptance', issueDate: '2026-03-02', holder: s1, issuer: core });
    expect(e.data.voucher.acceptanceDeadline).toBe('2026-03-09T02:00:00.000Z');
    expect(w.state.payable(payableId)!.remaining).toBe('400.00');
    expect(w.state.creditLine(funder, core)!.used).toBe('600.00');
    expect(w.balance(`pendingAcceptance:${s1}`)).toBe('600.00');
    expect(w.balance(`receivable:${s1}`)).toBe('400.00');
    expect(w.balance(`creditLineAvailable:${funder}:${core}`, 'CNY-line')).toBe('4400.00');
  });

  it('issue against two payables takes each backing amount from its own payable', () => {
    const { w, core, s1 } = scene();
    const p1 = w.payable(core, s1, '100.00');
    const p2 = w.payable(core, s1, '50.00');
    w.run('voucher.issue', core, { voucherId: w.newId(), holder: s1, amount: '120.00', maturityDate: '2026-05-01', backing: [{ payableId: p1, amount: '100.00' }, { payableId: p2, amount: '20.00' }] });
    expect([w.state.payable(p1)!.remaining, w.state.payable(p2)!.remaining]).toEqual(['0.00', '30.00']);
  });
});

describe('accept / reject [recipient]', () => {
  it('accept makes an issued voucher active and moves it into the holder’s vouchers', () => {
    const { w, core, s1 } = scene();
    const id = w.issue(core, s1, '600.00', { accept: false });
    only(w.run('voucher.accept', s1, { voucherId: id }), 'VoucherAccepted');
    expect(w.state.voucher(id)!.status).toBe('active');
    expect(w.balance(`vouchers:${s1}`)).toBe('600.00');
    expect(w.balance(`pendingAcceptance:${s1}`)).toBe('0.00');
  });

  it('reject of an issue restores the payable remainder and the credit line', () => {
    const { w, core, s1, funder } = scene();
    const id = w.issue(core, s1, '600.00', { accept: false, funder });
    const payableId = w.state.voucher(id)!.backing[0]!.payableId;
    only(w.run('voucher.reject', s1, { voucherId: id, reason: 'wrong amount' }), 'VoucherRejected');
    expect(w.state.voucher(id)!.status).toBe('rejected');
    expect(w.state.payable(payableId)!.remaining).toBe('600.00');
    expect(w.state.creditLine(funder, core)!.used).toBe('0.00');
    expect(w.balance(`receivable:${s1}`)).toBe('600.00');
  });

  it('reject of a transfer returns the value to the sender as a new active sibling', () => {
    const { w, core, s1, s2 } = scene();
    const root = w.issue(core, s1, '600.00');
    const [child, rest] = w.transfer(root, [[s2, '200.00']], '400.00');
    const e = only(w.run('voucher.reject', s2, { voucherId: child! }), 'VoucherRejected');
    const back = w.state.voucher(returnVoucherId(child!))!;
    expect(e.data.returnVoucherId).toBe(back.voucherId);
    expect(back).toMatchObject({ parentId: root, rootId: root, tier: 2, holder: s1, amount: '200.00', status: 'active', returnOf: child });
    expect(w.state.voucher(child!)!.status).toBe('rejected');
    expect(w.state.voucher(rest!)!.status).toBe('active');
    expect(w.balance(`vouchers:${s1}`)).toBe('600.00');
  });

  it('expiry after the acceptance period (7 days) returns the value like a reject; not a moment before', () => {
    const { w, core, s1, s2, regulator } = scene();
    void regulator;
    const root = w.issue(core, s1, '600.00');
    const [child] = w.transfer(root, [[s2, '600.00']], null);
    w.advanceDays(7);
    w.refused(w.command('voucher.expireAcceptance', 'operator', { voucherId: child! }), 'acceptancePeriodNotOver');
    w.now = new Date(w.now.getTime() + 1);
    only(w.run('voucher.expireAcceptance', 'operator', { voucherId: child! }), 'AcceptanceExpired');
    expect(w.state.voucher(returnVoucherId(child!))!.holder).toBe(s1);
  });
});

describe('transfer [holder]', () => {
  it('consumes the parent and creates pieces pending acceptance plus an active remainder, one tier down', () => {
    const { w, core, s1, s2, s3 } = scene();
    const root = w.issue(core, s1, '600.00');
    const [a, b, r] = w.transfer(root, [[s2, '100.00'], [s3, '200.00']], '300.00');
    expect(w.state.voucher(root)!.status).toBe('consumed');
    expect(w.state.childrenOf(root)).toEqual([a, b, r]);
    expect([a, b, r].map((id) => w.state.voucher(id!)!.status)).toEqual(['pending_acceptance', 'pending_acceptance', 'active']);
    expect([a, b, r].map((id) => w.state.voucher(id!)!.tier)).toEqual([2, 2, 2]);
    expect(w.state.voucher(a!)!.maturityDate).toBe(w.state.voucher(root)!.maturityDate);
    expect(w.balance(`pendingAcceptance:${s1}`)).toBe('300.00');
    w.run('voucher.accept', s2, { voucherId: a! });
    expect(w.balance(`vouchers:${s2}`)).toBe('100.00');
    expect(w.balance(`vouchers:${s1}`)).toBe('300.00');
  });

  it('a transferred child can be split again by its new holder, tier after tier', () => {
    const { w, core, s1, s2, s3 } = scene();
    const root = w.issue(core, s1, '600.00');
    const [a] = w.transfer(root, [[s2, '100.00']], '500.00');
    w.run('voucher.accept', s2, { voucherId: a! });
    const [b] = w.transfer(a!, [[s3, '40.00']], '60.00');
    expect(w.state.voucher(b!)!.tier).toBe(3);
    expect(w.state.voucher(b!)!.rootId).toBe(root);
  });
});

describe('revoke [sender]', () => {
  it('takes back an unaccepted transfer', () => {
    const { w, core, s1, s2 } = scene();
    const root = w.issue(core, s1, '600.00');
    const [a] = w.transfer(root, [[s2, '100.00']], '500.00');
    only(w.run('voucher.revoke', s1, { voucherId: a! }), 'TransferRevoked');
    expect(w.state.voucher(a!)!.status).toBe('revoked');
    expect(w.state.voucher(returnVoucherId(a!))!.status).toBe('active');
    expect(w.balance(`vouchers:${s1}`)).toBe('600.00');
  });
});

describe('cancel [issuer]', () => {
  it('cancels an unaccepted issue and restores its backing', () => {
    const { w, core, s1 } = scene();
    const id = w.issue(core, s1, '600.00', { accept: false });
    only(w.run('voucher.cancel', core, { voucherId: id }), 'VoucherCancelled');
    expect(w.state.voucher(id)!.status).toBe('cancelled');
    expect(w.balance(`receivable:${s1}`)).toBe('600.00');
  });
});

describe('financing [holder requests, funder approves or rejects]', () => {
  it('approve is refused above the rate or the fees the holder accepted; at exactly them it passes', () => {
    const { w, core, s1, funder } = scene();
    const id = w.issue(core, s1, '1000.00');
    w.run('financing.request', s1, { voucherId: id, funder, productId: 'p1', maxAnnualRate: '0.04', maxFees: '5.00' });
    const detail = w.refused(w.command('financing.approve', funder, { voucherId: id, annualRate: '0.9999999', fees: '0.00' }), 'financingTermsBeyondRequest');
    expect(detail).toContain('at most 0.04 a year and 5.00 in fees');
    w.refused(w.command('financing.approve', funder, { voucherId: id, annualRate: '0.04', fees: '5.01' }), 'financingTermsBeyondRequest');
    only(w.run('financing.approve', funder, { voucherId: id, annualRate: '0.0400', fees: '5.00' }), 'VoucherFinanced');
  });

  it('the holder withdraws an open request: the voucher is active again and the funder can no longer approve', () => {
    const { w, core, s1, s2, funder } = scene();
    const id = w.issue(core, s1, '600.00');
    w.run('financing.request', s1, { voucherId: id, funder, productId: 'p1', maxAnnualRate: '0.05', maxFees: '0.00' });
    w.refused(w.command('financing.withdraw', s2, { voucherId: id }), 'signerNotEntitled');
    only(w.run('financing.withdraw', s1, { voucherId: id }), 'FinancingWithdrawn');
    expect(w.state.voucher(id)).toMatchObject({ status: 'active', financingRequest: null });
    w.refused(w.command('financing.approve', funder, { voucherId: id, annualRate: '0.01', fees: '0.00' }), 'voucherNotPendingFinancing');
    w.refused(w.command('financing.withdraw', s1, { voucherId: id }), 'voucherNotPendingFinancing');
  });

  it('request locks the voucher; approve moves it to the funder with ACT/360 interest and the net disbursed', () => {
    const { w, core, s1, funder } = scene();
    const id = w.issue(core, s1, '600.00');
    only(w.run('financing.request', s1, { voucherId: id, funder, productId: 'discount-90', maxAnnualRate: '0.2', maxFees: '1000.00' }), 'FinancingRequested');
    expect(w.state.voucher(id)!.status).toBe('pending_financing');
    const e = only(w.run('financing.approve', funder, { voucherId: id, annualRate: '0.0450', fees: '6.00' }), 'VoucherFinanced');
    // 2026-03-02 → 2026-06-30 is 120 days; 600 × 0.045 × 120 / 360 = 9.00; net = 600 − 9 − 6 = 585.
    expect(e.data.terms).toMatchObject({ days: 120, interest: '9.00', fees: '6.00', net: '585.00', seller: s1, funder, financedOn: '2026-03-02' });
    expect(w.state.voucher(id)).toMatchObject({ status: 'financed', holder: funder, financingRequest: null });
    expect(w.balance(`vouchers:${funder}`)).toBe('600.00');
    expect(w.balance(`cash:${s1}`)).toBe('585.00');
    expect(w.balance(`interestIncome:${funder}`)).toBe('-9.00');
  });

  it('reject makes the voucher active again with no request attached', () => {
    const { w, core, s1, funder } = scene();
    const id = w.issue(core, s1, '600.00');
    w.run('financing.request', s1, { voucherId: id, funder, productId: 'p1', maxAnnualRate: '0.2', maxFees: '1000.00' });
    only(w.run('financing.reject', funder, { voucherId: id, reason: 'issuer concentration' }), 'FinancingRejected');
    expect(w.state.voucher(id)).toMatchObject({ status: 'active', financingRequest: null });
  });
});

describe('sums past the amount limit', () => {
  it('an issue whose backings sum past the largest amount is refused, not thrown', () => {
    // Unreachable through the ledger, whose balances bound a creditor's payables to the limit
    // (balanceBeyondLimit); decide must still refuse rather than throw if a state ever held them.
    const { w, core, s1 } = scene();
    const [p1, p2] = [w.payable(core, s1, '999999999999999.99'), w.payable(core, s1, '999999999999999.99')];
    const detail = w.refused(
      w.command('voucher.issue', core, { voucherId: w.newId(), holder: s1, amount: '100.00', maturityDate: '2026-06-30', backing: [{ payableId: p1, amount: '999999999999999.99' }, { payableId: p2, amount: '999999999999999.99' }] }),
      'backingMustSumToAmount',
    );
    expect(detail).toContain('1999999999999999.98');
  });
});

describe('settle [issuer]', () => {
  function matured() {
    const s = scene();
    const { w, core, s1, s2, s3, funder } = s;
    const root = w.issue(core, s1, '600.00', { funder });
    const [a, b, r] = w.transfer(root, [[s2, '200.00'], [s3, '100.00']], '300.00');
    w.run('voucher.accept', s2, { voucherId: a! });
    w.run('financing.request', s1, { voucherId: r!, funder, productId: 'p1', maxAnnualRate: '0.2', maxFees: '1000.00' });
    w.run('financing.approve', funder, { voucherId: r!, annualRate: '0.05', fees: '0.00' });
    w.now = new Date('2026-06-30T01:00:00.000Z'); // 09:00 in Shanghai on the maturity date
    return { ...s, root, a: a!, b: b!, r: r! };
  }

  it('refuses a payment reference the issuer already cited to settle another tree', () => {
    const { w, core, s1 } = scene();
    const [first, second] = [w.issue(core, s1, '60.00'), w.issue(core, s1, '50.00')];
    w.now = new Date('2026-06-30T01:00:00.000Z');
    w.run('voucher.settle', core, { rootId: first, paymentReference: 'BANK-SHARED', paidAmount: '60.00' });
    w.refused(w.command('voucher.settle', core, { rootId: second, paymentReference: 'BANK-SHARED', paidAmount: '50.00' }), 'paymentReferenceAlreadyUsed');
    // Another payment reference settles it.
    w.run('voucher.settle', core, { rootId: second, paymentReference: 'BANK-OTHER', paidAmount: '50.00' });
  });

  it('full payment at maturity pays every live leaf to its holder, restores the line and settles the tree', () => {
    const { w, core, s1, s2, funder, root, a, b, r } = matured();
    const e = only(w.run('voucher.settle', core, { rootId: root, paymentReference: 'BANK-0001', paidAmount: '600.00' }), 'VoucherSettled');
    const paid = Object.fromEntries(e.data.payouts.map((x) => [x.voucherId, [x.holder, x.amount]]));
    // The unaccepted piece b is deemed revoked: its sender s1 is paid.
    expect(paid).toEqual({ [a]: [s2, '200.00'], [b]: [s1, '100.00'], [r]: [funder, '300.00'] });
    expect(e.data.holderTotals).toEqual(
      [
        { holder: s1, amount: '100.00' },
        { holder: s2, amount: '200.00' },
        { holder: funder, amount: '300.00' },
      ].sort((x, y) => (x.holder < y.holder ? -1 : 1)),
    );
    expect([a, b, r].map((id) => w.state.voucher(id)!.status)).toEqual(['settled', 'settled', 'settled']);
    expect(w.state.creditLine(funder, core)!.used).toBe('0.00');
    expect(w.balance(`payable:${core}`)).toBe('0.00');
    expect(w.balance(`cash:${core}`)).toBe('-600.00');
    expect(w.balance(`vouchers:${funder}`)).toBe('0.00');
  });

  it('partial payment is allocated pro rata, leaves the rest overdue, and a second payment completes it', () => {
    const { w, core, funder, root, a, b, r } = matured();
    const events = w.run('voucher.settle', core, { rootId: root, paymentReference: 'BANK-0001', paidAmount: '300.00' });
    expect(events.map((e) => e.type)).toEqual(['VoucherSettled', 'VoucherOverdue']);
    expect([a, b, r].map((id) => w.state.voucher(id)!.outstanding)).toEqual(['100.00', '50.00', '150.00']);
    expect([a, b, r].map((id) => w.state.voucher(id)!.status)).toEqual(['overdue', 'overdue', 'overdue']);
    expect(w.state.creditLine(funder, core)!.used).toBe('300.00');
    w.run('voucher.settle', core, { rootId: root, paymentReference: 'BANK-0002', paidAmount: '300.00' });
    expect([a, b, r].map((id) => w.state.voucher(id)!.status)).toEqual(['settled', 'settled', 'settled']);
    expect(w.state.creditLine(funder, core)!.used).toBe('0.00');
  });

  it('marking overdue after maturity turns every unpaid leaf overdue', () => {
    const { w, root, a, b, r } = matured();
    w.advanceDays(1);
    only(w.run('voucher.markOverdue', 'operator', { rootId: root }), 'VoucherOverdue');
    expect([a, b, r].map((id) => w.state.voucher(id)!.status)).toEqual(['overdue', 'overdue', 'overdue']);
  });
});

describe('freeze / unfreeze [regulator]', () => {
  it('freezes a voucher and its whole subtree, remembering each status, and unfreezing restores them', () => {
    const { w, core, s1, s2, regulator } = scene();
    const root = w.issue(core, s1, '600.00');
    const [a, r] = w.transfer(root, [[s2, '200.00']], '400.00');
    const e = only(w.run('voucher.freeze', regulator, { voucherId: root, reason: 'court order 2026-001' }), 'VoucherFrozen');
    expect(e.data.affected).toEqual([
      { voucherId: a, previousStatus: 'pending_acceptance' },
      { voucherId: r, previousStatus: 'active' },
    ]);
    expect([a, r].map((id) => w.state.voucher(id!)!.status)).toEqual(['frozen', 'frozen']);
    w.refused(w.command('voucher.accept', s2, { voucherId: a! }), 'voucherFrozen');
    w.run('voucher.unfreeze', regulator, { voucherId: root, reason: 'order lifted' });
    expect([a, r].map((id) => w.state.voucher(id!)!.status)).toEqual(['pending_acceptance', 'active']);
  });

  it('lifting an inner order while an outer one stands keeps the subtree frozen under the outer order', () => {
    const { w, core, s1, s2, regulator } = scene();
    const root = w.issue(core, s1, '600.00');
    const [a, r] = w.transfer(root, [[s2, '200.00']], '400.00');
    w.run('voucher.freeze', regulator, { voucherId: r!, reason: 'inner' });
    w.run('voucher.freeze', regulator, { voucherId: root, reason: 'outer' });
    w.run('voucher.unfreeze', regulator, { voucherId: r!, reason: 'inner lifted' });
    expect(w.state.voucher(r!)).toMatchObject({ status: 'frozen', frozenBy: root });
    w.run('voucher.unfreeze', regulator, { voucherId: root, reason: 'outer lifted' });
    expect([a, r].map((id) => w.state.voucher(id!)!.status)).toEqual(['pending_acceptance', 'active']);
  });
});

describe('parties and keys', () => {
  it('key rotation: add then revoke; the revoked key no longer signs', () => {
    const { w, s1 } = scene();
    w.run('key.add', s1, { key: { keyId: 'supplier-k2', alg: 'sm2', publicKey: `04${'ab'.repeat(64)}` } });
    w.run('key.revoke', s1, { keyId: World.keyOf(s1) }, ['supplier-k2']);
    expect(w.state.activeKeyIds(s1)).toEqual(['supplier-k2']);
    w.refused(w.command('key.add', s1, { key: { keyId: 'supplier-k3', alg: 'ed25519', publicKey: 'cd'.repeat(32) } }), 'keyRevoked', [World.keyOf(s1)]);
  });

  it('the operator registers an enterprise under its USCC with its roles and keys', () => {
    const { w } = scene();
    const id = w.register(['core', 'supplier']);
    expect(w.state.party(id)).toMatchObject({ partyId: id, uscc: id, roles: ['core', 'supplier'] });
    expect(w.state.activeKeyIds(id)).toEqual([World.keyOf(id)]);
  });

  it('a funder grants and changes a credit line', () => {
    const { w, core, funder } = scene();
    w.run('creditLine.set', funder, { issuer: core, limit: '8000.00', termDays: 90 });
    expect(w.state.creditLine(funder, core)).toMatchObject({ limit: '8000.00', termDays: 90, used: '0.00' });
    expect(w.balance(`creditLineAvailable:${funder}:${core}`, 'CNY-line')).toBe('8000.00');
  });
});
