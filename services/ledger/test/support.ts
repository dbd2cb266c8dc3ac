/**
 * A ledger for component tests: the real writer and Kafka intake in this process, against a
 * fresh PostgreSQL database and fresh topics on the test broker, with the outbox relay running
 * and a consumer collecting every command result from `ledger.results`.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPool, migrate, OutboxRelay, type Pool } from '@cascade/db';
import { exportPublicKey, generateKeyPair, signCommand, VerifierPool, type PrivateKey, type SignatureAlg } from '@cascade/crypto';
import { usccFromNumber, uuidv7 } from '@cascade/ids';
import { BatchConsumer, createKafka, EventProducer, makeEnvelope, signFact, type TopicKey, type TopicSpec } from '@cascade/events';
import { createLogger } from '@cascade/logging';
import { createTestDatabase, createTestTopics, eventually, infra, type TestDatabase } from '@cascade/testing';
import { fileURLToPath } from 'node:url';
import type { CommandResult } from '../src/application/batch.ts';
import { LedgerWriter } from '../src/application/writer.ts';
import { PostgresLedgerStore } from '../src/data-access/store.ts';
import { publishCatalog } from '../src/catalog.ts';
import { blockSigner } from '../src/config.ts';
import { writeDevGenesis, type DevGenesis } from '../src/dev-genesis.ts';
import { type CommandPayloads, type CommandType, type LedgerPolicy, type Role } from '../src/domain/index.ts';
import { createIntake } from '../src/entry-points/messages/intake.ts';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));
const logger = createLogger({ service: 'ledger-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let usccCounter = 0;
/** A valid unified social credit code, unique within the run. */
export function newUscc(): string {
  return usccFromNumber((Date.now() % 1e5) * 1000 + (usccCounter++ % 1000));
}

export interface TestParty {
  partyId: string;
  key: PrivateKey;
}

export class Clock {
  constructor(public now: Date) {}
  advanceDays(days: number): void {
    this.now = new Date(this.now.getTime() + days * 86_400_000);
  }
}

export class TestLedger {
  readonly results = new Map<string, CommandResult[]>();
  operator!: TestParty;
  private nonce = 0;

  constructor(
    readonly db: TestDatabase,
    readonly pool: Pool,
    readonly topics: Record<TopicKey, TopicSpec>,
    readonly dev: DevGenesis,
    readonly clock: Clock,
    readonly producer: EventProducer,
    readonly writer: LedgerWriter,
    private readonly closers: (() => Promise<void>)[],
  ) {}

  static async start(options: { hashAlg?: 'sha256' | 'sm3'; startAt?: Date; withIntake?: boolean; policy?: Partial<LedgerPolicy> } = {}): Promise<TestLedger> {
    const db = await createTestDatabase('ledger');
    await migrate({ databaseUrl: db.url, schema: 'ledger', dirs: [migrationsDir] });
    const pool = createPool({ databaseUrl: db.url, schema: 'ledger' });
    const topics = await createTestTopics();
    // The tests move the clock by days, so commands may be a week old.
    const policy = { commandAgeMaxMs: 7 * 24 * 60 * 60 * 1000, ...options.policy };
    const dev = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-ledger-')), { chainId: `test-${topics.ledgerCommands.name}`, hashAlg: options.hashAlg ?? 'sha256', policy });
    const clock = new Clock(options.startAt ?? new Date('2026-03-02T02:00:00.000Z'));
    const kafka = createKafka({ brokers: infra().kafkaBrokers, clientId: 'ledger-test' });
    const producer = new EventProducer(kafka, publishCatalog());
    await producer.connect();
    const verifier = new VerifierPool({ workers: 1 });
    const writer = new LedgerWriter({
      store: new PostgresLedgerStore(pool, { results: topics.ledgerResults.name, events: topics.ledgerEvents.name }),
      genesis: dev.genesis,
      signBlock: blockSigner(dev.ledgerKey),
      verifyMany: (items) => verifier.verifyBatch(items),
      logger,
      clock: () => clock.now,
    });
    await writer.init();
    const relay = new OutboxRelay({ pool, publisher: producer, logger, pollIntervalMs: 20, lockName: 'ledger' });
    relay.start();
    const closers: (() => Promise<void>)[] = [];
    const ledger = new TestLedger(db, pool, topics, dev, clock, producer, writer, closers);
    ledger.operator = { partyId: dev.genesis.operator.partyId, key: dev.operatorKey };

    const resultsConsumer = new BatchConsumer({
      kafka,
      groupId: `results-${topics.ledgerResults.name}`,
      topics: [topics.ledgerResults.name],
      catalog: publishCatalog(),
      logger,
      sessionTimeoutMs: 6_000,
      handleBatch: async (events) => {
        for (const e of events) {
          const r = e.envelope.data as CommandResult;
          const key = r.actor && r.nonce ? `${r.actor}:${r.nonce}` : r.submissionId;
          ledger.results.set(key, [...(ledger.results.get(key) ?? []), r]);
        }
      },
    });
    if (options.withIntake !== false) {
      const intake = createIntake({
        kafka,
        writer,
        logger,
        groupId: `intake-${topics.ledgerCommands.name}`,
        commandsTopic: topics.ledgerCommands.name,
        invoicesTopic: topics.invoicesEvents.name,
        facts: { chain: dev.genesis.chainId, invoicesKey: dev.genesis.services.invoices },
        sessionTimeoutMs: 6_000,
        deadLetter: { producer, topic: topics.ledgerDeadLetter.name },
      });
      await Promise.all([intake.start(), resultsConsumer.start()]);
      closers.push(() => intake.stop());
    } else {
      await resultsConsumer.start();
    }
    closers.push(
      () => resultsConsumer.stop(),
      () => relay.stop(),
      () => producer.disconnect(),
      () => verifier.close(),
      () => writer.close(),
      () => pool.end(),
      () => db.drop(),
    );
    return ledger;
  }

