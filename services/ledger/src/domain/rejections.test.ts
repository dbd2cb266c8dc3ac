/**
 * A table of every rejection code: each row builds its own world, makes one command that must be
 * refused with exactly that code, and checks that the refusal changed nothing in the state.
 */
import { describe, expect, it } from 'vitest';
import { decidePayableConfirmed } from './decide.ts';
import { createPolicy, type LedgerPolicy } from './policy.ts';
import { rejectionCodes, type RejectionCode } from './rejections.ts';
import { World, hexKey, makeUscc } from './test-support.ts';

function scene(policy?: Partial<LedgerPolicy>) {
  const w = new World(policy === undefined ? {} : { policy: createPolicy(policy) });
  const regulator = w.register(['regulator']);
  const core = w.register(['core'], 'core');
  const s1 = w.register(['supplier'], 'supplier');
  const s2 = w.register(['supplier'], 'supplier');
  const funder = w.register(['funder'], 'bank');
  const funder2 = w.register(['funder'], 'bank');
  w.run('creditLine.set', funder, { issuer: core, limit: '5000.00', termDays: 180 });
  const payableId = w.payable(core, s1, '1000.00');
  const root = w.issue(core, s1, '600.00', { funder });
  const pending = w.issue(core, s1, '100.00', { accept: false });
  const atMaturity = () => {
    w.now = new Date('2026-06-30T01:00:00.000Z');
  };
  return { w, regulator, core, s1, s2, funder, funder2, payableId, root, pending, atMaturity };
}

type Scene = ReturnType<typeof scene>;
interface Case {
  /** Builds the world and the command; may return signer keys. */
  build: () => { w: World; cmd: unknown; keys?: string[] };
}

const k = World.keyOf;
const issue = (s: Scene, over: Record<string, unknown> = {}) =>
  s.w.command('voucher.issue', s.core, {
    voucherId: s.w.newId(),
    holder: s.s1,
    amount: '100.00',
    maturityDate: '2026-06-30',
    backing: [{ payableId: s.payableId, amount: '100.00' }],
    ...over,
  } as never);
const transfer = (s: Scene, pieces: Array<[string, string]>, remainder: string | null, voucherId = s.root, ids?: string[]) =>
  s.w.command('voucher.transfer', s.w.state.voucher(voucherId)?.holder ?? s.s1, {
    voucherId,
    pieces: pieces.map(([recipient, amount], i) => ({ childId: ids?.[i] ?? s.w.newId(), recipient, amount })),
    remainder: remainder === null ? null : { childId: s.w.newId(), amount: remainder },
  });
const settle = (s: Scene, paidAmount: string, paymentReference = 'PAY-1', rootId = s.root) =>
  s.w.command('voucher.settle', s.core, { rootId, paymentReference, paidAmount });
const register = (s: Scene, over: Record<string, unknown>) =>
  s.w.command('party.register', 'operator', {
    partyId: makeUscc(77),
    uscc: makeUscc(77),
    name: 'New supplier',
    roles: ['supplier'],
    publicKeys: [{ keyId: 'new-k1', alg: 'ed25519', publicKey: hexKey('new') }],
    ...over,
  } as never);
const financed = (s: Scene) => {
  s.w.run('financing.request', s.s1, { voucherId: s.root, funder: s.funder, productId: 'p1', maxAnnualRate: '0.2', maxFees: '1000.00' });
  return s;
};

