/**
 * The invoices service for component tests: its real routes on the shared service app (with the
 * internal identity check), its use cases on a fresh PostgreSQL database, and helpers that act as
 * a party through the gateway's internal token. Parties reach its view the way they do in
 * production, as ledger events applied by `applyLedgerEvents` (or, end to end, through Kafka).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { exportPublicKey, generateKeyPair, signCommand, type PrivateKey, type SignatureAlg } from '@cascade/crypto';
import { createPool, migrate, type Pool } from '@cascade/db';
import { makeEnvelope, type ReceivedEvent } from '@cascade/events';
import { usccFromNumber } from '@cascade/ids';
import { writeDevGenesis, type DevGenesis } from '@cascade/ledger';
import { createLogger } from '@cascade/logging';
import { buildServiceApp, internalIdentity, internalIdentityHeader, signInternalToken } from '@cascade/service';
import { createTestDatabase, type TestDatabase } from '@cascade/testing';
import { invoicesDeps, registerInvoicesApp } from '../src/app.ts';
import type { InvoicesDeps } from '../src/application/deps.ts';
import { applyLedgerEvents } from '../src/application/ledger-events.ts';
import type { Role } from '../src/domain/index.ts';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));
export const logger = createLogger({ service: 'invoices-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let usccCounter = 0;
/** A valid unified social credit code, unique within the run. */
export function newUscc(): string {
  return usccFromNumber(((Date.now() % 1e5) * 1000 + (usccCounter++ % 1000) + process.pid * 7) % 1e8);
}

export const hashOf = (seed: string): string => Buffer.from(seed.padEnd(32, '.').slice(0, 32)).toString('hex');

export interface TestParty {
  partyId: string;
  key: PrivateKey;
}

export class Clock {
  constructor(public now: Date) {}
}

export interface StartOptions {
  /** An existing genesis (the in-process ledger's, end to end); a fresh dev genesis otherwise. */
  dev?: DevGenesis;
  eventsTopic?: string;
  fourFlowScoreMin?: number;
  importBytesMax?: number;
  startAt?: Date;
}

export class TestInvoices {
  private numbers = 0;

  private constructor(
    readonly db: TestDatabase,
    readonly pool: Pool,
    readonly app: FastifyInstance,
    readonly deps: InvoicesDeps,
    readonly dev: DevGenesis,
    readonly clock: Clock,
    readonly internalKey: Buffer,
  ) {}

  static async start(options: StartOptions = {}): Promise<TestInvoices> {
    const db = await createTestDatabase('invoices');
    await migrate({ databaseUrl: db.url, schema: 'invoices', dirs: [migrationsDir] });
    const pool = createPool({ databaseUrl: db.url, schema: 'invoices', size: 30 });
    const dev = options.dev ?? writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-invoices-')), { chainId: `test-${randomUUID().slice(0, 8)}` });
    const clock = new Clock(options.startAt ?? new Date('2026-03-02T02:00:00.000Z'));
    const deps = invoicesDeps({
      pool,
      logger,
      settings: { genesisFile: dev.genesisFile, signingKeyFile: dev.invoicesKeyFile, fourFlowScoreMin: options.fourFlowScoreMin ?? 60, commandAgeMaxMs: 24 * 60 * 60 * 1000 },
      eventsTopic: options.eventsTopic ?? 'invoices.events',
      clock: () => clock.now,
    });
    const internalKey = randomBytes(32);
    const app = buildServiceApp({ name: 'invoices', logger, readiness: {} });
    await app.register(internalIdentity, { key: internalKey, audience: 'invoices' });
    registerInvoicesApp(app, deps, options.importBytesMax ?? 1024 * 1024 * 1024);
    await app.ready();
    return new TestInvoices(db, pool, app, deps, dev, clock, internalKey);
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.pool.end();
    await this.db.drop();
  }

  /** Headers the gateway would send for `partyId`. */
  headers(partyId: string): Record<string, string> {
    return { [internalIdentityHeader]: signInternalToken(this.internalKey, { sub: partyId, aud: 'invoices' }, Date.now()) };
  }

