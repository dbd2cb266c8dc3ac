/**
 * The ledger's pure domain core: commands, state, decide/evolve, postings, policy and the
 * rejection table. No I/O: the clock is injected, persistence and transport live outside.
 */
export * from './commands.ts';
export * from './entities.ts';
export * from './events.ts';
export * from './state.ts';
export * from './policy.ts';
export * from './rejections.ts';
export {
  decide,
  decidePayableConfirmed,
  genesisEvents,
  isClientVoucherId,
  liveLeaves,
  returnVoucherId,
  subtree,
  partyIdPattern,
  referencePattern,
  activeKeysPerPartyMax,
  settlementsPerTreeMax,
  creditLineTermDaysMax,
  type DecideContext,
  type Decision,
} from './decide.ts';
export { evolve, evolveAll } from './evolve.ts';
export { applyPostings, postingsFor, type Currency, type Posting } from './postings.ts';
export { addDays, addMonths, daysBetween, isCalendarDate, shanghaiDate } from './time.ts';
