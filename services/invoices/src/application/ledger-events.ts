/**
 * What the invoices service learns from the ledger (ledger.events and ledger.results):
 *
 *  PartyRegistered, KeyAdded, KeyRevoked   its view of parties and keys (who exists, who may sign);
 *  PayableRecorded                         a payable confirmed here is on the ledger (status recorded);
 *  CommandDecided (actor invoices-service) the ledger refused a payable fact: the payable is marked
 *                                          refused and its invoices released (PayableRefused);
 *  VoucherIssued, VoucherFinanced, VoucherSettled, and the returns (VoucherRejected,
 *  VoucherCancelled, TransferRevoked, AcceptanceExpired)   usage of the invoices (一票一融).
 *
 * One batch is one transaction: the inbox claims the event ids first, so a redelivered event is
 * applied once. Each event is applied under its own savepoint: one that fails (a defect, or data
 * no schema caught) is rolled back alone and parked in `dead_letters` with the reason, and the
 * others go on — it is never retried forever and never stops the consumer.
 */
import { claimEvents, withTransaction, type PoolClient } from '@cascade/db';
import type { ReceivedEvent } from '@cascade/events';
import { Amount } from '@cascade/money';
import { evolveUsage, invoiceDeltas, type PayableUsage, type RootUsage, type UsageEvent } from '../domain/index.ts';
import { parkDeadLetter } from '../data-access/dead-letters.ts';
import { recordKey, recordParty, revokeKey } from '../data-access/parties.ts';
import { addInvoiceUsage, lockPayableUsage, lockRoot, markPayableRecorded, markPayableRefused, payableById, savePayableUsage, saveRoot } from '../data-access/payables.ts';
import { publish, type StoreDeps } from './deps.ts';
import { usageEvent } from './payables.ts';

export const ledgerConsumerName = 'invoices-ledger';
/** The ledger logs (and refuses) payable facts under this actor, with the payable id as nonce. */
export const invoicesFactActor = 'invoices-service';

/** The ledger event types the service consumes; every other type on its topics is skipped. */
export const consumedLedgerEventTypes = [
  'PartyRegistered',
  'KeyAdded',
  'KeyRevoked',
  'PayableRecorded',
  'VoucherIssued',
  'VoucherRejected',
  'VoucherCancelled',
  'TransferRevoked',
  'AcceptanceExpired',
  'VoucherFinanced',
  'VoucherSettled',
  'CommandDecided',
] as const;

type Data = Record<string, any>;
const fenOf = (a: string): bigint => Amount.parse(a).toFen();
const backingOf = (list: { payableId: string; amount: string }[]) => list.map((b) => ({ payableId: b.payableId, amountFen: fenOf(b.amount) }));

/** The usage event a ledger event means, if any. */
export function usageEventOf(type: string, data: Data): UsageEvent | null {
  switch (type) {
    case 'VoucherIssued':
      return { type: 'voucherIssued', rootId: data.voucher.rootId, backing: backingOf(data.voucher.backing), consumed: backingOf(data.consumedBacking) };
    case 'VoucherRejected':
    case 'VoucherCancelled':
    case 'TransferRevoked':
    case 'AcceptanceExpired':
      return { type: 'voucherReturned', rootId: data.rootId, voucherId: data.voucherId, restored: backingOf(data.restoredBacking) };
    case 'VoucherFinanced':
      return { type: 'voucherFinanced', rootId: data.rootId, amountFen: fenOf(data.amount) };
    case 'VoucherSettled':
      // A large settlement comes in parts, each with the whole paid amount: count it once.
      if (data.part && data.part.index !== 1) return null;
      return { type: 'voucherSettled', rootId: data.rootId, amountFen: fenOf(data.paidAmount) };
    default:
      return null;
  }
}

const causeOf = { voucherIssued: 'voucherIssued', voucherReturned: 'voucherReturned', voucherFinanced: 'voucherFinanced', voucherSettled: 'voucherSettled', payableRefused: 'payableRefused' } as const;

