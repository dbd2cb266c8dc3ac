/**
 * The gateway's cost and the platform's signed operations per second through HTTP.
 *
 *   npm run bench:gateway -- [--requests 20000] [--concurrency 64] [--ops-per-client 50] [--rounds 5] [--profile file]
 *
 * Starts local infrastructure as the ledger benchmark does (this machine's PostgreSQL and Redis,
 * Kafka chosen as the tests choose it, or KAFKA_BROKERS), the ledger as its own process, and a
 * gateway in this process (its real code: composeGateway on a platform).
 *
 * Part 1, in one run, over loopback HTTP with the same load generator and the same pre-signed
 * `voucher.transfer` commands: (a) a bare fastify route that parses the body and checks the
 * signature against the key (what any endpoint must do), and (b) the gateway's transfer route with
 * everything it does — bearer token, rate limit (Redis), strict JSON and schema validation,
 * Idempotency-Key (Redis), the command checks and signature, the nonce (Redis), the Kafka key and
 * the batched send to ledger.commands — answered as soon as Kafka has the command (the gateway's
 * wait for the ledger set to 0, so it answers 202, and its topics read by no ledger: the ledger's
 * own time is part 2's). The two
 * alternate in `--rounds` slices of the requests, so drift on the machine falls on both. The goal
 * of DESIGN §7 is (b) within 20 % of (a).
 *
 * Part 2: end to end, 64 concurrent clients (--concurrency), each issuing a voucher as a core
 * enterprise and accepting it as the supplier, again and again, every command signed and waited
 * for (200 with the ledger's result): committed operations per second, p50 and p99.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import pg from 'pg';
import { loadConfig } from '@cascade/config';
import { canonicalBytes, exportPrivateKey, generateKeyPair, parseJsonStrict, verifySignature, type PrivateKey } from '@cascade/crypto';
import { createKafka, EventProducer, makeEnvelope, prefixedTopics, signFact } from '@cascade/events';
import { usccFromNumber } from '@cascade/ids';
import { createLogger } from '@cascade/logging';
import { writeDevGenesis } from '@cascade/ledger';
import { composeGateway, definition, type GatewayConfig } from '@cascade/gateway';
import { CascadeClient, newNonce, newVoucherId, publicKeyOf, signCommand, signerFromRawKey, type Signer } from '@cascade/sdk/client';
import { buildServiceApp, createPlatform, serviceSpec } from '@cascade/service';
import { ensureLocalPostgres, ensureLocalRedis, startKafka, topicAdminFor } from '@cascade/testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const flag = (name: string, dflt: number, max: number): number => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`--${name} must be an integer from 1 to ${max}`);
  return v;
};
const requests = flag('requests', 20_000, 200_000);
const concurrency = flag('concurrency', 64, 1_024);
const opsPerClient = flag('ops-per-client', 50, 10_000);
const rounds = flag('rounds', 5, 100);
/** `--profile <file>`: a CPU profile of this process (gateway and load generator) during the gateway's part 1 load. */
const profileFile = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : undefined;
const readyWaitMsMax = 90_000;
const logger = createLogger({ service: 'bench-gateway', level: process.env.LOG_LEVEL ?? 'fatal' });

function say(s: string): void {
  process.stdout.write(`${s}\n`);
}
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const signerOf = (key: PrivateKey): Signer => signerFromRawKey(key.alg, exportPrivateKey(key, 'raw'));

interface LoadResult {
  count: number;
  seconds: number;
  /** CPU time of this whole process (every thread, the load generator's included), µs. */
  cpuMicros: number;
  latencies: number[];
  failures: number;
}

/** Sends every request with `concurrency` in flight; returns its time and latencies (ms). */
async function load(count: number, parallel: number, send: (i: number) => Promise<number>, okStatus: number[]): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        const status = await send(i);
        latencies.push(performance.now() - t);
        if (!okStatus.includes(status)) failures += 1;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { count, seconds: (performance.now() - started) / 1000, cpuMicros: used.user + used.system, latencies, failures };
}

/** Rounds of one load as one: requests over the time they took, percentiles over all of them. */
function combine(results: LoadResult[]): { opsPerSecond: number; p50: number; p99: number; failures: number; cpuMicrosPerRequest: number } {
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = results.reduce((s, r) => s + r.seconds, 0);
  const count = results.reduce((s, r) => s + r.count, 0);
  const cpuMicrosPerRequest = results.reduce((s, r) => s + r.cpuMicros, 0) / count;
  return { opsPerSecond: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures: results.reduce((s, r) => s + r.failures, 0), cpuMicrosPerRequest };
}

