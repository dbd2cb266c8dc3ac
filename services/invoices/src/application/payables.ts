/**
 * Confirming a payable: the debtor's signed command (DESIGN §6 body) is checked, the payable
 * drafted and scored, and — in one transaction — stored with what it takes from each invoice,
 * while the signed `PayableConfirmed` fact, the four-flow result and the invoices' new usage go to
 * the outbox. The ledger records the fact from `invoices.events`; a voucher may then rest on it.
 *
 * Rejections, in order: commandMalformed, chainMismatch, actorNotCaller, commandExpired,
 * commandFromTheFuture, commandNotCanonicalizable, signerKeyUnknown, signatureAlgorithmMismatch,
 * keyRevoked, signatureInvalid, signerKeyNotOfActor, nonceReusedWithDifferentCommand, then those
 * of `draftPayable`, then payableIdTaken and fourFlowScoreBelowFloor.
 *
 * Idempotence: a confirmation is stored with the SHA-256 of its canonical command under (actor,
 * nonce). The same command again returns the stored payable with `replayed: true`; the same nonce
 * with another command is refused. A refused command stores nothing, so it may be sent again.
 */
import { createHash } from 'node:crypto';
import { canonicalBytes, verifySignature, type Signature } from '@cascade/crypto';
import { withTransaction, type PoolClient } from '@cascade/db';
import { signFact } from '@cascade/events';
import { Amount } from '@cascade/money';
import {
  addDays,
  circleHopsMax,
  draftPayable,
  invoiceDeltas,
  payableCommandType,
  refuse,
  requireScore,
  scoreFourFlow,
  shanghaiDate,
  type Contract,
  type FourFlowResult,
  type InvoiceRef,
  type PayableCommand,
  type PayableDraft,
  type PayableUsage,
} from '../domain/index.ts';
import { keysByIds, partiesByIds } from '../data-access/parties.ts';
import { addInvoiceUsage, insertPayable, NonceRaceError, payableById, payableByNonce, type StoredPayable } from '../data-access/payables.ts';
import { contractsByIds, deliveriesOfContracts, invoicedTotals, lockInvoices, paymentCount, paymentEdgesFrom } from '../data-access/records.ts';
import { amountOf, type StoredInvoice } from '../data-access/rows.ts';
import { commandClockSkewMsMax, publish, type InvoicesDeps, type OutgoingEvent } from './deps.ts';

/** How far back the circle search looks for payments (资金闭环 within half a year). */
export const circleWindowDays = 180;

export interface SignedPayableCommand {
  command: PayableCommand;
  signatures: Signature[];
}

export type ConfirmationResult = StoredPayable & { replayed: boolean };

function checkEnvelope(deps: InvoicesDeps, caller: string, command: PayableCommand): void {
  if (command.type !== payableCommandType) refuse('commandMalformed', `command.type is ${JSON.stringify(String(command.type).slice(0, 40))}, not ${payableCommandType}`);
  if (command.chain !== deps.chain) refuse('chainMismatch', `command.chain ${JSON.stringify(command.chain.slice(0, 64))} is not this ledger's chain ${deps.chain}`);
  if (command.actor !== caller) refuse('actorNotCaller', `the command is for ${command.actor}, the caller is ${caller}`);
  const created = Date.parse(command.createdAt);
  const now = deps.clock().getTime();
  if (!Number.isFinite(created)) refuse('commandMalformed', 'command.createdAt is not an instant');
  if (created < now - deps.commandAgeMaxMs) refuse('commandExpired', `createdAt ${command.createdAt} is more than ${deps.commandAgeMaxMs} ms old`);
  if (created > now + commandClockSkewMsMax) refuse('commandFromTheFuture', `createdAt ${command.createdAt} is more than ${commandClockSkewMsMax} ms ahead`);
}

