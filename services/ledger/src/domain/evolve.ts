/**
 * `evolve(state, event)`: applies one event to the state. Deterministic: it uses only the event
 * and the state, never the clock, and never decides — an event that does not fit the state is a
 * broken log or a programmer error, and stops the process.
 */
import { Amount } from '@cascade/money';
import type { Voucher } from './entities.ts';
import type { LedgerEvent, ReturnedOffer } from './events.ts';
import type { LedgerState } from './state.ts';

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`evolve: ${message}`);
}

function voucher(state: LedgerState, voucherId: string): Voucher {
  const v = state.voucher(voucherId);
  assert(v !== undefined, `voucher ${voucherId} is missing`);
  return v;
}

function restorePayables(state: LedgerState, offer: ReturnedOffer): void {
  for (const b of offer.restoredBacking) {
    const payable = state.payable(b.payableId);
    assert(payable !== undefined, `payable ${b.payableId} is missing`);
    const remaining = Amount.parse(payable.remaining).plus(Amount.parse(b.amount));
    assert(remaining.lte(Amount.parse(payable.amount)), `payable ${b.payableId} would exceed its amount`);
    state.putPayable({ ...payable, remaining: remaining.toString() });
  }
}

function restoreCreditLine(state: LedgerState, restored: { funder: string; issuer: string; amount: string } | null): void {
  if (restored === null) return;
  const line = state.creditLine(restored.funder, restored.issuer);
  assert(line !== undefined, `credit line ${restored.funder}/${restored.issuer} is missing`);
  const used = Amount.parse(line.used).minus(Amount.parse(restored.amount));
  state.putCreditLine({ ...line, used: used.toString() });
}

function returnOffer(state: LedgerState, offer: ReturnedOffer, status: 'rejected' | 'revoked' | 'cancelled'): void {
  const v = voucher(state, offer.voucherId);
  assert(v.status === 'pending_acceptance', `voucher ${v.voucherId} is ${v.status}, not pending acceptance`);
  state.putVoucher({ ...v, status, acceptanceDeadline: null });
  if (offer.returnVoucherId === null) {
    restorePayables(state, offer);
    restoreCreditLine(state, offer.creditLineRestored);
    return;
  }
  assert(state.voucher(offer.returnVoucherId) === undefined, `return voucher ${offer.returnVoucherId} exists already`);
  // The value goes back to the sender as a new active sibling: same parent, tier, root, maturity.
  state.putVoucher({
    ...v,
    voucherId: offer.returnVoucherId,
    holder: offer.owner,
    sender: offer.owner,
    status: 'active',
    acceptanceDeadline: null,
    returnOf: v.voucherId,
    createdAt: offer.at,
  });
}

