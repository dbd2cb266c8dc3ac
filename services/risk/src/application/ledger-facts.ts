/**
 * What each ledger event does to the service: keep the platform view current, assess financing
 * requests, and run the early-warning rules the ledger's events feed (issuer overdue, platform
 * concentration). Called in the consumer's transaction, once per event (the inbox sees to it),
 * with split events already put together again.
 */
import type { LedgerEventName } from '@cascade/events';
import { issuerOverdue as issuerOverdueRule, concentrationAboveLimit } from '../domain/warnings.ts';
import {
  acceptVoucher, concentrationFlag, endFinancingRequest, financeVoucher, insertTree, insertVoucher, markOverdue, platformExposure, recordPayable, refreshTree, requestFinancing,
  returnOffer, setConcentrationFlag, setStatus, settleLeaves, upsertCreditLine, upsertParty, type Db, type LedgerVoucher,
} from '../data-access/platform-view.ts';
import { raiseAlert } from './alerts.ts';
import { assessFinancingRequest, type FinancingRequest } from './assess.ts';
import type { RiskContext } from './context.ts';

type Data = Record<string, any>;

const returnedStatus: Record<string, string> = { VoucherRejected: 'rejected', VoucherCancelled: 'cancelled', TransferRevoked: 'revoked', AcceptanceExpired: 'rejected' };

/** The ledger's voucher record as the view stores it (the root's own id when it is a root). */
function ledgerVoucher(v: Data): LedgerVoucher {
  return {
    voucherId: v.voucherId, rootId: v.rootId, parentId: v.parentId, issuer: v.issuer, holder: v.holder, sender: v.sender, amount: v.amount,
    maturityDate: v.maturityDate, tier: v.tier, status: v.status, outstanding: v.outstanding, createdAt: v.createdAt, backing: v.backing,
  };
}

async function checkConcentration(db: Db, ctx: RiskContext, issuer: string, at: Date): Promise<void> {
  const { issuerFinanced, platformFinanced } = await platformExposure(db, issuer);
  const was = await concentrationFlag(db, issuer);
  const { alert, above } = concentrationAboveLimit(issuer, issuerFinanced, platformFinanced, was, ctx.warnings);
  if (above !== was) await setConcentrationFlag(db, issuer, above);
  if (alert) await raiseAlert(db, ctx, alert, at);
}

/** Applies one ledger event; returns false for a type the service has no use for. */
export async function applyLedgerEvent(db: Db, ctx: RiskContext, type: LedgerEventName | string, d: Data): Promise<boolean> {
  switch (type) {
    case 'PartyRegistered':
      await upsertParty(db, { partyId: d.partyId, uscc: d.uscc, name: d.name, roles: d.roles, at: d.at });
      return true;
    case 'CreditLineChanged':
      await upsertCreditLine(db, { funder: d.funder, issuer: d.issuer, limit: d.limit });
      return true;
    case 'PayableRecorded':
      await recordPayable(db, { payableId: d.payableId, debtor: d.debtor, creditor: d.creditor, amount: d.amount, invoices: d.invoices });
      return true;
    case 'VoucherIssued': {
      const v = ledgerVoucher(d.voucher);
      await insertTree(db, v);
      await insertVoucher(db, v);
      return true;
    }
    case 'VoucherAccepted':
      await acceptVoucher(db, d.voucherId, d.at);
      return true;
    case 'VoucherRejected':
    case 'VoucherCancelled':
    case 'TransferRevoked':
    case 'AcceptanceExpired':
      await returnOffer(db, { voucherId: d.voucherId, owner: d.owner, returnVoucherId: d.returnVoucherId, at: d.at }, returnedStatus[type]!);
      return true;
    case 'VoucherTransferred':
      await setStatus(db, [d.parentId], 'consumed');
      for (const child of d.children as Data[]) await insertVoucher(db, ledgerVoucher(child));
      return true;
    case 'FinancingRequested': {
      await requestFinancing(db, { voucherId: d.voucherId, funder: d.funder, productId: d.productId, at: d.at });
      await assessFinancingRequest(db, ctx, d as FinancingRequest);
      return true;
    }
    case 'VoucherFinanced': {
      const financed = await financeVoucher(db, { voucherId: d.voucherId, funder: d.terms.funder, seller: d.terms.seller, productId: d.terms.productId, financedOn: d.terms.financedOn });
      if (financed) await checkConcentration(db, ctx, financed.issuer, new Date(d.at));
      return true;
    }
    case 'FinancingRejected':
      await endFinancingRequest(db, { voucherId: d.voucherId, holder: d.holder, funder: d.funder, at: d.at }, 'rejected');
      return true;
    case 'FinancingWithdrawn':
      await endFinancingRequest(db, { voucherId: d.voucherId, holder: d.holder, funder: d.funder, at: d.at }, 'withdrawn');
      return true;
    case 'VoucherSettled': {
      await settleLeaves(db, d.payouts);
      const tree = await refreshTree(db, d.rootId, d.at);
      if (tree) {
        const { issuerFinanced, platformFinanced } = await platformExposure(db, tree.issuer);
        const { above } = concentrationAboveLimit(tree.issuer, issuerFinanced, platformFinanced, true, ctx.warnings);
        if (!above) await setConcentrationFlag(db, tree.issuer, false);
      }
      return true;
    }
    case 'VoucherOverdue': {
      await markOverdue(db, d.leaves);
      const tree = await refreshTree(db, d.rootId, null);
      if (tree) {
        const alert = issuerOverdueRule(tree.issuer, d.rootId, tree.overdueOutstanding, tree.overdueLeaves, d.at);
        if (alert) await raiseAlert(db, ctx, alert, new Date(d.at));
      }
      return true;
    }
    case 'VoucherFrozen':
      await setStatus(db, (d.affected as Data[]).map((a) => a.voucherId), 'frozen');
      return true;
    case 'VoucherUnfrozen':
      for (const r of d.restored as Data[]) await setStatus(db, [r.voucherId], r.status);
      return true;
    default:
      return false;
  }
}
