/**
 * Raising early warnings: one alert per funder exposed to the issuer the warning is about, each
 * stored (queryable, acknowledgeable) and published as AlertRaised in the same transaction.
 */
import { uuidv7 } from '@cascade/ids';
import { Problem } from '@cascade/errors';
import type { AlertDraft } from '../domain/warnings.ts';
import { acknowledgeAlert, alertById, insertAlert } from '../data-access/alerts.ts';
import { fundersExposedTo, type Db } from '../data-access/platform-view.ts';
import { emit, type RiskContext } from './context.ts';
import { riskProblems } from './problems.ts';

/** Raises `draft` for every exposed funder; returns the funders alerted. */
export async function raiseAlert(db: Db, ctx: RiskContext, draft: AlertDraft, at: Date): Promise<string[]> {
  const funders = await fundersExposedTo(db, draft.subject);
  for (const funder of funders) {
    const alertId = uuidv7();
    await insertAlert(db, { alertId, funder, subject: draft.subject, rule: draft.rule, severity: draft.severity, text: draft.text, facts: draft.facts, raisedAt: at.toISOString() });
    await emit(db, ctx, 'AlertRaised', draft.subject, { alertId, funder, subject: draft.subject, rule: draft.rule, severity: draft.severity, text: draft.text.slice(0, 2000), at: at.toISOString() }, at);
  }
  if (funders.length > 0) ctx.logger.info({ rule: draft.rule, subject: draft.subject, funders: funders.length }, 'early warning raised');
  return funders;
}

/**
 * The funder an alert is addressed to acknowledges it, once.
 * Rejections: alertNotFound (absent, or addressed to another party), alertAlreadyAcknowledged.
 */
export async function acknowledge(db: Db, ctx: RiskContext, alertId: string, caller: string, note: string): Promise<void> {
  const alert = await alertById(db, alertId, true);
  if (!alert || alert.funder !== caller) throw new Problem(riskProblems.alertNotFound, `no alert ${alertId} addressed to ${caller}`);
  if (alert.acknowledgedAt !== null) throw new Problem(riskProblems.alertAlreadyAcknowledged, `alert ${alertId} was acknowledged at ${alert.acknowledgedAt} by ${alert.acknowledgedBy}`);
  const at = ctx.now().toISOString();
  await acknowledgeAlert(db, alertId, caller, note, at);
  await emit(db, ctx, 'AlertAcknowledged', alert.subject, { alertId, funder: alert.funder, subject: alert.subject, acknowledgedBy: caller, note, at });
}