export function evolve(state: LedgerState, event: LedgerEvent): void {
  switch (event.type) {
    case 'PolicyChanged': {
      state.putPolicy(event.data.policy);
      return;
    }
    case 'PartyRegistered': {
      const d = event.data;
      state.putParty({ partyId: d.partyId, uscc: d.uscc, name: d.name, roles: [...d.roles], registeredAt: d.at });
      for (const k of d.keys) state.putKey({ keyId: k.keyId, partyId: d.partyId, alg: k.alg, publicKey: k.publicKey, addedAt: d.at, revokedAt: null });
      return;
    }
    case 'KeyAdded': {
      const d = event.data;
      state.putKey({ keyId: d.keyId, partyId: d.partyId, alg: d.alg, publicKey: d.publicKey, addedAt: d.at, revokedAt: null });
      return;
    }
    case 'KeyRevoked': {
      const key = state.key(event.data.keyId);
      assert(key !== undefined && key.revokedAt === null, `key ${event.data.keyId} is missing or revoked`);
      state.putKey({ ...key, revokedAt: event.data.at });
      return;
    }
    case 'PayableRecorded': {
      const d = event.data;
      state.putPayable({ payableId: d.payableId, debtor: d.debtor, creditor: d.creditor, amount: d.amount, remaining: d.amount, invoices: [...d.invoices], recordedAt: d.at });
      return;
    }
    case 'CreditLineChanged': {
      const d = event.data;
      const line = state.creditLine(d.funder, d.issuer);
      state.putCreditLine({ funder: d.funder, issuer: d.issuer, limit: d.limit, used: line?.used ?? '0.00', termDays: d.termDays, changedAt: d.at });
      return;
    }
    case 'VoucherIssued': {
      const d = event.data;
      assert(state.voucher(d.voucher.voucherId) === undefined, `voucher ${d.voucher.voucherId} exists already`);
      for (const b of d.consumedBacking) {
        const payable = state.payable(b.payableId);
        assert(payable !== undefined, `payable ${b.payableId} is missing`);
        state.putPayable({ ...payable, remaining: Amount.parse(payable.remaining).minus(Amount.parse(b.amount)).toString() });
      }
      if (d.creditLineUsed !== null) {
        const line = state.creditLine(d.creditLineUsed.funder, d.creditLineUsed.issuer);
        assert(line !== undefined, 'credit line is missing');
        state.putCreditLine({ ...line, used: Amount.parse(line.used).plus(Amount.parse(d.creditLineUsed.amount)).toString() });
      }
      state.putVoucher(structuredClone(d.voucher));
      return;
    }
    case 'VoucherAccepted': {
      const v = voucher(state, event.data.voucherId);
      assert(v.status === 'pending_acceptance', `voucher ${v.voucherId} is ${v.status}`);
      state.putVoucher({ ...v, status: 'active', acceptanceDeadline: null });
      return;
    }
    case 'VoucherRejected':
    case 'AcceptanceExpired':
      returnOffer(state, event.data, 'rejected');
      return;
    case 'TransferRevoked':
      returnOffer(state, event.data, 'revoked');
      return;
    case 'VoucherCancelled':
      returnOffer(state, event.data, 'cancelled');
      return;
    case 'VoucherTransferred': {
      const d = event.data;
      const parent = voucher(state, d.parentId);
      assert(parent.status === 'active', `voucher ${parent.voucherId} is ${parent.status}; only an active voucher is consumed`);
      state.putVoucher({ ...parent, status: 'consumed' });
      for (const child of d.children) {
        assert(state.voucher(child.voucherId) === undefined, `voucher ${child.voucherId} exists already`);
        state.putVoucher(structuredClone(child));
      }
      return;
    }
    case 'FinancingRequested': {
      const d = event.data;
      const v = voucher(state, d.voucherId);
      assert(v.status === 'active', `voucher ${v.voucherId} is ${v.status}`);
      state.putVoucher({ ...v, status: 'pending_financing', financingRequest: { funder: d.funder, productId: d.productId, maxAnnualRate: d.maxAnnualRate, maxFees: d.maxFees, requestedAt: d.at } });
      return;
    }
    case 'VoucherFinanced': {
      const d = event.data;
      const v = voucher(state, d.voucherId);
      assert(v.status === 'pending_financing', `voucher ${v.voucherId} is ${v.status}`);
      state.putVoucher({ ...v, status: 'financed', holder: d.terms.funder, financingRequest: null, financing: { ...d.terms } });
      return;
    }
    case 'FinancingRejected':
    case 'FinancingWithdrawn': {
      const v = voucher(state, event.data.voucherId);
      assert(v.status === 'pending_financing', `voucher ${v.voucherId} is ${v.status}`);
      state.putVoucher({ ...v, status: 'active', financingRequest: null });
      return;
    }
    case 'VoucherSettled': {
      const d = event.data;
      const root = voucher(state, d.rootId);
      state.putVoucher({ ...root, paymentReferences: [...root.paymentReferences, d.paymentReference] });
      for (const x of d.payouts) {
        const v = voucher(state, x.voucherId);
        state.putVoucher({
          ...v,
          holder: x.holder,
          status: x.statusAfter,
          outstanding: x.outstandingAfter,
          acceptanceDeadline: null,
          financingRequest: null,
        });
      }
      restoreCreditLine(state, d.creditLineRestored);
      return;
    }
    case 'VoucherOverdue': {
      for (const x of event.data.leaves) {
        const v = voucher(state, x.voucherId);
        state.putVoucher({ ...v, holder: x.holder, status: 'overdue', outstanding: x.outstanding, acceptanceDeadline: null, financingRequest: null });
      }
      return;
    }
    case 'VoucherFrozen': {
      const d = event.data;
      const target = voucher(state, d.voucherId);
      state.putVoucher({ ...target, freezeOrder: { reason: d.reason, at: d.at } });
      for (const x of d.affected) {
        const v = voucher(state, x.voucherId);
        state.putVoucher({ ...v, status: 'frozen', statusBeforeFreeze: x.previousStatus, frozenBy: d.voucherId });
      }
      return;
    }
    case 'VoucherUnfrozen': {
      const d = event.data;
      const target = voucher(state, d.voucherId);
      state.putVoucher({ ...target, freezeOrder: null });
      for (const x of d.restored) {
        const v = voucher(state, x.voucherId);
        state.putVoucher({ ...v, status: x.status, statusBeforeFreeze: null, frozenBy: null });
      }
      for (const x of d.reassigned) {
        const v = voucher(state, x.voucherId);
        state.putVoucher({ ...v, frozenBy: x.frozenBy });
      }
      return;
    }
  }
}

/** Applies events in order. */
export function evolveAll(state: LedgerState, events: readonly LedgerEvent[]): void {
  for (const e of events) evolve(state, e);
}