  async stop(): Promise<void> {
    for (const close of this.closers) await close().catch(() => undefined);
  }

  nextNonce(): string {
    this.nonce += 1;
    return `n-${this.nonce}-${uuidv7().slice(-6)}`;
  }

  command<T extends CommandType>(type: T, actor: TestParty, payload: CommandPayloads[T], nonce = this.nextNonce()) {
    return { type, chain: this.dev.genesis.chainId, actor: actor.partyId, nonce, createdAt: this.clock.now.toISOString(), payload };
  }

  /** Sends a signed command to ledger.commands, keyed as the gateway keys it. */
  async send(command: { actor: string; nonce: string; chain?: string; payload: unknown }, signers: PrivateKey[], key = 'k', signatures = signers.map((k) => signCommand(command, k))): Promise<string> {
    await this.producer.send([{ topic: this.topics.ledgerCommands.name, envelope: makeEnvelope('test', { type: 'CommandSubmitted', key, data: { command, signatures } }) }]);
    return `${command.actor}:${command.nonce}`;
  }

  async resultOf(resultKey: string, count = 1): Promise<CommandResult> {
    const list = await eventually(() => {
      const l = this.results.get(resultKey);
      return l && l.length >= count ? l : undefined;
    }, 30_000, `result for ${resultKey}`);
    return list[count - 1]!;
  }

  /** Signs, sends and waits for the result. */
  async run<T extends CommandType>(type: T, actor: TestParty, payload: CommandPayloads[T], signers: PrivateKey[] = [actor.key]): Promise<CommandResult> {
    const cmd = this.command(type, actor, payload);
    return this.resultOf(await this.send(cmd, signers));
  }

  async mustRun<T extends CommandType>(type: T, actor: TestParty, payload: CommandPayloads[T]): Promise<CommandResult> {
    const r = await this.run(type, actor, payload);
    if (r.status !== 'accepted') throw new Error(`${type} by ${actor.partyId} refused: ${JSON.stringify(r.problem)}`);
    return r;
  }

  async register(roles: Role[], alg: SignatureAlg = 'ed25519'): Promise<TestParty> {
    const key = generateKeyPair(alg).privateKey;
    const partyId = newUscc();
    await this.mustRun('party.register', this.operator, {
      partyId,
      uscc: partyId,
      name: `party ${partyId}`,
      roles,
      publicKeys: [{ keyId: key.keyId, alg, publicKey: exportPublicKey(key, 'hex') }],
    });
    return { partyId, key };
  }

  /**
   * Publishes a PayableConfirmed fact on invoices.events as the invoices service does: signed with
   * its key from the genesis, unless `signer` says otherwise (null: unsigned).
   */
  async publishFact(data: { payableId: string; debtor: string; creditor: string; amount: string; invoices: string[] }, signer: PrivateKey | null = this.dev.invoicesKey): Promise<void> {
    const signed = signer ? signFact(this.dev.genesis.chainId, 'PayableConfirmed', data, signer) : data;
    await this.producer.send([{ topic: this.topics.invoicesEvents.name, envelope: makeEnvelope('invoices', { type: 'PayableConfirmed', key: data.debtor, data: signed }) }]);
  }

  /** Publishes a signed PayableConfirmed fact as the invoices service would, and waits until it is recorded. */
  async confirmPayable(debtor: TestParty, creditor: TestParty, amount: string): Promise<string> {
    const payableId = `P-${uuidv7()}`;
    await this.publishFact({ payableId, debtor: debtor.partyId, creditor: creditor.partyId, amount, invoices: ['INV-1'] });
    await eventually(async () => ((await this.pool.query('SELECT 1 FROM payables WHERE payable_id = $1', [payableId])).rowCount ? true : undefined), 30_000, `payable ${payableId}`);
    return payableId;
  }

  /** Every state row, for "nothing changed" assertions. */
  async snapshot(): Promise<unknown> {
    const q = async (sql: string) => (await this.pool.query(sql)).rows;
    return {
      vouchers: await q('SELECT voucher_id, status, holder, data FROM vouchers ORDER BY voucher_id'),
      payables: await q('SELECT * FROM payables ORDER BY payable_id'),
      lines: await q('SELECT * FROM credit_lines ORDER BY funder, issuer'),
      parties: await q('SELECT * FROM parties ORDER BY party_id'),
      keys: await q('SELECT * FROM party_keys ORDER BY key_id'),
      balances: await q('SELECT * FROM balances ORDER BY account, currency'),
      operations: await q('SELECT count(*)::int AS n FROM operations'),
    };
  }
}
