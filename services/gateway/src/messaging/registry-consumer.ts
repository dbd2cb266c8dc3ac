/**
 * Keeps the gateway's party, key and voucher-issuer view from ledger.events. One consumer group
 * shared by every gateway process (each event is applied by one of them), idempotent through the
 * inbox; after each batch commits, the processes are told what changed (RegistryView.announce).
 * The genesis operator is seeded at start: its keys are in the genesis, not in any event.
 */
import type { Kafka } from 'kafkajs';
import { claimEvents, withTransaction, type Pool, type PoolClient } from '@cascade/db';
import { BatchConsumer, EventCatalog, ledgerEventSchemas, type LedgerEventName } from '@cascade/events';
import type { Logger } from '@cascade/logging';
import type { GatewayGenesis } from '../config.ts';
import { addKey, recordVoucherIssuer, revokeKey, upsertParty } from '../data-access/registry.ts';
import type { RegistryView } from '../edge/registry-view.ts';

const consumedTypes: LedgerEventName[] = ['PartyRegistered', 'KeyAdded', 'KeyRevoked', 'VoucherIssued', 'VoucherTransferred'];
export const registryInboxName = 'gateway-registry';

export async function seedGenesis(pool: Pool, genesis: GatewayGenesis, at: Date): Promise<void> {
  const op = genesis.operator;
  await upsertParty(pool, { partyId: op.partyId, uscc: null, name: op.name, roles: ['operator'], registeredAt: at.toISOString() });
  for (const k of op.publicKeys) await addKey(pool, { keyId: k.keyId, partyId: op.partyId, alg: k.alg, publicKey: k.publicKey, addedAt: at.toISOString() });
}

/**
 * Applies one ledger event to the view (an idempotent upsert) and says what changed, as
 * `party:<id>` and `key:<id>` for the caches. Also used with the events of a command's result,
 * so a party registered through this gateway can log in as soon as its registration is answered.
 */
export async function applyLedgerEvent(client: PoolClient | Pool, type: string, d: Record<string, any>): Promise<string[]> {
  switch (type) {
    case 'PartyRegistered':
      await upsertParty(client, { partyId: d.partyId, uscc: d.uscc, name: d.name, roles: d.roles, registeredAt: d.at });
      for (const k of d.keys) await addKey(client, { keyId: k.keyId, partyId: d.partyId, alg: k.alg, publicKey: k.publicKey, addedAt: d.at });
      return [`party:${d.partyId}`, ...d.keys.map((k: { keyId: string }) => `key:${k.keyId}`)];
    case 'KeyAdded':
      await addKey(client, { keyId: d.keyId, partyId: d.partyId, alg: d.alg, publicKey: d.publicKey, addedAt: d.at });
      return [`key:${d.keyId}`];
    case 'KeyRevoked':
      await revokeKey(client, d.keyId, d.at);
      return [`key:${d.keyId}`];
    case 'VoucherIssued':
      await recordVoucherIssuer(client, [{ voucherId: d.voucher.voucherId, rootId: d.voucher.rootId, issuer: d.voucher.issuer }]);
      return [];
    case 'VoucherTransferred':
      await recordVoucherIssuer(client, (d.children as { voucherId: string; rootId: string; issuer: string }[]).map((c) => ({ voucherId: c.voucherId, rootId: c.rootId, issuer: c.issuer })));
      return [];
    default:
      return [];
  }
}

export const registryEventTypes: ReadonlySet<string> = new Set(consumedTypes);

export function createRegistryConsumer(options: { kafka: Kafka; pool: Pool; view: RegistryView; topic: string; groupId: string; logger: Logger }): BatchConsumer {
  const catalog = new EventCatalog(consumedTypes.map((type) => ({ type, version: 1, schema: ledgerEventSchemas[type] })));
  return new BatchConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    catalog,
    logger: options.logger,
    ignoreUnknownTypes: true,
    sessionTimeoutMs: 10_000,
    handleBatch: async (events) => {
      const changed: string[] = [];
      await withTransaction(options.pool, async (client) => {
        const fresh = await claimEvents(client, registryInboxName, events.map((e) => e.envelope.id));
        for (const { envelope } of events) {
          if (!fresh.has(envelope.id)) continue;
          changed.push(...(await applyLedgerEvent(client, envelope.type, envelope.data as Record<string, any>)));
        }
      });
      if (changed.length > 0) await options.view.announce(changed).catch((error: Error) => options.logger.warn({ err: error.message }, 'could not announce registry changes; caches expire on their own'));
    },
  });
}
