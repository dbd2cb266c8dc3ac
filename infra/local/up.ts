/**
 * `infra/cascade up`: brings the platform up on this machine without Docker and shows it working.
 *
 * PostgreSQL and Redis come from the machine (started or installed if needed), Kafka is chosen as
 * the tests choose it (`startKafka` in @cascade/testing: the real Apache Kafka broker from Maven
 * Central where a JDK can run it), with every topic created, and the services run as child
 * processes (gateway, ledger, invoices, risk, workflows), each reading the simulated clock's offset
 * from `.local/clock.json` (CASCADE_CLOCK_FILE, reset to real time here; local mode only). Once all
 * answer `/ready`, the demo scenario runs against them. The platform then stays up until Ctrl-C (or exits at once with `--once`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { allTopics } from '@cascade/events';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { writeClockOffset } from '@cascade/config';
import { writeDevGenesis, type DevGenesis } from '@cascade/ledger';
import { ensureLocalPostgres, ensureLocalRedis, portAnswers, startKafka, topicAdminFor } from '@cascade/testing';
import { runDemo } from './demo.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const once = process.argv.includes('--once');
const readyWaitMsMax = 60_000;
const databaseName = 'cascade';

export const services = [
  { name: 'gateway', port: 3000 },
  { name: 'ledger', port: 3001 },
  { name: 'invoices', port: 3002 },
  { name: 'risk', port: 3003 },
  { name: 'workflows', port: 3004 },
] as const;

/** Set when our output pipe closed under us (`up | head`): nothing more is written to it. */
let outputClosed = false;

function say(message: string): void {
  if (!outputClosed) process.stdout.write(`${message}\n`);
}

/**
 * The database `cascade`, new on every run: the demo moves the simulated clock past maturity, so a
 * chain left by an earlier run is months ahead of real time (and belongs to its genesis).
 */
async function freshDatabase(adminUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${databaseName}`);
  } finally {
    await admin.end();
  }
  return url.toString();
}

async function waitReady(name: string, port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + readyWaitMsMax;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} was not ready on port ${port} within ${readyWaitMsMax} ms`);
}

/**
 * `.local/client.json`: everything a client written from docs/ledger.md needs to talk to this
 * local platform — brokers, topics, chain id, the operator's id and key file, and the environment
 * the `cascade ledger` commands read. Rewritten on every start (the broker's port changes).
 */