const cases: Record<RejectionCode, Case> = {
  commandMalformed: { build: () => { const s = scene(); return { w: s.w, cmd: { ...s.w.command('voucher.accept', s.s1, { voucherId: s.pending }), nonce: '' } }; } },
  unknownCommandType: { build: () => { const s = scene(); return { w: s.w, cmd: { ...s.w.command('voucher.accept', s.s1, { voucherId: s.pending }), type: 'voucher.burn' } }; } },
  chainMismatch: { build: () => { const s = scene(); return { w: s.w, cmd: { ...s.w.command('voucher.accept', s.s1, { voucherId: s.pending }), chain: 'another-ledger' } }; } },
  commandExpired: { build: () => { const s = scene(); return { w: s.w, cmd: { ...s.w.command('voucher.accept', s.s1, { voucherId: s.pending }), createdAt: new Date(s.w.now.getTime() - 25 * 3600_000).toISOString() } }; } },
  commandFromTheFuture: { build: () => { const s = scene(); return { w: s.w, cmd: { ...s.w.command('voucher.accept', s.s1, { voucherId: s.pending }), createdAt: new Date(s.w.now.getTime() + 600_000).toISOString() } }; } },
  nonceAlreadyUsed: { build: () => { const s = scene(); s.w.state.recordNonce(s.s1, 'dup'); return { w: s.w, cmd: { ...s.w.command('voucher.accept', s.s1, { voucherId: s.pending }), nonce: 'dup' } }; } },
  actorUnknown: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('voucher.accept', 'nobody', { voucherId: s.pending }) }; } },
  signatureMissing: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('voucher.accept', s.s1, { voucherId: s.pending }), keys: [] }; } },
  keyRevoked: {
    build: () => {
      const s = scene();
      s.w.run('key.add', s.s1, { key: { keyId: 's1-k2', alg: 'ed25519', publicKey: hexKey('s1-k2') } });
      s.w.run('key.revoke', s.s1, { keyId: k(s.s1) }, ['s1-k2']);
      return { w: s.w, cmd: s.w.command('voucher.accept', s.s1, { voucherId: s.pending }), keys: [k(s.s1)] };
    },
  },
  signerKeyNotOfActor: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('voucher.accept', s.s1, { voucherId: s.pending }), keys: [k(s.s2), 'no-such-key'] }; } },
  actorLacksRole: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('creditLine.set', s.s1, { issuer: s.core, limit: '1.00', termDays: 30 }) }; } },
  payloadMalformed: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('voucher.accept', s.s1, { voucherId: 'X' }) }; } },
  partyAlreadyRegistered: { build: () => { const s = scene(); return { w: s.w, cmd: register(s, { partyId: s.s1, uscc: s.s1 }) }; } },
  usccInvalid: { build: () => { const s = scene(); const bad = makeUscc(77).slice(0, 17) + (makeUscc(77).endsWith('0') ? '1' : '0'); return { w: s.w, cmd: register(s, { partyId: bad, uscc: bad }) }; } },
  partyIdMustBeUscc: { build: () => { const s = scene(); return { w: s.w, cmd: register(s, { partyId: 'acme' }) }; } },
  usccAlreadyRegistered: { build: () => { const s = scene(); return { w: s.w, cmd: register(s, { partyId: 'regulator-x', uscc: s.s1, roles: ['regulator'] }) }; } },
  keyIdTaken: { build: () => { const s = scene(); return { w: s.w, cmd: register(s, { publicKeys: [{ keyId: k(s.s1), alg: 'ed25519', publicKey: hexKey('x') }] }) }; } },
  tooManyKeys: {
    build: () => {
      const s = scene();
      for (let i = 2; i <= 16; i++) s.w.run('key.add', s.s1, { key: { keyId: `s1-k${i}`, alg: 'ed25519', publicKey: hexKey(`s1-${i}`) } });
      return { w: s.w, cmd: s.w.command('key.add', s.s1, { key: { keyId: 's1-k17', alg: 'ed25519', publicKey: hexKey('s1-17') } }) };
    },
  },
  publicKeyMalformed: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('key.add', s.s1, { key: { keyId: 's1-k2', alg: 'ed25519', publicKey: 'abcdef' } }) }; } },
  unknownKey: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('key.revoke', s.s1, { keyId: k(s.s2) }) }; } },
  keyAlreadyRevoked: {
    build: () => {
      const s = scene();
      s.w.run('key.add', s.s1, { key: { keyId: 's1-k2', alg: 'ed25519', publicKey: hexKey('s1-k2') } });
      s.w.run('key.revoke', s.s1, { keyId: k(s.s1) }, ['s1-k2']);
      return { w: s.w, cmd: s.w.command('key.revoke', s.s1, { keyId: k(s.s1) }), keys: ['s1-k2'] };
    },
  },
  lastActiveKey: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('key.revoke', s.s1, { keyId: k(s.s1) }) }; } },
  payableAlreadyRecorded: { build: () => { throw new Error('tested through decidePayableConfirmed below'); } },
  unknownParty: { build: () => { const s = scene(); return { w: s.w, cmd: transfer(s, [['ghost', '100.00']], '500.00') }; } },
  counterpartyLacksRole: { build: () => { const s = scene(); return { w: s.w, cmd: transfer(s, [[s.regulator, '100.00']], '500.00') }; } },
  voucherIdTaken: { build: () => { const s = scene(); return { w: s.w, cmd: issue(s, { voucherId: s.root }) }; } },
  duplicateVoucherId: { build: () => { const s = scene(); const id = s.w.newId(); return { w: s.w, cmd: transfer(s, [[s.s2, '100.00'], [s.s2, '500.00']], null, s.root, [id, id]) }; } },
  unknownVoucher: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('voucher.accept', s.s1, { voucherId: s.w.newId() }) }; } },
  signerNotEntitled: { build: () => { const s = scene(); return { w: s.w, cmd: { ...transfer(s, [[s.s1, '100.00']], '500.00'), actor: s.s2 } }; } },
  voucherNotARoot: {
    build: () => {
      const s = scene();
      const [child] = s.w.transfer(s.root, [[s.s2, '100.00']], '500.00');
      return { w: s.w, cmd: s.w.command('voucher.cancel', s.core, { voucherId: child! }) };
    },
  },
  voucherNotATransfer: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('voucher.revoke', s.core, { voucherId: s.pending }) }; } },
  voucherAlreadySplit: { build: () => { const s = scene(); s.w.transfer(s.root, [[s.s2, '100.00']], '500.00'); return { w: s.w, cmd: transfer(s, [[s.s2, '600.00']], null) }; } },
  voucherFrozen: { build: () => { const s = scene(); s.w.run('voucher.freeze', s.regulator, { voucherId: s.root, reason: 'order' }); return { w: s.w, cmd: transfer(s, [[s.s2, '600.00']], null) }; } },
  voucherNotActive: { build: () => { const s = financed(scene()); return { w: s.w, cmd: transfer(s, [[s.s2, '600.00']], null) }; } },
  voucherNotPendingAcceptance: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('voucher.accept', s.s1, { voucherId: s.root }) }; } },
  voucherNotPendingFinancing: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('financing.approve', s.funder, { voucherId: s.root, annualRate: '0.05', fees: '0.00' }) }; } },
  acceptancePeriodOver: { build: () => { const s = scene(); s.w.advanceDays(8); return { w: s.w, cmd: s.w.command('voucher.accept', s.s1, { voucherId: s.pending }) }; } },
  acceptancePeriodNotOver: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('voucher.expireAcceptance', 'operator', { voucherId: s.pending }) }; } },
  voucherAlreadyFrozen: { build: () => { const s = scene(); s.w.run('voucher.freeze', s.regulator, { voucherId: s.root, reason: 'order' }); return { w: s.w, cmd: s.w.command('voucher.freeze', s.regulator, { voucherId: s.root, reason: 'again' }) }; } },
  voucherNotFrozenByThisOrder: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('voucher.unfreeze', s.regulator, { voucherId: s.root, reason: 'lift' }) }; } },
  nothingToFreeze: { build: () => { const s = scene(); s.w.run('voucher.reject', s.s1, { voucherId: s.pending }); return { w: s.w, cmd: s.w.command('voucher.freeze', s.regulator, { voucherId: s.pending, reason: 'order' }) }; } },
  rootNotAccepted: { build: () => { const s = scene(); s.atMaturity(); return { w: s.w, cmd: settle(s, '100.00', 'PAY-1', s.pending) }; } },
  treeHasFrozenVoucher: { build: () => { const s = scene(); s.w.run('voucher.freeze', s.regulator, { voucherId: s.root, reason: 'order' }); s.atMaturity(); return { w: s.w, cmd: settle(s, '600.00') }; } },
  treeAlreadySettled: { build: () => { const s = scene(); s.atMaturity(); s.w.run('voucher.settle', s.core, { rootId: s.root, paymentReference: 'PAY-1', paidAmount: '600.00' }); return { w: s.w, cmd: settle(s, '1.00', 'PAY-2') }; } },
  nothingOverdue: { build: () => { const s = scene(); s.atMaturity(); s.w.run('voucher.settle', s.core, { rootId: s.root, paymentReference: 'PAY-1', paidAmount: '600.00' }); s.w.advanceDays(1); return { w: s.w, cmd: s.w.command('voucher.markOverdue', 'operator', { rootId: s.root }) }; } },
  maturityNotPassed: { build: () => { const s = scene(); s.atMaturity(); return { w: s.w, cmd: s.w.command('voucher.markOverdue', 'operator', { rootId: s.root }) }; } },
  holderIsIssuer: { build: () => { const s = scene(); return { w: s.w, cmd: issue(s, { holder: s.core }) }; } },
  tooManyPayables: { build: () => { const s = scene({ backingPayablesMax: 1 }); const p2 = s.w.payable(s.core, s.s1, '1.00'); return { w: s.w, cmd: issue(s, { amount: '101.00', backing: [{ payableId: s.payableId, amount: '100.00' }, { payableId: p2, amount: '1.00' }] }) }; } },
  duplicatePayable: { build: () => { const s = scene(); return { w: s.w, cmd: issue(s, { amount: '200.00', backing: [{ payableId: s.payableId, amount: '100.00' }, { payableId: s.payableId, amount: '100.00' }] }) }; } },
  unknownPayable: { build: () => { const s = scene(); return { w: s.w, cmd: issue(s, { backing: [{ payableId: 'payable-none', amount: '100.00' }] }) }; } },
  payableNotBetweenParties: { build: () => { const s = scene(); return { w: s.w, cmd: issue(s, { holder: s.s2 }) }; } },
  payableRemainderExceeded: { build: () => { const s = scene(); return { w: s.w, cmd: issue(s, { amount: '1000.01', backing: [{ payableId: s.payableId, amount: '1000.01' }] }) }; } },
  backingMustSumToAmount: { build: () => { const s = scene(); return { w: s.w, cmd: issue(s, { amount: '150.00' }) }; } },
  pieceBelowMinimum: { build: () => { const s = scene({ pieceMin: '10.00' }); return { w: s.w, cmd: transfer(s, [[s.s2, '9.99']], '590.01') }; } },
  maturityNotAfterIssue: { build: () => { const s = scene(); return { w: s.w, cmd: issue(s, { maturityDate: '2026-03-02' }) }; } },
  maturityBeyondPolicy: { build: () => { const s = scene(); return { w: s.w, cmd: issue(s, { maturityDate: '2026-09-03' }) }; } },
  unknownCreditLine: { build: () => { const s = scene(); return { w: s.w, cmd: issue(s, { creditLineFunder: s.funder2 }) }; } },
  maturityBeyondCreditLineTerm: { build: () => { const s = scene(); s.w.run('creditLine.set', s.funder, { issuer: s.core, limit: '5000.00', termDays: 30 }); return { w: s.w, cmd: issue(s, { creditLineFunder: s.funder }) }; } },
  creditLineExhausted: { build: () => { const s = scene(); s.w.run('creditLine.set', s.funder, { issuer: s.core, limit: '650.00', termDays: 180 }); return { w: s.w, cmd: issue(s, { creditLineFunder: s.funder }) }; } },
  termDaysOutOfRange: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('creditLine.set', s.funder, { issuer: s.core, limit: '1.00', termDays: 367 }) }; } },
  recipientIsHolder: { build: () => { const s = scene(); return { w: s.w, cmd: transfer(s, [[s.s1, '100.00']], '500.00') }; } },
  tooManyChildren: { build: () => { const s = scene(); return { w: s.w, cmd: transfer(s, Array.from({ length: 20 }, (): [string, string] => [s.s2, '1.00']), '580.00') }; } },
  treeDepthBeyondPolicy: {
    build: () => {
      const s = scene({ treeDepthMax: 2 });
      const [, rest] = s.w.transfer(s.root, [[s.s2, '100.00']], '500.00');
      return { w: s.w, cmd: transfer(s, [[s.s2, '100.00']], '400.00', rest!) };
    },
  },
  childrenMustSumToParent: { build: () => { const s = scene(); return { w: s.w, cmd: transfer(s, [[s.s2, '100.00']], '400.00') }; } },
  voucherPastMaturity: { build: () => { const s = scene(); s.atMaturity(); return { w: s.w, cmd: transfer(s, [[s.s2, '100.00']], '500.00') }; } },
  financingTermsBeyondRequest: { build: () => { const s = financed(scene()); return { w: s.w, cmd: s.w.command('financing.approve', s.funder, { voucherId: s.root, annualRate: '0.2000000001', fees: '0.00' }) }; } },
  feeAboveCap: { build: () => { const s = financed(scene()); return { w: s.w, cmd: s.w.command('financing.approve', s.funder, { voucherId: s.root, annualRate: '0.05', fees: '6.01' }) }; } },
  discountExceedsAmount: {
    build: () => {
      const s = scene({ maturityMonthsMax: 12 });
      const id = s.w.issue(s.core, s.s1, '100.00', { maturityDate: '2027-03-01' });
      s.w.run('financing.request', s.s1, { voucherId: id, funder: s.funder, productId: 'p1', maxAnnualRate: '0.9999999999', maxFees: '1.00' });
      return { w: s.w, cmd: s.w.command('financing.approve', s.funder, { voucherId: id, annualRate: '0.9999999999', fees: '1.00' }) };
    },
  },
  settlementBeforeMaturity: { build: () => { const s = scene(); return { w: s.w, cmd: settle(s, '600.00') }; } },
  tooManySettlements: {
    build: () => {
      const s = scene();
      s.atMaturity();
      for (let i = 0; i < 100; i++) s.w.run('voucher.settle', s.core, { rootId: s.root, paymentReference: `PAY-${i}`, paidAmount: '0.01' });
      return { w: s.w, cmd: settle(s, '0.01', 'PAY-100') };
    },
  },
  paymentReferenceAlreadyUsed: { build: () => { const s = scene(); s.atMaturity(); s.w.run('voucher.settle', s.core, { rootId: s.root, paymentReference: 'PAY-1', paidAmount: '1.00' }); return { w: s.w, cmd: settle(s, '1.00', 'PAY-1') }; } },
  paymentMustBePositive: { build: () => { const s = scene(); s.atMaturity(); return { w: s.w, cmd: settle(s, '0.00') }; } },
  paymentExceedsOutstanding: { build: () => { const s = scene(); s.atMaturity(); return { w: s.w, cmd: settle(s, '600.01') }; } },
  // 银发〔2025〕77号: no configuration lifts maturity past one year.
  policyBeyondLimits: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('policy.change', 'operator', { changes: { maturityMonthsMax: 13 } }) }; } },
  policyUnchanged: { build: () => { const s = scene(); return { w: s.w, cmd: s.w.command('policy.change', 'operator', { changes: { treeDepthMax: s.w.policy.treeDepthMax } }) }; } },
};