/** Children to stop when the benchmark fails, so that none outlives it. */
const children: ChildProcess[] = [];
const spawned: typeof spawn = ((...a: Parameters<typeof spawn>) => {
  const child = spawn(...a);
  children.push(child);
  return child;
}) as typeof spawn;

async function startProfile(): Promise<{ stop(): Promise<void> } | undefined> {
  if (!profileFile) return undefined;
  const session = new Session();
  session.connect();
  const post = <T>(method: string) => new Promise<T>((resolve, reject) => session.post(method, (e, r) => (e ? reject(e) : resolve(r as T))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = await post<{ profile: unknown }>('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(profile));
      session.disconnect();
      say(`CPU profile of the gateway's part 1 written to ${profileFile}`);
    },
  };
}

async function main(): Promise<void> {
  say(`Cascade gateway benchmark — ${os.cpus().length} cores; part 1: ${requests} requests, part 2: ${concurrency} clients × ${opsPerClient} operations; ${concurrency} in flight`);
  const adminUrl = await ensureLocalPostgres(say);
  const redisUrl = await ensureLocalRedis(say);
  const kafka = await startKafka(say);
  const prefix = `benchgw-${Date.now()}`;
  const topics = prefixedTopics(prefix);
  const admin = topicAdminFor({ bootstrap: kafka.brokers, control: kafka.control });
  // Part 1's gateway sends to topics of its own, which no ledger reads (see gateway() below).
  for (const p of [prefix, `${prefix}-sink`]) await admin.ensureTopics(Object.values(prefixedTopics(p)).map((t) => ({ name: t.name, partitions: t.partitions })));
  await admin.close();
  const databases: string[] = [];
  const database = async (name: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    databases.push(name);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const stamp = Date.now();
  const ledgerDb = await database(`benchgw_ledger_${stamp}`);
  const gatewayDb = await database(`benchgw_gateway_${stamp}`);
  const dev = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-benchgw-')), { chainId: prefix });
  const internalKey = randomBytes(32).toString('hex');

  const ledger: ChildProcess = spawned(process.execPath, ['--import', 'tsx', path.join(root, 'services/ledger/src/main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: ledgerDb, REDIS_URL: redisUrl, KAFKA_BROKERS: kafka.brokers.join(','), TOPIC_PREFIX: prefix, LEDGER_GENESIS_FILE: dev.genesisFile, LEDGER_SIGNING_KEY_FILE: dev.signingKeyFile, LEDGER_INTAKE_GROUP: `intake-${prefix}`, INTERNAL_AUTH_KEY: internalKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ledgerPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the ledger did not listen')), readyWaitMsMax);
    let buffer = '';
    ledger.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = /"address":"http:\/\/[^"]*:(\d+)"/.exec(buffer);
      if (m && buffer.includes('"msg":"listening"')) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    ledger.once('exit', (code) => reject(new Error(`the ledger exited with ${code}`)));
  });

  // Part 1's gateway (wait 0) sends its commands to a ledger.commands of its own that no ledger
  // reads: it pays for every produce request and its acks as always, while the ledger stays idle
  // instead of spending this machine's two cores refusing those transfers (the vouchers do not
  // exist) while the gateway is measured and not while the bare route is. Its parties, keys and
  // tokens are the other gateway's: they share the database.
  const gateway = async (wait: string) => {
    const config = loadConfig(serviceSpec(definition), {
      DATABASE_URL: gatewayDb, REDIS_URL: redisUrl, KAFKA_BROKERS: kafka.brokers.join(','), TOPIC_PREFIX: wait === '0' ? `${prefix}-sink` : prefix, INTERNAL_AUTH_KEY: internalKey, LEDGER_GENESIS_FILE: dev.genesisFile,
      LEDGER_URL: `http://127.0.0.1:${ledgerPort}`, GATEWAY_REDIS_PREFIX: `${prefix}:${wait}:`, GATEWAY_REGISTRY_GROUP: `registry-${prefix}-${wait}`, GATEWAY_COMMAND_WAIT_MS: wait, GATEWAY_RATE_LIMIT: '1000000', GATEWAY_LOGIN_RATE_LIMIT: '1000000', LOG_LEVEL: 'warn',
    }) as unknown as GatewayConfig & { databaseUrl: string; redisUrl: string; kafkaBrokers: string[] };
    const platform = createPlatform({ service: 'gateway', schema: 'gateway', databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, kafkaBrokers: config.kafkaBrokers, migrationsDirs: definition.migrationsDirs, catalog: null, logger, redisAutoPipelining: definition.redisAutoPipelining });
    const app = buildServiceApp({ name: 'gateway', logger, readiness: platform.readiness, registry: platform.registry });
    const { parts } = await composeGateway(app, { pool: platform.pool, redis: platform.redis, kafka: platform.kafka, logger, registry: platform.registry, readiness: platform.readiness }, config);
    for (const part of [...platform.parts, ...parts]) await part.start();
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { url, pool: platform.pool, stop: async () => (await app.close(), await Promise.all([...platform.parts, ...parts].reverse().map((p) => p.stop().catch(() => undefined)))) };
  };
  const waiting = await gateway('10000');
  const operator = new CascadeClient({ baseUrl: waiting.url });
  const operatorSigner = signerOf(dev.operatorKey);
  await operator.login(dev.genesis.operator.partyId, operatorSigner);
  const base = randomInt(80_000);
  let n = 0;
  const register = async (roles: ('core' | 'supplier')[]) => {
    const signer = signerOf(generateKeyPair('ed25519').privateKey);
    const partyId = usccFromNumber(base * 1000 + n++);
    await operator.command('party.register', dev.genesis.operator.partyId, { partyId, uscc: partyId, name: partyId, roles, publicKeys: [publicKeyOf(signer)] }, [operatorSigner]);
    const client = new CascadeClient({ baseUrl: waiting.url, retriesMax: 0 });
    await client.login(partyId, signer);
    return { partyId, signer, client, token: (client as unknown as { token: string }).token };
  };
  const supplier = await register(['supplier']);

  // ---- part 1: the gateway layer next to a bare route doing the same signature check
  const warm = Math.min(500, Math.floor(requests / 10));
  const transfers = Array.from({ length: requests + warm }, () => {
    const voucherId = newVoucherId();
    const command = { type: 'voucher.transfer' as const, chain: dev.genesis.chainId, actor: supplier.partyId, nonce: newNonce(), createdAt: new Date().toISOString(), payload: { voucherId, pieces: [{ childId: newVoucherId(), recipient: supplier.partyId, amount: '100.00' }], remainder: { childId: newVoucherId(), amount: '900.00' } } };
    return { voucherId, body: JSON.stringify(signCommand(command, [supplier.signer])) };
  });
  // As if the vouchers existed: the gateway's view knows their tree's issuer (the Kafka key).
  await waiting.pool.query('INSERT INTO voucher_issuers (voucher_id, root_id, issuer) SELECT v, v, $2 FROM unnest($1::uuid[]) v', [transfers.map((t) => t.voucherId), supplier.partyId]);

  const bare = Fastify({ logger: false, bodyLimit: 262_144 });
  bare.removeAllContentTypeParsers();
  bare.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) => {
    try {
      done(null, parseJsonStrict(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  const supplierKey = Buffer.from(supplier.signer.publicKeyHex, 'hex');
  bare.post('/v1/vouchers/:voucherId/transfer', async (request, reply) => {
    const body = request.body as { command: unknown; signatures: { sig: string }[] };
    const ok = verifySignature('ed25519', supplierKey, canonicalBytes(body.command), body.signatures[0]!.sig);
    return reply.status(ok ? 200 : 401).send({ ok });
  });
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  const fast = await gateway('0');
  const post = (url: string, i: number, withToken: boolean) =>
    fetch(`${url}/v1/vouchers/${transfers[i]!.voucherId}/transfer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `k-${i}`, ...(withToken ? { authorization: `Bearer ${supplier.token}` } : {}) },
      body: transfers[i]!.body,
    }).then(async (r) => (await r.arrayBuffer(), r.status));
  // A short warm-up of both (JIT, connections), on requests not measured.
  await load(warm, concurrency, (i) => post(bareUrl, requests + i, false), [200]);
  await load(warm, concurrency, (i) => post(fast.url, requests + i, true), [202]);
  // The two loads alternate, a slice each per round, so that whatever else changes on the machine
  // meanwhile (the broker's JIT, the page cache) falls on both alike.
  const bareRounds: LoadResult[] = [];
  const gwRounds: LoadResult[] = [];
  const slice = Math.ceil(requests / rounds);
  const profiling = await startProfile();
  for (let from = 0; from < requests; from += slice) {
    const count = Math.min(slice, requests - from);
    bareRounds.push(await load(count, concurrency, (i) => post(bareUrl, from + i, false), [200]));
    gwRounds.push(await load(count, concurrency, (i) => post(fast.url, from + i, true), [202]));
  }
  await profiling?.stop();
  const bareResult = combine(bareRounds);
  const gwResult = combine(gwRounds);
  say('\nPart 1 — a signed voucher.transfer over loopback HTTP, same load generator, same commands');
  const row = (label: string, r: ReturnType<typeof combine>) => say(`  ${label.padEnd(46)} ${r.opsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   ${r.cpuMicrosPerRequest.toFixed(0).padStart(5)} µs CPU/request${r.failures ? `   ${r.failures} unexpected answers` : ''}`);
  row('bare fastify route: parse + signature check', bareResult);
  row('gateway: auth, limits, idempotency, checks, Kafka', gwResult);
  say(`  gateway layer: ${((1 - gwResult.opsPerSecond / bareResult.opsPerSecond) * 100).toFixed(1)} % fewer requests per second than the bare route (goal: at most 20 %)`);
  say(`  CPU of this process per request (it runs the load generator too, alike for both): the gateway spends ${(gwResult.cpuMicrosPerRequest - bareResult.cpuMicrosPerRequest).toFixed(0)} µs more, ${((gwResult.cpuMicrosPerRequest / bareResult.cpuMicrosPerRequest - 1) * 100).toFixed(0)} % over the bare route`);
  // How far apart the rounds land: a change to the gateway means something only beyond this spread.
  if (bareRounds.length > 1) {
    const perRound = bareRounds.map((b, i) => (1 - gwRounds[i]!.count / gwRounds[i]!.seconds / (b.count / b.seconds)) * 100).sort((a, b) => a - b);
    const median = perRound[Math.floor(perRound.length / 2)]!;
    say(`  per round (${perRound.length} pairs): the gateway ${median.toFixed(1)} % fewer requests per second at the median, from ${perRound[0]!.toFixed(1)} % to ${perRound.at(-1)!.toFixed(1)} %`);
  }
  await fast.stop();
  await bare.close();


  // ---- part 2: end to end through HTTP, every command waited for
  const cores = await Promise.all(Array.from({ length: Math.min(8, concurrency) }, () => register(['core'])));
  const producer = new EventProducer(createKafka({ brokers: kafka.brokers, clientId: 'bench-gateway' }), null);
  await producer.connect();
  const payables = new Map<string, string>();
  for (const c of cores) {
    const payableId = `P-${randomBytes(6).toString('hex')}`;
    payables.set(c.partyId, payableId);
    const data = signFact(dev.genesis.chainId, 'PayableConfirmed', { payableId, debtor: c.partyId, creditor: supplier.partyId, amount: '999999999.00', invoices: ['BENCH'] }, dev.invoicesKey);
    await producer.send([{ topic: topics.invoicesEvents.name, envelope: makeEnvelope('invoices', { type: 'PayableConfirmed', key: c.partyId, data }) }]);
  }
  await producer.disconnect();
  const deadline = Date.now() + readyWaitMsMax;
  for (const c of cores) while (!(await c.client.listRecordedPayables({ role: 'debtor' })).items.length) if (Date.now() > deadline) throw new Error('payables not recorded');
  const maturity = new Date(Date.now() + 90 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
  const e2e = Array.from({ length: concurrency }, (_v, client) => {
    const core = cores[client % cores.length]!;
    return Array.from({ length: opsPerClient }, (_w, j) => j).map((j) => {
      const voucherId = newVoucherId();
      void j;
      return { core, voucherId };
    });
  });
  let committed = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    e2e.map(async (plan) => {
      for (let j = 0; j < plan.length; j += 2) {
        const { core, voucherId } = plan[j]!;
        for (const [who, type, payload] of [
          [core, 'voucher.issue', { voucherId, holder: supplier.partyId, amount: '1.00', maturityDate: maturity, backing: [{ payableId: payables.get(core.partyId)!, amount: '1.00' }] }],
          [supplier, 'voucher.accept', { voucherId }],
        ] as const) {
          const t = performance.now();
          const r = await who.client.command(type as 'voucher.accept', who.partyId, payload as { voucherId: string }, [who.signer]);
          latencies.push(performance.now() - t);
          if (r.status === 'accepted') committed += 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  say(`\nPart 2 — end to end through HTTP: ${concurrency} clients, each issuing (as a core enterprise) and accepting (as the supplier) in turn, every command waited for`);
  say(`  ${committed} operations committed in ${seconds.toFixed(1)} s: ${(committed / seconds).toFixed(0)} signed operations/s   p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms`);

  await waiting.stop();
  ledger.kill('SIGTERM');
  await new Promise((r) => ledger.once('exit', r));
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  for (const d of databases) await c.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`);
  await c.end();
  await kafka.stop();
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    for (const child of children) child.kill('SIGKILL');
    process.exit(1);
  },
);