function writeClientFile(options: { kafkaBrokers: string[]; databaseUrl: string; redisUrl: string; dev: DevGenesis; genesisDir: string }): string {
  const file = path.join(root, '.local', 'client.json');
  const { dev } = options;
  const client = {
    kafkaBrokers: options.kafkaBrokers,
    topics: Object.fromEntries(allTopics().map((t) => [t.name, { partitions: t.partitions, doc: t.doc }])),
    chainId: dev.genesis.chainId,
    hashAlg: dev.genesis.hashAlg,
    operator: { partyId: dev.genesis.operator.partyId, keyId: dev.genesis.operator.publicKeys[0]?.keyId, privateKeyFile: path.join(options.genesisDir, 'operator-key.pem') },
    ledgerKey: dev.genesis.ledgerKey,
    services: Object.fromEntries(services.map((s) => [s.name, `http://127.0.0.1:${s.port}`])),
    gateway: { url: `http://127.0.0.1:${services[0].port}`, openapi: `http://127.0.0.1:${services[0].port}/v1/openapi.json`, docs: `http://127.0.0.1:${services[0].port}/docs` },
    cliEnvironment: { DATABASE_URL: options.databaseUrl, LEDGER_GENESIS_FILE: dev.genesisFile },
    redisUrl: options.redisUrl,
  };
  writeFileSync(file, `${JSON.stringify(client, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/**
 * `.local/internal-auth.key`: the key the gateway signs internal requests with and the other
 * services check them with. Made once (mode 0600) and kept, like the genesis.
 */
function ensureInternalAuthKey(): string {
  const file = path.join(root, '.local', 'internal-auth.key');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return file;
}

const children: ChildProcess[] = [];
let stopKafka: (() => Promise<void>) | null = null;

let shuttingDown: Promise<never> | null = null;

/** Stops the services and Kafka, once, however many signals or errors ask for it. */
function shutdown(code: number): Promise<never> {
  shuttingDown ??= stopEverything(code);
  return shuttingDown;
}

async function stopEverything(code: number): Promise<never> {
  say('stopping services…');
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
  await stopKafka?.();
  say('stopped.');
  process.exit(code);
}

async function main(): Promise<void> {
  const started = Date.now();
  say('Cascade — local mode (no Docker): PostgreSQL and Redis from this machine, Kafka started here');
  const adminUrl = await ensureLocalPostgres(say);
  const redisUrl = await ensureLocalRedis(say);
  const genesisDir = path.join(root, '.local/ledger');
  const dev = writeDevGenesis(genesisDir, { chainId: 'cascade-local' });
  // Every run starts on a fresh database, with the simulated clock back at real time.
  const databaseUrl = await freshDatabase(adminUrl);
  const clockFile = path.join(root, '.local', 'clock.json');
  writeClockOffset(clockFile, 0);
  const kafka = await startKafka(say);
  stopKafka = kafka.stop;
  const admin = topicAdminFor({ bootstrap: kafka.brokers, control: kafka.control });
  try {
    await admin.ensureTopics(allTopics().map((t) => ({ name: t.name, partitions: t.partitions })));
  } finally {
    await admin.close();
  }
  say(`  Kafka: ${kafka.description} at ${kafka.brokers.join(',')}`);
  say(`  PostgreSQL ${new URL(databaseUrl).host}/${databaseName}   Redis ${new URL(redisUrl).host}`);
  const clientFile = writeClientFile({ kafkaBrokers: kafka.brokers, databaseUrl, redisUrl, dev, genesisDir });
  say(`  what a client needs to drive the ledger (brokers, topics, chain id, operator key): ${path.relative(root, clientFile)} (see docs/ledger.md)`);

  const internalAuthKeyFile = ensureInternalAuthKey();
  const taken = [];
  for (const svc of services) if (await portAnswers(svc.port)) taken.push(svc.port);
  if (taken.length > 0) {
    throw new Error(`port(s) ${taken.join(', ')} on 127.0.0.1 are in use — is another \`infra/cascade up\` running? Stop it (Ctrl-C) first.`);
  }
  for (const svc of services) {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, `services/${svc.name}/src/main.ts`)], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(svc.port),
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        KAFKA_BROKERS: kafka.brokers.join(','),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        LEDGER_GENESIS_FILE: dev.genesisFile,
        LEDGER_SIGNING_KEY_FILE: dev.signingKeyFile,
        // The invoices service signs PayableConfirmed with the key the genesis names for it; the
        // risk service checks those signatures with the genesis, so four-flow scores are believed.
        INVOICES_SIGNING_KEY_FILE: dev.invoicesKeyFile,
        RISK_GENESIS_FILE: dev.genesisFile,
        INTERNAL_AUTH_KEY_FILE: internalAuthKeyFile,
        // Local work: webhook endpoints on this machine over plain http are allowed.
        WORKFLOWS_WEBHOOK_ALLOW_HTTP: 'true',
        WORKFLOWS_WEBHOOK_ALLOW_PRIVATE: 'true',
        // No 中登网 here: the workflows service answers its own registry requests (docs/workflows.md).
        WORKFLOWS_REGISTRY_SIMULATOR: 'true',
        // Payment files are looked for every second (the default minute would keep the demo waiting).
        WORKFLOWS_PAYMENT_FILES_TICK_MS: '1000',
        // The demo settles on the day after maturity; the scheduler here waits 2 days before it
        // marks an unpaid tree overdue, so that settlement is not raced by an overdue marking.
        WORKFLOWS_OVERDUE_GRACE_DAYS: '2',
        // The simulated clock (libs/config/src/clock.ts): local mode only, never in production.
        CASCADE_CLOCK_FILE: clockFile,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
  }
  await Promise.all(services.map((svc, i) => waitReady(svc.name, svc.port, children[i]!)));
  say(`all ${services.length} services ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const svc of services) say(`  ${svc.name.padEnd(9)} http://127.0.0.1:${svc.port}   (/health, /ready, /metrics)`);

  await runDemo({ services, log: say, clockFile, kafkaBrokers: kafka.brokers, databaseUrl, dev, root, gatewayUrl: `http://127.0.0.1:${services[0].port}` });

  if (once) return shutdown(0);
  say('\nThe platform is up. Press Ctrl-C to stop it.');
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// However this process ends (an uncaught error, its output pipe closed under it), the services
// it started end with it rather than holding the ports for the next run.
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});
process.stdout.on('error', () => {
  outputClosed = true;
  void shutdown(1);
});
main().catch(async (error: Error) => {
  process.stderr.write(`up failed: ${error.message}\n`);
  await shutdown(1);
});
