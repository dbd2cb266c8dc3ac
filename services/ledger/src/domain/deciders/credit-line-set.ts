/** `creditLine.set` [funder]: grants or changes the credit line to an issuer. */
import { Amount } from '@cascade/money';
import { creditLineTermDaysMax, event, refuse, requireParty, requireRole, type Decider } from './shared.ts';

export const decideCreditLineSet: Decider<'creditLine.set'> = (p, { state, actor, at }) => {
  const limit = Amount.parse(p.limit);
  const issuer = requireParty(state, p.issuer, 'issuer');
  requireRole(issuer, ['core'], 'issuer');
  if (!Number.isSafeInteger(p.termDays) || p.termDays < 1 || p.termDays > creditLineTermDaysMax) {
    refuse('termDaysOutOfRange', `termDays ${p.termDays} is outside 1..${creditLineTermDaysMax}`);
  }
  const line = state.creditLine(actor, p.issuer);
  return [event('CreditLineChanged', { funder: actor, issuer: p.issuer, limit: limit.toString(), previousLimit: line?.limit ?? '0.00', termDays: p.termDays, used: line?.used ?? '0.00', at })];
};
