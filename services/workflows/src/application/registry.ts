/**
 * Financing registration (中登网, DESIGN §4) as the workflows' use cases. The ledger's events are
 * learnt in the consumer's transaction (parties' names and USCCs, the invoices behind vouchers,
 * each financing request); each asks for a registry step, run by the work queue like an action:
 *
 *   FinancingRequested          → search for earlier registrations on the receivable
 *   VoucherFinanced             → register (应收账款转让: the funder discounts it), term to maturity
 *   VoucherSettled (piece paid) → release, reason paidOff
 *   FinancingRejected/Withdrawn → nothing registered; a search still waiting is cancelled
 *
 * The registry port's methods may be called again with the same input (they continue the
 * request already made), so a step run twice makes one request. An answer not come yet is looked
 * for again with backoff, a bounded number of times; a refusal is recorded failed with its reason.
 */
import { withTransaction, type PoolClient } from '@cascade/db';
import { PaymentFileError, type FinancingRegistration, type FinancingRegistry, type FinancingRegistryRecord, type Receivable, type RegistryHistoryEntry } from '@cascade/payments';
import * as reg from '../data-access/registry.ts';
import { financingIdOf, notYetAttemptsMax, notYetRetryMs, stepId, termMonthsOf, vouchersPaidOff, type RegistryOperationStep } from '../domain/registry.ts';
import type { QueuePort, ReceivedLedgerEvent, WorkflowsDeps } from './workflows.ts';

type Data = Record<string, unknown>;

/** Learns from one ledger event, in the consumer's transaction, what the registry is to be asked. */
export async function applyRegistryEvent(client: PoolClient, deps: WorkflowsDeps, e: ReceivedLedgerEvent, now: Date): Promise<void> {
  const d = e.data;
  switch (e.type) {
    case 'PartyRegistered':
      await reg.recordPartyIdentity(client, String(d.partyId), String(d.name), (d.uscc as string | null) ?? null);
      return;
    case 'PayableRecorded':
      await reg.recordPayable(client, String(d.payableId), d.invoices as string[]);
      return;
    case 'VoucherIssued': {
      const v = d.voucher as { voucherId: string; rootId: string; backing: { payableId: string }[] };
      await reg.recordVouchers(client, [{ voucherId: v.voucherId, rootId: v.rootId, payableIds: v.backing.map((b) => b.payableId) }]);
      return;
    }
    case 'VoucherTransferred':
      await reg.recordVouchers(client, (d.children as { voucherId: string; rootId: string; backing: { payableId: string }[] }[]).map((v) => ({ voucherId: v.voucherId, rootId: v.rootId, payableIds: v.backing.map((b) => b.payableId) })));
      return;
    case 'FinancingRequested':
      await financingRequested(client, d, now);
      return;
    case 'VoucherFinanced':
      await voucherFinanced(client, d, now);
      return;
    case 'FinancingRejected':
    case 'FinancingWithdrawn': {
      const f = await reg.latestFinancingOf(client, String(d.voucherId), ['requested']);
      if (!f) return;
      await reg.setFinancingState(client, f.financingId, ['requested'], e.type === 'FinancingRejected' ? 'rejected' : 'withdrawn', now);
      await reg.cancelSteps(client, f.financingId, now);
      return;
    }
    case 'VoucherSettled':
      for (const f of await reg.fundedFinancingsOf(client, vouchersPaidOff({ type: e.type, data: d }))) {
        await reg.setFinancingState(client, f.financingId, ['funded'], 'paidOff', now);
        await reg.planStep(client, { id: stepId('release', f.financingId), financingId: f.financingId, operation: 'release', input: { reason: 'paidOff' }, dueAt: now });
      }
      return;
    default:
      return;
  }
}

async function financingRequested(client: PoolClient, d: Data, now: Date): Promise<void> {
  const voucherId = String(d.voucherId);
  const rootId = String(d.rootId);
  const holder = String(d.holder);
  const financingId = financingIdOf(voucherId, String(d.at));
  const tree = await reg.treeOf(client, rootId);
  const parties = await reg.registryPartiesOf(client, [holder, ...(tree ? [tree.issuer] : [])]);
  const obligor = tree && parties.get(tree.issuer);
  const holderParty = parties.get(holder);
  // Without both parties' USCCs (or the tree), there is nothing the registry could be asked: the
  // search step records why, and the approval stays stopped.
  const receivable: Receivable | null =
    tree && obligor && holderParty
      ? { voucherId, rootVoucherId: rootId, obligor, holder: holderParty, amount: String(d.amount), maturityDate: tree.maturityDate, invoiceNumbers: (await reg.invoicesOf(client, voucherId, rootId)).filter((n) => n.length <= 40) }
      : null;
  const inserted = await reg.insertFinancing(client, { financingId, voucherId, rootId, holder, funder: String(d.funder), amount: String(d.amount), requestedAt: String(d.at), receivable });
  if (inserted) await reg.planStep(client, { id: stepId('search', financingId), financingId, operation: 'search', input: { receivable }, dueAt: now });
}

