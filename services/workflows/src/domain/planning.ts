/**
 * What the ledger's events ask the platform to do later, as pure functions: the actions to plan
 * (each named by what it acts on, so an event seen twice plans it once) and the ones an event
 * makes pointless. Time is given, never read.
 */

/** A ledger event as the workflows service reads it (schemas in @cascade/events). */
export interface LedgerEventIn {
  type: string;
  data: Record<string, unknown>;
}

export type ActionKind = 'expireAcceptance' | 'remindMaturity' | 'markOverdue';

export interface PlannedAction {
  id: string;
  kind: ActionKind;
  dueAt: Date;
  payload: { voucherId?: string; rootId: string; issuer: string; maturityDate?: string };
}

export interface PlanningSettings {
  /** Days before maturity the issuer is reminded (at 09:00 Asia/Shanghai). */
  reminderDays: number;
  /** Days after maturity before the unpaid leaves are marked overdue. */
  overdueGraceDays: number;
}

export const planningDefaults: PlanningSettings = { reminderDays: 7, overdueGraceDays: 0 };
/** An offer is expired a little after its deadline, so the ledger's clock is surely past it too. */
export const expiryMarginMs = 5_000;

const shanghaiOffsetMs = 8 * 3600_000;

/** The instant a calendar date's given hour begins in Asia/Shanghai. */
export function shanghaiInstant(date: string, hour = 0): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - shanghaiOffsetMs + hour * 3600_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

interface VoucherIn {
  voucherId: string;
  rootId: string;
  issuer: string;
  maturityDate: string;
  acceptanceDeadline: string | null;
  status: string;
}

const expire = (v: VoucherIn): PlannedAction | null =>
  v.status === 'pending_acceptance' && v.acceptanceDeadline
    ? { id: `expire:${v.voucherId}`, kind: 'expireAcceptance', dueAt: new Date(Date.parse(v.acceptanceDeadline) + expiryMarginMs), payload: { voucherId: v.voucherId, rootId: v.rootId, issuer: v.issuer } }
    : null;

/** The actions an event plans. */
export function actionsPlannedBy(event: LedgerEventIn, settings: PlanningSettings = planningDefaults): PlannedAction[] {
  if (event.type === 'VoucherIssued') {
    const v = event.data.voucher as VoucherIn;
    const root = { rootId: v.rootId, issuer: v.issuer, maturityDate: v.maturityDate };
    return [
      expire(v),
      { id: `remind:${v.rootId}`, kind: 'remindMaturity' as const, dueAt: shanghaiInstant(addDays(v.maturityDate, -settings.reminderDays), 9), payload: root },
      // The ledger marks a tree overdue only once its maturity date has passed in Shanghai.
      { id: `overdue:${v.rootId}`, kind: 'markOverdue' as const, dueAt: shanghaiInstant(addDays(v.maturityDate, 1 + settings.overdueGraceDays)), payload: root },
    ].filter((a): a is PlannedAction => a !== null);
  }
  if (event.type === 'VoucherTransferred') {
    return (event.data.children as VoucherIn[]).map(expire).filter((a): a is PlannedAction => a !== null);
  }
  return [];
}

/** Ids of planned actions an event makes pointless (the offer ended; the tree is paid). */
export function actionsEndedBy(event: LedgerEventIn): string[] {
  switch (event.type) {
    case 'VoucherAccepted':
    case 'VoucherRejected':
    case 'VoucherCancelled':
    case 'TransferRevoked':
    case 'AcceptanceExpired':
      return [`expire:${String(event.data.voucherId)}`];
    case 'VoucherSettled': {
      // Only a whole payment ends the tree's clock; a partial one leaves it overdue.
      const payouts = event.data.payouts as { statusAfter: string }[];
      return payouts.every((p) => p.statusAfter === 'settled') && !event.data.part ? [`remind:${String(event.data.rootId)}`, `overdue:${String(event.data.rootId)}`] : [];
    }
    default:
      return [];
  }
}

/**
 * What the ledger answered to an action's command, read as an outcome: done (it had its effect,
 * or was pointless: the offer was accepted meanwhile, the tree already paid), too early (the
 * ledger's clock is behind ours: try again later with a new nonce), or refused for good.
 */
export function outcomeOf(kind: ActionKind, result: { status: string; problem?: { code: string } }): 'done' | 'tooEarly' | 'refused' {
  if (result.status === 'accepted') return 'done';
  const code = result.problem?.code ?? '';
  if (kind === 'expireAcceptance') {
    if (code === 'acceptancePeriodNotOver') return 'tooEarly';
    if (code === 'voucherNotPendingAcceptance' || code === 'unknownVoucher') return 'done';
  }
  if (kind === 'markOverdue') {
    if (code === 'maturityNotPassed') return 'tooEarly';
    if (code === 'nothingOverdue' || code === 'treeAlreadySettled') return 'done';
  }
  // A frozen voucher or tree waits for the regulator: try again later.
  if (code === 'voucherFrozen' || code === 'treeHasFrozenVoucher') return 'tooEarly';
  return 'refused';
}

/** When to try a too-early action again. */
export const tooEarlyRetryMs = 60_000;
