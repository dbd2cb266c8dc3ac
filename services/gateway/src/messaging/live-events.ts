/**
 * Feeds the live event streams from ledger.events. Every gateway process reads the whole topic
 * with a consumer group of its own (`<prefix>-<host>-<pid>-<random>`, from the latest offset, as
 * the ledger link reads results): its streams are its own, so it must see every event, and no
 * offsets are shared with other gateways. Nothing is stored: an event that arrives while a party
 * has no stream open is not kept for it (the console reloads what it shows when it reconnects;
 * webhooks are the durable channel).
 *
 * Who is told what is `notificationsFor`, the webhooks' rules. It needs a tree's issuer for the
 * events that name only the root: from a VoucherIssued this consumer saw, else the registry
 * view's voucher→issuer lookup (kept from ledger.events by the registry consumer).
 */
import type { Kafka } from 'kafkajs';
import { BatchConsumer, ephemeralGroupId, EventCatalog, ledgerPublishedSpecs, notificationsFor } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import type { LiveStreams } from '../edge/live-streams.ts';
import type { RegistryView } from '../edge/registry-view.ts';

/** Tree issuers remembered from the VoucherIssued events seen, before the oldest is dropped. */
export const liveIssuersRememberedMax = 50_000;

export function createLiveEventsConsumer(options: { kafka: Kafka; topic: string; groupPrefix: string; streams: LiveStreams; registry: RegistryView; logger: Logger }): BatchConsumer {
  const issuers = new Map<string, string>();
  const issuerOf = async (rootId: string): Promise<string | undefined> => {
    const seen = issuers.get(rootId);
    if (seen) return seen;
    try {
      return await options.registry.issuerOf(rootId);
    } catch (error) {
      // The issuer then misses this one event on its stream; the holders are still told.
      options.logger.warn({ err: (error as Error).message, rootId }, 'could not look up the issuer of a tree for the live streams');
      return undefined;
    }
  };
  return new BatchConsumer({
    kafka: options.kafka,
    groupId: ephemeralGroupId(options.groupPrefix),
    topics: [options.topic],
    catalog: new EventCatalog(ledgerPublishedSpecs.filter((s) => s.type !== 'CommandDecided' && s.type !== 'MessageDeadLettered')),
    logger: options.logger,
    ignoreUnknownTypes: true,
    fromBeginning: false,
    ephemeralGroup: true,
    sessionTimeoutMs: 10_000,
    handleBatch: async (events) => {
      for (const { envelope } of events) {
        const data = envelope.data as Record<string, unknown>;
        const voucher = data.voucher as { rootId?: string; issuer?: string } | undefined;
        if (envelope.type === 'VoucherIssued' && voucher?.rootId && voucher.issuer) {
          if (issuers.size >= liveIssuersRememberedMax) issuers.delete(issuers.keys().next().value!);
          issuers.set(voucher.rootId, voucher.issuer);
        }
        if (options.streams.open === 0) continue;
        const rootId = typeof data.rootId === 'string' ? data.rootId : voucher?.rootId;
        const issuer = typeof data.issuer === 'string' ? data.issuer : rootId ? await issuerOf(rootId) : undefined;
        const told = notificationsFor({ type: envelope.type, data }, (r) => (r === rootId ? issuer : undefined));
        options.streams.publish({ id: envelope.id, type: envelope.type, occurredAt: envelope.occurredAt }, told);
      }
    },
  });
}