async function voucherFinanced(client: PoolClient, d: Data, now: Date): Promise<void> {
  const f = await reg.latestFinancingOf(client, String(d.voucherId), ['requested']);
  if (!f) return;
  const terms = d.terms as { funder: string; net: string; financedOn: string };
  await reg.setFinancingState(client, f.financingId, ['requested'], 'funded', now);
  const funder = (await reg.registryPartiesOf(client, [terms.funder])).get(terms.funder);
  const registration: FinancingRegistration | null =
    f.receivable && funder
      ? {
          financingId: f.financingId,
          receivable: f.receivable,
          funder,
          // Discounting: the funder buys the receivable (应收账款转让); the consideration it pays is the net.
          kind: 'transfer',
          principalAmount: terms.net,
          financingDate: terms.financedOn,
          termMonths: termMonthsOf(terms.financedOn, f.receivable.maturityDate),
        }
      : null;
  await reg.planStep(client, { id: stepId('register', f.financingId), financingId: f.financingId, operation: 'register', input: { registration }, dueAt: now });
}

/** Hands registry steps that are due (and stuck ones) to the queue; returns how many. */
export async function tickRegistry(deps: WorkflowsDeps, queue: QueuePort): Promise<number> {
  if (!deps.registry) return 0; // nothing to ask them of: they wait, visible in each financing's record
  const ids = await reg.claimDueSteps(deps.pool, deps.clock(), deps.staleMs);
  for (const id of ids) await queue.add('registry', id);
  return ids.length;
}

/** What the registry's record already holds for `operation` (a step run again after its answer was kept there). */
function answeredBefore(record: FinancingRegistryRecord | undefined, operation: RegistryOperationStep): RegistryHistoryEntry['result'] | undefined {
  const done = { search: ['searched', 'registered', 'released'], register: ['registered', 'released'], release: ['released'] }[operation];
  if (!record || !done.includes(record.status)) return undefined;
  return [...record.history].reverse().find((h) => h.operation === operation && h.outcome === 'ok')?.result;
}

/** Runs one registry step: asks the registry (or continues asking) and records its answer. */
export async function runRegistryStep(deps: WorkflowsDeps, id: string): Promise<string> {
  const step = await reg.stepById(deps.pool, id);
  if (!step || step.state !== 'enqueued') return 'skipped';
  const registry = deps.registry;
  if (!registry) throw new Error('no financing registry is configured (WORKFLOWS_REGISTRY_DIR)');
  const f = await reg.financingById(deps.pool, step.financingId);
  if (!f) return fail(deps, step, 'the financing is unknown');
  const notYet = async (why: string): Promise<string> => {
    if (step.attempts + 1 >= notYetAttemptsMax) return fail(deps, step, `gave up after ${step.attempts + 1} looks: ${why}`);
    await reg.retryStepAt(deps.pool, id, new Date(deps.clock().getTime() + notYetRetryMs(step.attempts)), why);
    return 'notYet';
  };
  try {
    const earlier = answeredBefore(await registry.record(f.financingId), step.operation);
    let answer: unknown = earlier;
    if (step.operation === 'search') {
      const receivable = step.input.receivable as Receivable | null;
      if (!receivable) return fail(deps, step, 'the obligor or the holder has no USCC the ledger knows (or the tree is unknown): the registry cannot be searched');
      answer ??= await registry.search(f.financingId, receivable);
    } else if (step.operation === 'register') {
      const registration = step.input.registration as FinancingRegistration | null;
      if (!registration) return fail(deps, step, 'a party of the financing has no USCC the ledger knows: it cannot be registered');
      if (answer === undefined && f.registryStatus === 'new') return notYet('the search is not answered yet; a financing is registered only after its search');
      answer ??= await registry.register(registration);
    } else {
      if (answer === undefined && f.registryStatus !== 'registered') return notYet('the financing is not registered yet');
      answer ??= await registry.release(f.financingId, 'paidOff');
    }
    const outcome = step.operation === 'search' ? `${(answer as { registrations: { status: string }[] }).registrations.filter((r) => r.status === 'active').length} active hits` : 'ok';
    await withTransaction(deps.pool, async (client) => {
      await reg.recordAnswer(client, f.financingId, step.operation, answer, deps.clock());
      await reg.finishStep(client, id, 'done', outcome, deps.clock());
    });
    deps.logger.info({ step: id, outcome }, 'registry step done');
    return 'done';
  } catch (error) {
    if (!(error instanceof PaymentFileError)) throw error; // the queue tries again, a bounded number of times
    if (error.code === 'registryResponseNotYetAvailable') return notYet(error.message);
    return fail(deps, step, error.message);
  }
}

async function fail(deps: WorkflowsDeps, step: reg.StepRow, why: string): Promise<string> {
  await reg.finishStep(deps.pool, step.id, 'failed', why, deps.clock());
  deps.logger.warn({ step: step.id, why }, 'registry step failed');
  return 'failed';
}

/** After the queue gave up on a step (the exchange directory unreadable, PostgreSQL away): visible, not retried forever. */
export async function registryStepGaveUp(deps: WorkflowsDeps, id: string, error: Error): Promise<void> {
  await reg.finishStep(deps.pool, id, 'failed', `gave up: ${error.message}`, deps.clock());
}

export type { FinancingRegistry };