  async call(party: string | TestParty, method: 'GET' | 'POST', url: string, body?: unknown) {
    const partyId = typeof party === 'string' ? party : party.partyId;
    const res = await this.app.inject({ method, url, headers: this.headers(partyId), ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.json() as any, headers: res.headers };
  }

  async mustCall(party: string | TestParty, method: 'GET' | 'POST', url: string, body?: unknown): Promise<any> {
    const r = await this.call(party, method, url, body);
    if (r.status >= 300) throw new Error(`${method} ${url} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** Applies ledger events as the consumer would (inbox, savepoints). */
  async ledgerEvents(...events: { type: string; key?: string; data: Record<string, unknown> }[]): Promise<ReceivedEvent[]> {
    const received = events.map((e, i) => ({ envelope: makeEnvelope('ledger', { type: e.type, key: e.key ?? 'k', data: e.data }), topic: 'ledger.events', partition: 0, offset: String(i) }));
    await applyLedgerEvents(this.deps, received);
    return received;
  }

  /** A party the ledger registered (PartyRegistered applied), with a fresh key. */
  async party(roles: Role[], alg: SignatureAlg = 'ed25519'): Promise<TestParty> {
    const key = generateKeyPair(alg).privateKey;
    const partyId = newUscc();
    await this.ledgerEvents({ type: 'PartyRegistered', key: partyId, data: { partyId, uscc: partyId, name: `party ${partyId}`, roles, keys: [{ keyId: key.keyId, alg, publicKey: exportPublicKey(key, 'hex') }], at: this.clock.now.toISOString() } });
    return { partyId, key };
  }

  contractBody(buyer: string, seller: string, over: Record<string, unknown> = {}) {
    this.numbers += 1;
    return { contractNumber: `HT-${this.numbers}-${randomUUID().slice(0, 6)}`, buyer, seller, amount: '1000.00', signedOn: '2026-01-05', validUntil: '2026-12-31', documentHash: hashOf('contract'), lines: [{ item: 'steel coil', quantity: '10', unit: 't' }], ...over };
  }

  /** A classic-form invoice body with a number unique within the run. */
  invoiceBody(seller: string, buyer: string, over: Record<string, unknown> = {}) {
    this.numbers += 1;
    return { code: '3100231130', number: String((Date.now() * 7 + this.numbers * 1_000_003 + process.pid) % 1e8).padStart(8, '0'), seller, buyer, amountExclTax: '884.96', tax: '115.04', total: '1000.00', issuedOn: '2026-02-01', documentHash: hashOf('invoice'), ...over };
  }

  deliveryBody(contractId: string, over: Record<string, unknown> = {}) {
    this.numbers += 1;
    return { contractId, deliveryNumber: `FH-${this.numbers}`, shippedOn: '2026-01-20', receivedOn: '2026-01-22', receiver: 'Warehouse 3', lines: [{ item: 'steel coil', quantity: '10', unit: 't' }], ...over };
  }

  paymentBody(payer: string, payee: string, over: Record<string, unknown> = {}) {
    this.numbers += 1;
    return { payer, payee, amount: '500.00', paidOn: '2026-02-10', bankReference: `BR-${this.numbers}-${randomUUID().slice(0, 6)}`, ...over };
  }

  /**
   * A complete trade between a core enterprise and a supplier: contract, delivery received, a
   * verified-to-be invoice under it, and an earlier payment — what scores 100 once verified.
   */
  async trade(core: TestParty, supplier: TestParty, invoiceOver: Record<string, unknown> = {}) {
    const contract = await this.mustCall(supplier, 'POST', '/v1/contracts', this.contractBody(core.partyId, supplier.partyId));
    await this.mustCall(supplier, 'POST', '/v1/deliveries', this.deliveryBody(contract.contractId));
    const invoice = await this.mustCall(supplier, 'POST', '/v1/invoices', this.invoiceBody(supplier.partyId, core.partyId, { contractId: contract.contractId, ...invoiceOver }));
    await this.mustCall(core, 'POST', '/v1/payments', this.paymentBody(core.partyId, supplier.partyId));
    return { contract, invoice };
  }

  /** Marks invoices verified as a tax provider's result would. */
  async verify(invoiceIds: string[]): Promise<void> {
    await this.pool.query(`UPDATE invoices SET verification = 'verified' WHERE invoice_id = ANY($1::uuid[])`, [invoiceIds]);
  }

  command(actor: TestParty, payload: Record<string, unknown>, over: Record<string, unknown> = {}) {
    return { type: 'payable.confirm', chain: this.deps.chain, actor: actor.partyId, nonce: `n-${randomUUID()}`, createdAt: this.clock.now.toISOString(), payload, ...over };
  }

  signed(command: Record<string, unknown>, signers: PrivateKey[]) {
    return { command, signatures: signers.map((k) => signCommand(command, k)) };
  }

  /** Confirms a payable signed by `core` and returns the HTTP answer. */
  async confirm(core: TestParty, payload: Record<string, unknown>, signers: PrivateKey[] = [core.key]) {
    return this.call(core, 'POST', '/v1/payables', this.signed(this.command(core, payload), signers));
  }

  async outbox(type?: string): Promise<{ topic: string; key: string; envelope: { type: string; data: any } }[]> {
    const { rows } = await this.pool.query<{ topic: string; key: string; envelope: string }>('SELECT topic, key, envelope FROM outbox ORDER BY seq');
    return rows.map((r) => ({ topic: r.topic, key: r.key, envelope: JSON.parse(r.envelope) })).filter((r) => type === undefined || r.envelope.type === type);
  }

  /** Row counts of every table a write touches, for "nothing written" assertions. */
  async counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of ['contracts', 'invoices', 'deliveries', 'payments', 'payables', 'payable_invoices', 'outbox']) {
      out[t] = (await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]!.n;
    }
    out.committed = Number((await this.pool.query<{ s: string | null }>('SELECT sum(committed_fen)::text AS s FROM invoices')).rows[0]!.s ?? 0);
    return out;
  }
}
