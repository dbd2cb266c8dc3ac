/**
 * Ledger events as the ledger publishes them (they pass the ledger's schemas), for tests that
 * drive the risk service without a ledger: a party, an issued root, an acceptance, a transfer.
 */
import { randomUUID } from 'node:crypto';
import { usccFromNumber } from '@cascade/ids';

let counter = 0;
export function newParty(): string {
  return usccFromNumber(((Date.now() % 1e5) * 1000 + (counter++ % 1000)) + 7_000_000);
}

export const at = (day: string, hour = 2): string => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;

export function partyRegistered(partyId: string, roles: string[], when = at('2026-01-05')) {
  return { type: 'PartyRegistered', key: partyId, data: { partyId, uscc: /^[0-9A-Z]{18}$/.test(partyId) ? partyId : null, name: `party ${partyId}`, roles, keys: [], at: when } };
}

export function voucherRecord(v: { voucherId: string; rootId: string; parentId: string | null; issuer: string; holder: string; sender: string; amount: string; maturityDate: string; tier: number; status: string; createdAt: string; backing?: { payableId: string; amount: string }[] }) {
  return {
    voucherId: v.voucherId, rootId: v.rootId, parentId: v.parentId, issuer: v.issuer, holder: v.holder, sender: v.sender, amount: v.amount,
    issueDate: v.createdAt.slice(0, 10), maturityDate: v.maturityDate, tier: v.tier, backing: v.backing ?? [], creditLineFunder: null, status: v.status,
    statusBeforeFreeze: null, frozenBy: null, freezeOrder: null, acceptanceDeadline: null, financingRequest: null, financing: null,
    outstanding: v.amount, returnOf: null, paymentReferences: [], createdAt: v.createdAt,
  };
}

export function voucherIssued(issuer: string, holder: string, amount: string, maturityDate: string, when: string, payableId = `P-${randomUUID()}`) {
  const rootId: string = randomUUID();
  const voucher = voucherRecord({ voucherId: rootId, rootId, parentId: null, issuer, holder, sender: issuer, amount, maturityDate, tier: 1, status: 'pending_acceptance', createdAt: when, backing: [{ payableId, amount }] });
  return { rootId, payableId, event: { type: 'VoucherIssued', key: rootId, data: { voucher, consumedBacking: [{ payableId, amount }], creditLineUsed: null } } };
}

export function voucherAccepted(voucherId: string, rootId: string, holder: string, owner: string, amount: string, when: string) {
  return { type: 'VoucherAccepted', key: rootId, data: { voucherId, rootId, holder, owner, amount, at: when } };
}

/** A whole transfer of `parentId` to `recipient` (one child, no remainder). */
export function voucherTransferred(p: { parentId: string; rootId: string; issuer: string; holder: string; recipient: string; amount: string; maturityDate: string; tier: number; when: string }) {
  const childId: string = randomUUID();
  const child = voucherRecord({ voucherId: childId, rootId: p.rootId, parentId: p.parentId, issuer: p.issuer, holder: p.recipient, sender: p.holder, amount: p.amount, maturityDate: p.maturityDate, tier: p.tier + 1, status: 'pending_acceptance', createdAt: p.when });
  return { childId, event: { type: 'VoucherTransferred', key: p.rootId, data: { parentId: p.parentId, rootId: p.rootId, holder: p.holder, amount: p.amount, children: [child], at: p.when } } };
}

export function financingRequested(r: { voucherId: string; rootId: string; holder: string; funder: string; productId: string; amount: string; when: string; maxAnnualRate?: string; maxFees?: string }) {
  return {
    type: 'FinancingRequested',
    key: r.rootId,
    data: { voucherId: r.voucherId, rootId: r.rootId, holder: r.holder, funder: r.funder, productId: r.productId, maxAnnualRate: r.maxAnnualRate ?? '0.2', maxFees: r.maxFees ?? '1000.00', amount: r.amount, at: r.when },
  };
}