/** Every signature must verify against an active registered key; one must be the actor's. */
async function checkSignatures(client: PoolClient, command: PayableCommand, bytes: Uint8Array, signatures: Signature[]): Promise<void> {
  const keys = await keysByIds(client, signatures.map((s) => s.keyId));
  for (const s of signatures) if (!keys.has(s.keyId)) refuse('signerKeyUnknown', `no key ${s.keyId} is registered`);
  for (const s of signatures) if (keys.get(s.keyId)!.alg !== s.alg) refuse('signatureAlgorithmMismatch', `key ${s.keyId} is ${keys.get(s.keyId)!.alg}, the signature says ${s.alg}`);
  for (const s of signatures) if (keys.get(s.keyId)!.revoked) refuse('keyRevoked', `key ${s.keyId} is revoked`);
  for (const s of signatures) {
    const k = keys.get(s.keyId)!;
    if (!verifySignature(k.alg, Buffer.from(k.publicKey, 'hex'), bytes, s.sig)) refuse('signatureInvalid', `the signature by ${s.keyId} does not verify over the canonical bytes of the command`);
  }
  if (!signatures.some((s) => keys.get(s.keyId)!.partyId === command.actor)) refuse('signerKeyNotOfActor', `no signature is by a key of ${command.actor}`);
}

/** Replay of a stored confirmation, a conflict, or nothing stored yet. */
async function replayOf(client: PoolClient | InvoicesDeps['pool'], command: PayableCommand, commandHash: string): Promise<ConfirmationResult | undefined> {
  const stored = await payableByNonce(client, command.actor, command.nonce);
  if (!stored) return undefined;
  if (stored.commandHash !== commandHash) refuse('nonceReusedWithDifferentCommand', `${command.actor} used nonce ${command.nonce} for another command (payable ${stored.payableId})`);
  return { ...(await payableById(client, stored.payableId))!, replayed: true };
}

async function score(deps: InvoicesDeps, client: PoolClient, draft: PayableDraft): Promise<FourFlowResult> {
  const invoices = draft.allocations.map((a) => a.invoice);
  const contractIds = [...new Set(invoices.flatMap((i) => (i.contractId ? [i.contractId] : [])))];
  const today = shanghaiDate(deps.clock());
  const since = addDays(today, -circleWindowDays);
  // One after the other: these share the transaction's client, which runs one query at a time
  // anyway (pg queues concurrent ones, deprecated and removed in pg 9).
  const contracts = await contractsByIds(client, contractIds);
  const totals = await invoicedTotals(client, contractIds);
  const deliveries = await deliveriesOfContracts(client, contractIds);
  const prior = await paymentCount(client, draft.debtor, draft.creditor, today);
  const edges = await paymentEdgesFrom(client, draft.creditor, since, circleHopsMax);
  const withTotals = new Map<string, { contract: Contract; invoicedTotal: string }>();
  for (const [id, contract] of contracts) withTotals.set(id, { contract, invoicedTotal: amountOf(totals.get(id) ?? 0n) });
  return scoreFourFlow({ debtor: draft.debtor, creditor: draft.creditor, invoices, contracts: withTotals, deliveries, priorPaymentsFromDebtor: prior, paymentEdges: edges, circleWindowStart: since });
}

export function usageEvent(invoice: StoredInvoice, cause: 'payableConfirmed' | 'payableRefused' | 'voucherIssued' | 'voucherReturned' | 'voucherFinanced' | 'voucherSettled', payableId: string | null, at: string): OutgoingEvent {
  return {
    type: 'InvoiceUsageChanged',
    key: invoice.buyer,
    data: { invoiceId: invoice.invoiceId, invoiceKey: invoice.invoiceKey, buyer: invoice.buyer, seller: invoice.seller, total: invoice.total, ...invoice.usage, cause, payableId, at },
  };
}

