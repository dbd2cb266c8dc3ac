/**
 * ledger.events: the ledger's committed facts (schemas in @cascade/events, validated by the
 * consumer before they get here). An event the ledger published in parts (split.ts) is applied
 * once all its parts have arrived, put together in part order.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '@cascade/crypto';
import { splittableEventLists } from '@cascade/events';
import { applyLedgerEvent } from '../../application/ledger-facts.ts';
import type { RiskContext } from '../../application/context.ts';
import { storePart } from '../../data-access/parking.ts';
import type { Db } from '../../data-access/platform-view.ts';

/** The ledger event types the service applies; others on the topic (BlockSealed …) are skipped unclaimed. */
export const ledgerTypesApplied = new Set([
  'PartyRegistered', 'CreditLineChanged', 'PayableRecorded', 'VoucherIssued', 'VoucherAccepted', 'VoucherRejected', 'VoucherCancelled', 'TransferRevoked',
  'AcceptanceExpired', 'VoucherTransferred', 'FinancingRequested', 'VoucherFinanced', 'FinancingRejected', 'FinancingWithdrawn', 'VoucherSettled',
  'VoucherOverdue', 'VoucherFrozen', 'VoucherUnfrozen',
]);

/** The whole event, or null while parts are missing. */
export async function wholeEvent(db: Db, type: string, data: Record<string, unknown>): Promise<Record<string, unknown> | null> {
  const part = data.part as { index: number; count: number } | undefined;
  if (!part) return data;
  const lists = splittableEventLists[type] ?? [];
  const { part: _part, ...rest } = data;
  const fixed = Object.fromEntries(Object.entries(rest).filter(([k]) => !lists.includes(k)));
  const groupKey = createHash('sha256').update(canonicalize(fixed)).digest('hex');
  const parts = await storePart(db, { type, groupKey, index: part.index, count: part.count, data: rest });
  if (!parts) return null;
  const whole: Record<string, unknown> = { ...fixed };
  for (const list of lists) whole[list] = parts.flatMap((p) => (p[list] as unknown[] | undefined) ?? []);
  return whole;
}

export async function handleLedgerEvent(db: Db, ctx: RiskContext, type: string, data: Record<string, unknown>): Promise<boolean> {
  const whole = await wholeEvent(db, type, data);
  if (!whole) return true;
  return applyLedgerEvent(db, ctx, type, whole);
}