/** Applies one usage event: payables and root locked, evolved, invoices moved by the deltas. */
export async function applyUsage(deps: StoreDeps, client: PoolClient, event: UsageEvent, at: string): Promise<void> {
  const rootId = event.type === 'payableRefused' ? null : event.rootId;
  const root: RootUsage | undefined = rootId ? await lockRoot(client, rootId) : undefined;
  const ids = new Set<string>(root?.backing.map((b) => b.payableId) ?? []);
  if (event.type === 'voucherIssued') for (const b of [...event.consumed, ...event.backing]) ids.add(b.payableId);
  if (event.type === 'voucherReturned') for (const b of event.restored) ids.add(b.payableId);
  if (event.type === 'payableRefused') ids.add(event.payableId);
  const payables = await lockPayableUsage(client, [...ids]);
  // A root backed by no payable of ours is none of our business.
  if (payables.size === 0) return;
  const change = evolveUsage({ payable: (id) => payables.get(id), root: (id) => (id === rootId ? root : undefined) }, event);
  const before: PayableUsage[] = change.payables.map((p) => payables.get(p.payableId)!);
  for (const p of change.payables) await savePayableUsage(client, p);
  for (const r of change.roots) await saveRoot(client, r);
  const updated = await addInvoiceUsage(client, [...invoiceDeltas(before, change.payables).values()]);
  const payableId = event.type === 'payableRefused' ? event.payableId : change.payables.length === 1 ? change.payables[0]!.payableId : null;
  if (updated.length > 0) await publish(deps, client, updated.map((i) => usageEvent(i, causeOf[event.type], payableId, at)));
}

async function applyOne(deps: StoreDeps, client: PoolClient, e: ReceivedEvent): Promise<void> {
  const data = e.envelope.data as Data;
  const at = deps.clock().toISOString();
  switch (e.envelope.type) {
    case 'PartyRegistered':
      return recordParty(client, { partyId: data.partyId, uscc: data.uscc, name: data.name, roles: data.roles, keys: data.keys, at: data.at });
    case 'KeyAdded':
      return recordKey(client, { partyId: data.partyId, keyId: data.keyId, alg: data.alg, publicKey: data.publicKey, at: data.at });
    case 'KeyRevoked':
      return revokeKey(client, { partyId: data.partyId, keyId: data.keyId, at: data.at });
    case 'PayableRecorded':
      await markPayableRecorded(client, data.payableId, data.at);
      return;
    case 'CommandDecided': {
      if (data.actor !== invoicesFactActor || data.status !== 'refused' || typeof data.nonce !== 'string') return;
      const problem = (data.problem ?? {}) as { code?: string; detail?: string };
      const refusal = { code: typeof problem.code === 'string' ? problem.code : 'refused', detail: typeof problem.detail === 'string' ? problem.detail.slice(0, 1000) : '' };
      const known = await payableById(client, data.nonce);
      if (!known || known.status === 'refused') return; // not ours, or refused already
      // Usage first: it reads the payable as not yet refused and releases what it took.
      await applyUsage(deps, client, { type: 'payableRefused', payableId: known.payableId }, at);
      const payable = (await markPayableRefused(client, known.payableId, refusal, at))!;
      await publish(deps, client, [{ type: 'PayableRefused', key: payable.debtor, data: { payableId: payable.payableId, debtor: payable.debtor, creditor: payable.creditor, code: /^[a-z][A-Za-z0-9]{0,63}$/.test(refusal.code) ? refusal.code : 'refused', detail: refusal.detail, at } }]);
      return;
    }
    default: {
      const usage = usageEventOf(e.envelope.type, data);
      if (usage) await applyUsage(deps, client, usage, at);
    }
  }
}

/** Applies one fetched batch of ledger events in one transaction (see the module comment). */
export async function applyLedgerEvents(deps: StoreDeps, events: ReceivedEvent[], onParked?: (reason: string) => void): Promise<void> {
  // Every command's result passes on ledger.results; only the ledger's word on our own facts
  // matters here, and the others are not worth an inbox row each.
  const relevant = events.filter((e) => e.envelope.type !== 'CommandDecided' || (e.envelope.data as Data).actor === invoicesFactActor);
  if (relevant.length === 0) return;
  await withTransaction(deps.pool, async (client) => {
    const fresh = await claimEvents(client, ledgerConsumerName, relevant.map((e) => e.envelope.id));
    for (const e of relevant) {
      if (!fresh.has(e.envelope.id)) continue;
      fresh.delete(e.envelope.id); // the same id twice in one batch is applied once
      await client.query('SAVEPOINT ledger_event');
      try {
        await applyOne(deps, client, e);
        await client.query('RELEASE SAVEPOINT ledger_event');
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT ledger_event');
        const err = error as Error;
        deps.logger.error({ type: e.envelope.type, envelopeId: e.envelope.id, topic: e.topic, offset: e.offset, err: err.message }, 'ledger event failed; parked');
        await parkDeadLetter(client, { reason: 'handlerFailed', detail: `${e.envelope.type} ${e.envelope.id}: ${err.name}: ${err.message}`, topic: e.topic, partition: e.partition, offset: e.offset, value: Buffer.from(JSON.stringify(e.envelope)) }, deps.clock());
        onParked?.('handlerFailed');
      }
    }
  });
}