export async function confirmPayable(deps: InvoicesDeps, caller: string, body: SignedPayableCommand): Promise<ConfirmationResult> {
  const { command, signatures } = body;
  checkEnvelope(deps, caller, command);
  let bytes: Uint8Array;
  try {
    bytes = canonicalBytes(command);
  } catch (error) {
    refuse('commandNotCanonicalizable', (error as Error).message.slice(0, 200));
  }
  const commandHash = createHash('sha256').update(bytes).digest('hex');
  try {
    return await withTransaction(deps.pool, async (client) => {
      await checkSignatures(client, command, bytes, signatures);
      const replay = await replayOf(client, command, commandHash);
      if (replay) return replay;

      const refs = command.payload.invoices;
      // Locked in id order: concurrent confirmations on one invoice queue here, so the remainder
      // each one checks is the one it then takes from.
      const locked = await lockInvoices(client, refs.flatMap((r) => (r.invoiceId ? [r.invoiceId] : [])), refs.flatMap((r) => (r.invoiceKey ? [r.invoiceKey] : [])));
      const byId = new Map(locked.map((i) => [i.invoiceId, i]));
      const byKey = new Map(locked.map((i) => [i.invoiceKey, i]));
      const parties = await partiesByIds(client, [command.actor, command.payload.payee]);
      const today = shanghaiDate(deps.clock());
      const lookup = (r: InvoiceRef) => {
        const i = r.invoiceId ? byId.get(r.invoiceId) : r.invoiceKey ? byKey.get(r.invoiceKey) : undefined;
        return i && { ...i, committed: i.usage.committed };
      };
      const draft = draftPayable(command, { today, party: (id) => parties.get(id), invoice: lookup });
      // Checked here, before the score, as the table orders it; the primary key still decides a race.
      if (await payableById(client, draft.payableId)) refuse('payableIdTaken', `payable id ${draft.payableId} is already used`);
      const result = await score(deps, client, draft);
      requireScore(result, deps.fourFlowScoreMin);

      const confirmedAt = deps.clock().toISOString();
      const allocations = draft.allocations.map((a) => ({ invoiceId: a.invoice.invoiceId, amount: a.amount }));
      await insertPayable(client, {
        payableId: draft.payableId,
        debtor: draft.debtor,
        creditor: draft.creditor,
        amount: draft.amount,
        dueDate: draft.dueDate,
        fourFlow: { ...result, floor: deps.fourFlowScoreMin },
        actor: command.actor,
        nonce: command.nonce,
        commandHash,
        command,
        signatures,
        confirmedAt,
        allocations,
      });
      const usage: PayableUsage = {
        payableId: draft.payableId,
        amountFen: Amount.parse(draft.amount).toFen(),
        refused: false,
        allocations: allocations.map((a) => ({ invoiceId: a.invoiceId, amountFen: Amount.parse(a.amount).toFen() })),
        issuedFen: 0n,
        financedFen: 0n,
        settledFen: 0n,
      };
      const updated = await addInvoiceUsage(client, [...invoiceDeltas([], [usage]).values()]);

      const invoiceIds = allocations.map((a) => a.invoiceId);
      const fact = signFact(deps.chain, 'PayableConfirmed', {
        payableId: draft.payableId,
        debtor: draft.debtor,
        creditor: draft.creditor,
        amount: draft.amount,
        invoices: invoiceIds,
        dueDate: draft.dueDate,
        fourFlowScore: result.score,
      }, deps.signingKey);
      await publish(deps, client, [
        { type: 'FourFlowScored', key: draft.debtor, data: { payableId: draft.payableId, debtor: draft.debtor, creditor: draft.creditor, invoices: invoiceIds, score: result.score, flows: result.flows, reasons: result.reasons, floor: deps.fourFlowScoreMin, at: confirmedAt } },
        { type: 'PayableConfirmed', key: draft.debtor, data: fact },
        ...updated.map((i) => usageEvent(i, 'payableConfirmed', draft.payableId, confirmedAt)),
      ]);
      return { ...(await payableById(client, draft.payableId))!, replayed: false };
    });
  } catch (error) {
    // The same (actor, nonce) committed by a concurrent request: answer as a replay would.
    if (error instanceof NonceRaceError) {
      const replay = await replayOf(deps.pool, command, commandHash);
      if (replay) return replay;
    }
    throw error;
  }
}
