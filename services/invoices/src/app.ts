/**
 * The invoices service as parts the composition root (definition.ts) and the tests share: the
 * use cases' dependencies, the routes on an app, the ledger consumer. Never listens.
 */
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import client from 'prom-client';
import type { Pool } from '@cascade/db';
import type { Logger } from '@cascade/logging';
import { invoicesCatalog, type InvoicesDeps } from './application/deps.ts';
import { invoicesRuntime, type InvoicesSettings } from './config.ts';
import type { Clock } from './domain/index.ts';
import { registerInvoicesRoutes } from './entry-points/http/index.ts';
import { createLedgerConsumer } from './entry-points/messages/ledger-events.ts';

export function invoicesDeps(options: { pool: Pool; logger: Logger; settings: Pick<InvoicesSettings, 'genesisFile' | 'signingKeyFile' | 'fourFlowScoreMin' | 'commandAgeMaxMs'>; eventsTopic: string; clock?: Clock }): InvoicesDeps {
  const runtime = invoicesRuntime(options.settings);
  return {
    pool: options.pool,
    clock: options.clock ?? (() => new Date()),
    logger: options.logger,
    chain: runtime.chain,
    signingKey: runtime.signingKey,
    fourFlowScoreMin: options.settings.fourFlowScoreMin,
    commandAgeMaxMs: options.settings.commandAgeMaxMs,
    eventsTopic: options.eventsTopic,
    catalog: invoicesCatalog(),
  };
}

export function registerInvoicesApp(app: FastifyInstance, deps: InvoicesDeps, importBytesMax: number): void {
  registerInvoicesRoutes(app, deps, { importBytesMax });
}

export function ledgerConsumer(options: { kafka: Kafka; deps: InvoicesDeps; groupId: string; topics: { events: string; results: string }; registry?: client.Registry; sessionTimeoutMs?: number }) {
  const parked = new client.Counter({
    name: 'cascade_invoices_dead_letters_total',
    help: 'ledger messages the invoices service could not use, parked in its dead_letters table, by reason',
    labelNames: ['reason'],
    registers: options.registry ? [options.registry] : [],
  });
  return createLedgerConsumer({ ...options, onParked: (reason) => parked.inc({ reason }) });
}
