/**
 * Financing registration (中登网, DESIGN §4) as pure rules: how a financing is named, what the
 * ledger's events ask of the registry, how long a registration runs, and when a "not answered
 * yet" is asked again. The port and its file adapter are `@cascade/payments`; the jobs are
 * application/registry.ts.
 */
import type { PriorRegistration, SearchResult } from '@cascade/payments';
import type { LedgerEventIn } from './planning.ts';

export type RegistryOperationStep = 'search' | 'register' | 'release';

/** A step the registry is asked to take for one financing, named by both (planned once). */
export interface PlannedRegistryStep {
  id: string;
  financingId: string;
  operation: RegistryOperationStep;
}

/**
 * The platform's financing id: the financed voucher and the instant the ledger recorded the
 * request (`FinancingRequested.at`, compacted to `YYYYMMDDTHHMMSSmmmZ`), e.g.
 * `<voucher uuid>.20261204T011500123Z`. A voucher has at most one request pending at a time, and a
 * new request (after a rejection or a withdrawal) is recorded at a later instant, so every request
 * has its own id; the same event seen twice names the same financing. 55 characters of
 * [A-Za-z0-9.-]: file-safe, as the registry adapter requires.
 */
export function financingIdOf(voucherId: string, requestedAt: string): string {
  const at = new Date(requestedAt);
  if (!Number.isFinite(at.getTime())) throw new Error(`requestedAt ${requestedAt} is not an instant`);
  return `${voucherId.toLowerCase()}.${at.toISOString().replace(/[-:.]/g, '')}`;
}

export const stepId = (operation: RegistryOperationStep, financingId: string): string => `${operation}:${financingId}`;

/** The vouchers a settlement paid off whole (each one's registration is released). */
export function vouchersPaidOff(event: LedgerEventIn): string[] {
  if (event.type !== 'VoucherSettled') return [];
  const payouts = event.data.payouts as { voucherId: string; statusAfter: string }[];
  return payouts.filter((p) => p.statusAfter === 'settled').map((p) => p.voucherId);
}

/**
 * The registration's term (登记期限) in months: from the day it is funded to maturity, whole
 * months rounded up, and one month more, so a payment a little late (the overdue grace, a bank
 * holiday) still finds the registration in force until it is released. Within the registry's 1..360.
 */
export function termMonthsOf(financedOn: string, maturityDate: string): number {
  const [fy, fm, fd] = financedOn.split('-').map(Number) as [number, number, number];
  const [my, mm, md] = maturityDate.split('-').map(Number) as [number, number, number];
  let months = (my - fy) * 12 + (mm - fm);
  if (md > fd) months += 1;
  return Math.min(360, Math.max(1, months + 1));
}

/** Hits of a search still in force: what stops an approval. */
export function activeHits(search: SearchResult | null | undefined): PriorRegistration[] {
  return (search?.registrations ?? []).filter((r) => r.status === 'active');
}

/** A step whose answer has not come is asked again after this, doubling, at most `notYetRetryMsMax`. */
export const notYetRetryMsFirst = 10_000;
export const notYetRetryMsMax = 30 * 60_000;
/** Looks for an answer before the step is recorded failed (about 12 h at the longest interval). */
export const notYetAttemptsMax = 30;

export function notYetRetryMs(attempts: number): number {
  return Math.min(notYetRetryMsMax, notYetRetryMsFirst * 2 ** Math.max(0, attempts));
}
