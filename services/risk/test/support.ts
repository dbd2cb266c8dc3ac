/**
 * A risk service for component tests: its real consumer, outbox relay and HTTP routes in this
 * process, against a fresh PostgreSQL database and the given topics on the test broker (a
 * TestLedger's, to run against a real ledger), with a consumer collecting what it publishes on
 * risk.events. Requests go through fastify's inject with a real internal token.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Producer } from 'kafkajs';
import { createPool, migrate, OutboxRelay, type Pool } from '@cascade/db';
import { BatchConsumer, createKafka, EventProducer, makeEnvelope, type Envelope, type TopicKey, type TopicSpec } from '@cascade/events';
import { createLogger } from '@cascade/logging';
import { buildServiceApp, internalIdentity, internalIdentityHeader, signInternalToken } from '@cascade/service';
import { createTestDatabase, createTestTopics, eventually, infra, type TestDatabase } from '@cascade/testing';
import { registerRiskRoutes } from '../src/app.ts';
import type { RiskContext } from '../src/application/context.ts';
import type { FactKey } from '../src/config.ts';
import { saveScorecard } from '../src/data-access/assessments.ts';
import { readScorecardFile, defaultScorecardFile } from '../src/default-scorecard.ts';
import { publishCatalog } from '../src/definition.ts';
import { assessmentPolicyDefaults, type AssessmentPolicy } from '../src/domain/assessment.ts';
import { warningPolicyDefaults, type WarningPolicy } from '../src/domain/warnings.ts';
import { consumedCatalog, createRiskConsumer } from '../src/entry-points/messages/consumer.ts';

export const riskMigrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));
const logger = createLogger({ service: 'risk-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface TestRiskOptions {
  topics?: Record<TopicKey, TopicSpec>;
  policy?: Partial<AssessmentPolicy>;
  warnings?: Partial<WarningPolicy>;
  factKey?: FactKey | null;
  now?: () => Date;
}

export class TestRisk {
  /** Everything the service published on risk.events, in arrival order. */
  readonly published: Envelope[] = [];
  private readonly key = randomBytes(32);

  private constructor(
    readonly db: TestDatabase,
    readonly pool: Pool,
    readonly topics: Record<TopicKey, TopicSpec>,
    readonly app: FastifyInstance,
    readonly ctx: RiskContext,
    readonly producer: EventProducer,
    private readonly raw: Producer,
    private readonly closers: (() => Promise<void>)[],
  ) {}

  static async start(options: TestRiskOptions = {}): Promise<TestRisk> {
    const db = await createTestDatabase('risk');
    await migrate({ databaseUrl: db.url, schema: 'risk', dirs: [riskMigrationsDir] });
    const pool = createPool({ databaseUrl: db.url, schema: 'risk' });
    const topics = options.topics ?? (await createTestTopics());
    const kafka = createKafka({ brokers: infra().kafkaBrokers, clientId: 'risk-test' });
    const producer = new EventProducer(kafka, null);
    await producer.connect();
    const ctx: RiskContext = {
      topic: topics.riskEvents.name,
      catalog: publishCatalog(),
      card: readScorecardFile(defaultScorecardFile),
      policy: { ...assessmentPolicyDefaults, ...options.policy },
      warnings: { ...warningPolicyDefaults, ...options.warnings },
      factKey: options.factKey ?? null,
      now: options.now ?? (() => new Date()),
      logger,
    };
    await saveScorecard(pool, ctx.card);
    const relay = new OutboxRelay({ pool, publisher: producer, logger, pollIntervalMs: 20, lockName: 'risk' });
    relay.start();
    const consumer = createRiskConsumer({ kafka, pool, ctx, logger, groupId: `risk-${topics.ledgerEvents.name}`, sessionTimeoutMs: 6_000, topics: { ledgerEvents: topics.ledgerEvents.name, invoicesEvents: topics.invoicesEvents.name } });
    const app = buildServiceApp({ name: 'risk', logger, readiness: {} });
    const raw = kafka.producer({ allowAutoTopicCreation: false });
    await raw.connect();
    const risk = new TestRisk(db, pool, topics, app, ctx, producer, raw, []);
    await app.register(internalIdentity, { key: risk.key, audience: 'risk' });
    registerRiskRoutes(app, pool, ctx);
    await app.ready();
    const published = new BatchConsumer({
      kafka,
      groupId: `risk-events-${topics.riskEvents.name}`,
      topics: [topics.riskEvents.name],
      catalog: publishCatalog(),
      logger,
      sessionTimeoutMs: 6_000,
      handleBatch: async (events) => void risk.published.push(...events.map((e) => e.envelope)),
    });
    await Promise.all([consumer.start(), published.start()]);
    risk.closers.push(
      () => consumer.stop(),
      () => published.stop(),
      () => relay.stop(),
      () => app.close(),
      () => producer.disconnect(),
      () => raw.disconnect(),
      () => pool.end(),
      () => db.drop(),
    );
    return risk;
  }

  async stop(): Promise<void> {
    for (const close of this.closers) await close().catch(() => undefined);
  }

  /** A request to the internal API as `party` (through the gateway's internal token). */
  async call(party: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await this.app.inject({ method, url, headers: { [internalIdentityHeader]: signInternalToken(this.key, { sub: party, aud: 'risk' }) }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
  }

  /** Publishes ledger events as the ledger would (for tests without a ledger). */
  async publishLedgerEvents(events: { type: string; key: string; data: Record<string, unknown> }[]): Promise<Envelope[]> {
    const envelopes = events.map((e) => makeEnvelope('ledger', e));
    await this.producer.send(envelopes.map((envelope) => ({ topic: this.topics.ledgerEvents.name, envelope })));
    return envelopes;
  }

  async publishInvoicesEvents(events: { type: string; key: string; data: Record<string, unknown> }[]): Promise<Envelope[]> {
    const envelopes = events.map((e) => makeEnvelope('invoices', e));
    await this.producer.send(envelopes.map((envelope) => ({ topic: this.topics.invoicesEvents.name, envelope })));
    return envelopes;
  }

  /** Sends bytes that need not be an event at all, as a broken or hostile producer might. */
  async publishRaw(topic: string, key: string, value: Buffer | string): Promise<void> {
    await this.raw.send({ topic, messages: [{ key, value }] });
  }

  /** Waits for a published event matching `match`. */
  async eventually<T = Record<string, any>>(type: string, match: (data: T) => boolean, what = type): Promise<Envelope<T>> {
    return eventually(() => this.published.find((e) => e.type === type && match(e.data as T)) as Envelope<T> | undefined, 30_000, what);
  }

  /** Waits until the consumer has applied everything it could (a row appears). */
  async until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
    return eventually(check, 30_000, what);
  }

  async rows<T = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }
}

export { consumedCatalog };