describe('decide refuses, changing nothing', () => {
  const commandCases = Object.entries(cases).filter(([code]) => code !== 'payableAlreadyRecorded') as Array<[RejectionCode, Case]>;
  it.each(commandCases)('%s', (code, c) => {
    const { w, cmd, keys } = c.build();
    const detail = w.refused(cmd, code, keys);
    expect(detail.length).toBeGreaterThan(0);
  });

  it('payableAlreadyRecorded: the same payable fact twice is refused the second time', () => {
    const s = scene();
    const fact = { type: 'payable.confirmed', payableId: s.payableId, debtor: s.core, creditor: s.s1, amount: '5.00', invoices: [] };
    const before = JSON.stringify(s.w.state.snapshot());
    const d = decidePayableConfirmed(fact, { state: s.w.state, now: s.w.now });
    expect(d.ok ? 'accepted' : d.rejection.code).toBe('payableAlreadyRecorded');
    expect(JSON.stringify(s.w.state.snapshot())).toBe(before);
  });

  it('every code of the rejection table has a row here', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(rejectionCodes).sort());
  });
});

describe('rejection order', () => {
  it('reports the earliest broken rule when several are broken (entitlement before status)', () => {
    const s = scene();
    s.w.transfer(s.root, [[s.s2, '100.00']], '500.00');
    // s2 is not the holder AND the root is split: entitlement is checked first.
    s.w.refused({ ...transfer(s, [[s.s1, '600.00']], null), actor: s.s2 }, 'signerNotEntitled');
  });

  const twoBroken: Array<[string, RejectionCode, RejectionCode, () => { w: World; cmd: unknown }]> = [
    ['issue: unknown payable and maturity beyond policy', 'unknownPayable', 'maturityBeyondPolicy', () => {
      const s = scene();
      return { w: s.w, cmd: issue(s, { backing: [{ payableId: 'payable-none', amount: '100.00' }], maturityDate: '2027-01-01' }) };
    }],
    ['key.add: malformed key while at the key limit', 'publicKeyMalformed', 'tooManyKeys', () => {
      const s = scene();
      for (let i = 2; i <= 16; i++) s.w.run('key.add', s.s1, { key: { keyId: `s1-k${i}`, alg: 'ed25519', publicKey: hexKey(`s1-${i}`) } });
      return { w: s.w, cmd: s.w.command('key.add', s.s1, { key: { keyId: 's1-k17', alg: 'ed25519', publicKey: 'ab' } }) };
    }],
    ['transfer: too many children that also do not sum to the parent', 'tooManyChildren', 'childrenMustSumToParent', () => {
      const s = scene();
      return { w: s.w, cmd: transfer(s, Array.from({ length: 21 }, (): [string, string] => [s.s2, '1.00']), null) };
    }],
    ['transfer: one recipient lacks its role, a later one is unknown', 'unknownParty', 'counterpartyLacksRole', () => {
      const s = scene();
      return { w: s.w, cmd: transfer(s, [[s.regulator, '100.00'], ['ghost', '100.00']], '400.00') };
    }],
    ['settle: before maturity and paying zero', 'settlementBeforeMaturity', 'paymentMustBePositive', () => {
      const s = scene();
      return { w: s.w, cmd: settle(s, '0.00') };
    }],
    ['transfer by a non-holder naming a taken child id', 'signerNotEntitled', 'voucherIdTaken', () => {
      const s = scene();
      return { w: s.w, cmd: s.w.command('voucher.transfer', s.s2, { voucherId: s.root, pieces: [{ childId: s.pending, recipient: s.core, amount: '600.00' }], remainder: null }) };
    }],
    ['reject: unknown voucher and a malformed reason', 'payloadMalformed', 'unknownVoucher', () => {
      const s = scene();
      return { w: s.w, cmd: s.w.command('voucher.reject', s.s1, { voucherId: s.w.newId(), reason: 'x'.repeat(501) }) };
    }],
  ];
  it.each(twoBroken)('%s: reports %s, the earlier of the table, not %s', (_name, first, second, build) => {
    const codes = Object.keys(rejectionCodes);
    expect(codes.indexOf(first)).toBeLessThan(codes.indexOf(second));
    const { w, cmd } = build();
    w.refused(cmd, first);
  });

  it('a refused command leaves no dirty entity behind', () => {
    const s = scene();
    s.w.state.takeDirty();
    s.w.decide(transfer(s, [[s.s2, '100.00']], '400.00'));
    const dirty = s.w.state.takeDirty();
    expect([dirty.vouchers.size, dirty.payables.size, dirty.parties.size]).toEqual([0, 0, 0]);
  });
});
