/**
 * The platform for the gateway's tests: the real ledger as a process (its own database, prefixed
 * topics on the test broker) — with the invoices and risk services as processes too when a test
 * asks for them (`Stack.start({ services: true })`) — and gateways in this process on one database of their own and the
 * test Redis — as many as a test asks for, all sharing that database and Redis as gateway
 * processes of one deployment do. Each gateway listens on a port the system picks.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { clockFileRefreshMs, clockOf, loadConfig, writeClockOffset } from '@cascade/config';
import { exportPrivateKey, exportPublicKey, generateKeyPair, type PrivateKey } from '@cascade/crypto';
import { createKafka, makeEnvelope, EventProducer, signFact, type TopicKey, type TopicSpec } from '@cascade/events';
import { usccFromNumber } from '@cascade/ids';
import { createLogger } from '@cascade/logging';
import { writeDevGenesis, type DevGenesis } from '@cascade/ledger';
import { CascadeClient, signerFromRawKey, type ContractRecord, type DeliveryRecord, type InvoiceRecord, type Role, type Signer } from '@cascade/sdk/client';
import { buildServiceApp, createPlatform, internalIdentityHeader, serviceSpec, signInternalToken, type Part, type Platform } from '@cascade/service';
import { createTestDatabase, createTestTopics, eventually, infra, spawnServiceProcess, type ServiceProcess, type TestDatabase } from '@cascade/testing';
import { composeGateway, definition, type GatewayConfig } from '../src/index.ts';
import type { GatewayContext } from '../src/route-table.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const logger = createLogger({ service: 'gateway-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface RunningGateway {
  app: FastifyInstance;
  url: string;
  context: GatewayContext;
  platform: Platform;
  stop(): Promise<void>;
}

export interface TestParty {
  partyId: string;
  roles: Role[];
  key: PrivateKey;
  signer: Signer;
}

let usccCounter = 0;
const usccBase = randomInt(90_000);
export function newUscc(): string {
  return usccFromNumber(usccBase * 1000 + (usccCounter++ % 1000));
}

export function signerOf(key: PrivateKey): Signer {
  return signerFromRawKey(key.alg, exportPrivateKey(key, 'raw'));
}

export class Stack {
  readonly gateways: RunningGateway[] = [];
  operator!: TestParty;
  /** With `clock: true`, the simulated clock's offset file every process of the stack reads (CASCADE_CLOCK_FILE). */
  clockFile: string | null = null;
  /** The stack's time: real time plus the simulated clock's offset (real time without one). */
  now: () => Date = () => new Date();
  private constructor(
    readonly ledgerDb: TestDatabase,
    readonly gatewayDb: TestDatabase,
    readonly topics: Record<TopicKey, TopicSpec>,
    readonly prefix: string,
    readonly dev: DevGenesis,
    readonly internalKey: Buffer,
    readonly ledger: ServiceProcess,
    readonly ledgerUrl: string,
    readonly redisPrefix: string,
    private readonly producer: EventProducer,
    readonly services: { invoices: ServiceProcess; invoicesUrl: string; risk: ServiceProcess; riskUrl: string; workflows: ServiceProcess; workflowsUrl: string; dbs: TestDatabase[] } | null,
  ) {}

  /**
   * `clock`: the ledger, the services and the gateways decide by a simulated clock the test moves
   * (`moveClock`), as local mode's demo does; clients sign createdAt by it.
   */
  static async start(options: { services?: boolean; clock?: boolean } = {}): Promise<Stack> {
    const settings = infra();
    const [ledgerDb, gatewayDb, topics] = await Promise.all([createTestDatabase('gwledger'), createTestDatabase('gw'), createTestTopics()]);
    const prefix = topics.ledgerCommands.name.slice(0, -'.ledger.commands'.length);
    const dev = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-gw-')), { chainId: `test-${prefix}` });
    const internalKey = randomBytes(32);
    const clockFile = options.clock ? path.join(path.dirname(dev.genesisFile), 'clock.json') : null;
    if (clockFile) writeClockOffset(clockFile, 0);
    const clockEnv = clockFile ? { CASCADE_CLOCK_FILE: clockFile } : {};
    const ledger = spawnServiceProcess({
      entry: path.join(root, 'services/ledger/src/main.ts'),
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: ledgerDb.url,
        REDIS_URL: settings.redisUrl,
        KAFKA_BROKERS: settings.kafkaBrokers.join(','),
        TOPIC_PREFIX: prefix,
        LEDGER_GENESIS_FILE: dev.genesisFile,
        LEDGER_SIGNING_KEY_FILE: dev.signingKeyFile,
        LEDGER_INTAKE_GROUP: `intake-${prefix}`,
        INTERNAL_AUTH_KEY: internalKey.toString('hex'),
        ...clockEnv,
      },
    });
    let services: Stack['services'] = null;
    if (options.services) {
      const [invoicesDb, riskDb, workflowsDb] = await Promise.all([createTestDatabase('gwinvoices'), createTestDatabase('gwrisk'), createTestDatabase('gwworkflows')]);
      const common = { ...process.env, REDIS_URL: settings.redisUrl, KAFKA_BROKERS: settings.kafkaBrokers.join(','), TOPIC_PREFIX: prefix, INTERNAL_AUTH_KEY: internalKey.toString('hex'), ...clockEnv };
      const invoices = spawnServiceProcess({
        entry: path.join(root, 'services/invoices/src/main.ts'),
        cwd: root,
        env: { ...common, DATABASE_URL: invoicesDb.url, LEDGER_GENESIS_FILE: dev.genesisFile, INVOICES_SIGNING_KEY_FILE: dev.invoicesKeyFile, INVOICES_LEDGER_GROUP: `invoices-${prefix}` },
      });
      const risk = spawnServiceProcess({
        entry: path.join(root, 'services/risk/src/main.ts'),
        cwd: root,
        env: { ...common, DATABASE_URL: riskDb.url, RISK_GENESIS_FILE: dev.genesisFile, RISK_CONSUMER_GROUP: `risk-${prefix}` },
      });
      // Webhook URLs on this machine over http are allowed here, as in local mode.
      const workflows = spawnServiceProcess({
        entry: path.join(root, 'services/workflows/src/main.ts'),
        cwd: root,
        env: { ...common, DATABASE_URL: workflowsDb.url, LEDGER_GENESIS_FILE: dev.genesisFile, WORKFLOWS_LEDGER_GROUP: `workflows-${prefix}`, WORKFLOWS_WEBHOOK_ALLOW_HTTP: 'true', WORKFLOWS_WEBHOOK_ALLOW_PRIVATE: 'true', WORKFLOWS_REGISTRY_SIMULATOR: 'true', WORKFLOWS_PAYMENT_FILES_TICK_MS: '1000' },
      });
      const [invoicesPort, riskPort, workflowsPort] = await Promise.all([invoices.port(90_000), risk.port(90_000), workflows.port(90_000)]);
      services = { invoices, invoicesUrl: `http://127.0.0.1:${invoicesPort}`, risk, riskUrl: `http://127.0.0.1:${riskPort}`, workflows, workflowsUrl: `http://127.0.0.1:${workflowsPort}`, dbs: [invoicesDb, riskDb, workflowsDb] };
    }
    const port = await ledger.port(90_000);
    const producer = new EventProducer(createKafka({ brokers: settings.kafkaBrokers, clientId: 'gateway-test' }), null);
    await producer.connect();
    const stack = new Stack(ledgerDb, gatewayDb, topics, prefix, dev, internalKey, ledger, `http://127.0.0.1:${port}`, `gw-${prefix}:`, producer, services);
    stack.operator = { partyId: dev.genesis.operator.partyId, roles: ['operator'], key: dev.operatorKey, signer: signerOf(dev.operatorKey) };
    if (clockFile) {
      stack.clockFile = clockFile;
      stack.now = clockOf(clockFile);
    }
    return stack;
  }

  config(overrides: Record<string, string> = {}): GatewayConfig {
    const settings = infra();
    return loadConfig(serviceSpec(definition), {
      DATABASE_URL: this.gatewayDb.url,
      REDIS_URL: settings.redisUrl,
      KAFKA_BROKERS: settings.kafkaBrokers.join(','),
      TOPIC_PREFIX: this.prefix,
      INTERNAL_AUTH_KEY: this.internalKey.toString('hex'),
      LEDGER_GENESIS_FILE: this.dev.genesisFile,
      LEDGER_URL: this.ledgerUrl,
      // Without the services there is no workflows service to ask about the registry: the check is off, explicitly.
      ...(this.services ? { INVOICES_URL: this.services.invoicesUrl, RISK_URL: this.services.riskUrl, WORKFLOWS_URL: this.services.workflowsUrl } : { GATEWAY_REGISTRY_CHECK: 'off' }),
      GATEWAY_REDIS_PREFIX: this.redisPrefix,
      GATEWAY_REGISTRY_GROUP: `registry-${this.prefix}`,
      GATEWAY_RESPONSE_VALIDATION: 'true',
      GATEWAY_LOGIN_RATE_LIMIT: '100000',
      GATEWAY_RATE_LIMIT: '100000',
      ...overrides,
    }) as unknown as GatewayConfig;
  }

  /** Starts one more gateway on the shared database and Redis. */
  async gateway(overrides: Record<string, string> = {}): Promise<RunningGateway> {
    const config = this.config(overrides);
    const common = config as unknown as { databaseUrl: string; redisUrl: string; kafkaBrokers: string[] };
    const platform = createPlatform({ service: 'gateway', schema: 'gateway', databaseUrl: common.databaseUrl, redisUrl: common.redisUrl, kafkaBrokers: common.kafkaBrokers, migrationsDirs: definition.migrationsDirs, catalog: null, logger, kafkaIdempotentProducer: true, redisAutoPipelining: definition.redisAutoPipelining, ...(this.clockFile ? { clockFile: this.clockFile } : {}) });
    const app = buildServiceApp({ name: 'gateway', logger, readiness: platform.readiness, registry: platform.registry });
    const { parts, context } = await composeGateway(app, { pool: platform.pool, redis: platform.redis, kafka: platform.kafka, logger, registry: platform.registry, readiness: platform.readiness, clock: platform.clock }, config);
    const started: Part[] = [];
    for (const part of [...platform.parts, ...parts]) {
      await part.start();
      started.push(part);
    }
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const running: RunningGateway = {
      app,
      url: address,
      context,
      platform,
      stop: async () => {
        await app.close();
        for (const part of started.reverse()) await part.stop().catch(() => undefined);
      },
    };
    this.gateways.push(running);
    return running;
  }

  client(gateway: RunningGateway = this.gateways[0]!, token?: string): CascadeClient {
    return new CascadeClient({ baseUrl: gateway.url, ...(token ? { token } : {}), retriesMax: 2, now: this.now });
  }

  /**
   * Moves the simulated clock (a stack started with `clock: true`) to `offsetMs` past real time,
   * and waits until every process (this one too) reads the new offset.
   */
  async moveClock(offsetMs: number): Promise<void> {
    if (!this.clockFile) throw new Error('this stack was started without a simulated clock');
    writeClockOffset(this.clockFile, offsetMs);
    await new Promise((resolve) => setTimeout(resolve, 3 * clockFileRefreshMs));
  }

  /** Registers a party through the gateway (operator-signed) and returns it with a logged-in client. */
  async register(roles: Role[], alg: 'ed25519' | 'sm2' = 'ed25519', gateway: RunningGateway = this.gateways[0]!): Promise<TestParty & { client: CascadeClient }> {
    const operator = await this.operatorClient(gateway);
    const key = generateKeyPair(alg).privateKey;
    const partyId = roles.includes('regulator') || roles.includes('operator') ? `reg-${randomBytes(4).toString('hex')}` : newUscc();
    await operator.command('party.register', this.operator.partyId, { partyId, uscc: partyId.startsWith('reg-') ? null : partyId, name: `party ${partyId}`, roles, publicKeys: [{ keyId: key.keyId, alg, publicKey: exportPublicKey(key, 'hex') }] }, [this.operator.signer]);
    const client = this.client(gateway);
    const signer = signerOf(key);
    await client.login(partyId, signer);
    await this.seenByServices(partyId);
    return { partyId, roles, key, signer, client };
  }

  private operatorClients = new Map<RunningGateway, CascadeClient>();
  async operatorClient(gateway: RunningGateway = this.gateways[0]!): Promise<CascadeClient> {
    let c = this.operatorClients.get(gateway);
    if (!c) {
      c = this.client(gateway);
      await c.login(this.operator.partyId, this.operator.signer);
      this.operatorClients.set(gateway, c);
    }
    return c;
  }

  /** A payable fact as the invoices service publishes it (signed with its genesis key), recorded once the ledger has it. */
  async confirmPayable(debtor: string, creditor: string, amount: string): Promise<string> {
    const payableId = `P-${randomBytes(6).toString('hex')}`;
    const data = signFact(this.dev.genesis.chainId, 'PayableConfirmed', { payableId, debtor, creditor, amount, invoices: ['INV-1'] }, this.dev.invoicesKey);
    await this.producer.send([{ topic: this.topics.invoicesEvents.name, envelope: makeEnvelope('invoices', { type: 'PayableConfirmed', key: debtor, data }) }]);
    await eventually(async () => ((await this.ledgerGet(debtor, `/v1/payables?role=debtor&limit=200`)).body as { items: { payableId: string }[] }).items.some((p) => p.payableId === payableId) || undefined, 30_000, `payable ${payableId}`);
    return payableId;
  }

  /**
   * Waits until the invoices and risk services know `partyId` (they learn parties from the
   * ledger's events): until then they refuse it as not registered.
   */
  async seenByServices(partyId: string): Promise<void> {
    if (!this.services) return;
    const { invoicesUrl, riskUrl, workflowsUrl } = this.services;
    const as = (aud: string) => ({ [internalIdentityHeader]: signInternalToken(this.internalKey, { sub: partyId, aud }) });
    await eventually(async () => ((await fetch(`${invoicesUrl}/v1/payables`, { headers: as('invoices') })).status === 200) || undefined, 30_000, `${partyId} seen by the invoices service`);
    await eventually(async () => ((await fetch(`${riskUrl}/v1/enterprises/${partyId}/score`, { headers: as('risk') })).status !== 403) || undefined, 30_000, `${partyId} seen by the risk service`);
    await eventually(async () => ((await fetch(`${workflowsUrl}/v1/webhooks`, { headers: as('workflows') })).status === 200) || undefined, 30_000, `${partyId} seen by the workflows service`);
  }

  /** A read on the ledger's internal API as `party` (what only the gateway can do). */
  async ledgerGet(party: string, url: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.ledgerUrl}${url}`, { headers: { [internalIdentityHeader]: signInternalToken(this.internalKey, { sub: party, aud: 'ledger' }) } });
    return { status: res.status, body: await res.json() };
  }

  async stop(): Promise<void> {
    for (const g of this.gateways) await g.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    if (this.ledger.child.exitCode === null) {
      this.ledger.child.kill('SIGTERM');
      await Promise.race([this.ledger.exited(), new Promise((r) => setTimeout(r, 10_000))]);
      if (this.ledger.child.exitCode === null) this.ledger.child.kill('SIGKILL');
    }
    for (const svc of this.services ? [this.services.invoices, this.services.risk, this.services.workflows] : []) {
      if (svc.child.exitCode !== null) continue;
      svc.child.kill('SIGTERM');
      await Promise.race([svc.exited(), new Promise((r) => setTimeout(r, 10_000))]);
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    }
    for (const db of this.services?.dbs ?? []) await db.drop().catch(() => undefined);
    await this.ledgerDb.drop().catch(() => undefined);
    await this.gatewayDb.drop().catch(() => undefined);
  }
}

export function addMonthsShanghai(months: number): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/** The calendar date in Asia/Shanghai `days` days ago (the invoices service refuses future dates). */
export function daysAgoShanghai(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

/** A classic invoice identity (10-digit code, 8-digit number) unique within the run. */
export function newInvoiceIdentity(): { code: string; number: string } {
  return { code: `31${String(randomInt(1e8)).padStart(8, '0')}`, number: String(randomInt(1e8)).padStart(8, '0') };
}

export const documentHashOf = (seed: string): string => createHash('sha256').update(seed).digest('hex');

/**
 * The trade behind a payable, recorded through the gateway by the seller: a contract with the
 * buyer, a delivery received in full, and an invoice of `total` under the contract — enough for a
 * four-flow score above the invoices service's floor (no payment history and no tax verification
 * yet: 80 of 100).
 */
export async function recordTrade(seller: { partyId: string; client: CascadeClient }, buyer: { partyId: string }, total: string): Promise<{ contract: ContractRecord; delivery: DeliveryRecord; invoice: InvoiceRecord }> {
  const tag = randomBytes(4).toString('hex');
  const contract = await seller.client.recordContract({
    contractNumber: `C-${tag}`,
    buyer: buyer.partyId,
    seller: seller.partyId,
    amount: total,
    signedOn: daysAgoShanghai(30),
    validUntil: null,
    documentHash: documentHashOf(`contract ${tag}`),
    lines: [{ item: 'M8 fasteners', quantity: '1000', unit: 'box' }],
  });
  const delivery = await seller.client.recordDelivery({ contractId: contract.contractId, deliveryNumber: `D-${tag}`, shippedOn: daysAgoShanghai(20), receivedOn: daysAgoShanghai(18), receiver: 'warehouse 3', lines: [{ item: 'M8 fasteners', quantity: '1000', unit: 'box' }] });
  const [whole, cents] = total.split('.') as [string, string];
  const fen = BigInt(whole) * 100n + BigInt(cents);
  const tax = (fen * 13n) / 113n;
  const fmt = (f: bigint) => `${f / 100n}.${String(f % 100n).padStart(2, '0')}`;
  const invoice = await seller.client.registerInvoice({ ...newInvoiceIdentity(), seller: seller.partyId, buyer: buyer.partyId, amountExclTax: fmt(fen - tax), tax: fmt(tax), total, issuedOn: daysAgoShanghai(15), documentHash: documentHashOf(`invoice ${tag}`), contractId: contract.contractId });
  return { contract, delivery, invoice };
}
