/**
 * Ledger throughput and latency through the Kafka intake, end to end.
 *
 *   npm run bench:ledger -- [--roots 2000] [--profile]
 *
 * Starts local infrastructure (this machine's PostgreSQL and Redis, and Kafka chosen as the tests
 * choose it: the real Apache Kafka broker from Maven Central where a JDK can run it; run with
 * CASCADE_KAFKA=mock to measure on librdkafka's mock instead),
 * runs the ledger service as its own process, registers parties and payables, and pre-signs a
 * realistic mix over many root vouchers: issue → accept → transfer with a split → accept of the
 * piece → financing request → financing approval. Each step depends on the one before (another
 * party acts on what it saw), so the mix is sent in waves, one step for every root at a time.
 *
 * Phase 1 (throughput): each wave is sent as fast as the producer can; committed ops/s is counted
 * from the first send to the last result. Phase 2 (latency): fresh roots at half the measured
 * rate, open loop; latency is from send to the result arriving on ledger.results, so it includes
 * the outbox relay. CPU use is read from /proc for the ledger process and for the machine.
 * With --profile the ledger runs under --cpu-prof and the hottest functions are listed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { canonicalBytes, exportPublicKey, generateKeyPair, signMessage, verifySignature, VerifierPool, type PrivateKey } from '@cascade/crypto';
import { createKafka, prefixedTopics } from '@cascade/events';
import { usccFromNumber } from '@cascade/ids';
import { createLogger } from '@cascade/logging';
import { LedgerKafkaClient, signSubmission, writeDevGenesis, type SignedSubmission } from '@cascade/ledger';
import { ensureLocalPostgres, ensureLocalRedis, startKafka, topicAdminFor } from '@cascade/testing';
import { summariseProfile } from './profile-summary.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const rootsMax = 20_000;
const roots = Math.min(flag('roots', 2_000), rootsMax);
const profile = args.includes('--profile');
const resultTimeoutMs = 120_000;

function say(s: string): void {
  process.stdout.write(`${s}\n`);
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks
}
/** CPU ticks of every PostgreSQL server process on the machine (all databases: other work shows too). */
function postgresTicks(): number {
  let sum = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const f = stat.split(') ')[1]!.split(' ');
      sum += Number(f[11]) + Number(f[12]);
    } catch {
      // the process ended between listing and reading
    }
  }
  return sum;
}
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + cpu[4]!;
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
const ticksPerSecond = 100;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * The physical limit on this machine, measured in the same run: Ed25519 verifications per second
 * alone, inline on one core and on the verifier pool, over commands like the benchmark's.
 */
async function verificationRates(): Promise<{ inline: number; pool: number }> {
  const key = generateKeyPair('ed25519').privateKey;
  const publicKey = Buffer.from(exportPublicKey(key, 'hex'), 'hex');
  const items = Array.from({ length: 2_000 }, (_, i) => {
    const message = canonicalBytes({ type: 'voucher.accept', chain: 'bench', actor: 'A', nonce: randomUUID(), createdAt: new Date().toISOString(), payload: { voucherId: randomUUID(), i } });
    return { alg: 'ed25519' as const, publicKey, message, sig: Buffer.from(signMessage(key, message)).toString('base64') };
  });
  const timeRate = async (verify: () => Promise<unknown> | unknown, rounds: number): Promise<number> => {
    await verify(); // warm
    const t = performance.now();
    for (let r = 0; r < rounds; r++) await verify();
    return (items.length * rounds) / ((performance.now() - t) / 1000);
  };
  const inline = await timeRate(() => items.map((i) => verifySignature(i.alg, i.publicKey, i.message, i.sig)), 3);
  const verifierPool = new VerifierPool({ workers: 2 });
  const pool = await timeRate(() => verifierPool.verifyBatch(items), 5);
  await verifierPool.close();
  return { inline, pool };
}

async function main(): Promise<void> {
  say(`Cascade ledger benchmark — ${os.cpus().length} cores, ${roots} roots × 6 operations per phase`);
  const verification = await verificationRates();
  say(`Ed25519 verification alone, this machine now: ${Math.round(verification.inline)}/s inline on one core, ${Math.round(verification.pool)}/s on the pool (2 workers)`);
  const adminUrl = await ensureLocalPostgres(say);
  const redisUrl = await ensureLocalRedis(say);
  const prefix = `bench-${Date.now()}`;
  const kafka = await startKafka(say);
  say(`Kafka: ${kafka.description}`);
  const admin = topicAdminFor({ bootstrap: kafka.brokers, control: kafka.control });
  await admin.ensureTopics(Object.values(prefixedTopics(prefix)).map((t) => ({ name: t.name, partitions: t.partitions })));
  await admin.close();
  const dbName = `bench_${Date.now()}`;
  const adminClient = new pg.Client({ connectionString: adminUrl });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const dev = writeDevGenesis(mkdtempSync(path.join(os.tmpdir(), 'cascade-bench-')), { chainId: prefix });
  const profDir = mkdtempSync(path.join(os.tmpdir(), 'cascade-prof-'));

  const ledger: ChildProcess = spawn(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), '--import', 'tsx', path.join(root, 'services/ledger/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '43901',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redisUrl,
      KAFKA_BROKERS: kafka.brokers.join(','),
      TOPIC_PREFIX: prefix,
      LEDGER_GENESIS_FILE: dev.genesisFile,
      LEDGER_SIGNING_KEY_FILE: dev.signingKeyFile,
      LOG_LEVEL: 'error',
      INTERNAL_AUTH_KEY: randomBytes(32).toString('hex'),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // The ledger must not outlive the benchmark, whatever happens.
  process.on('exit', () => ledger.exitCode === null && ledger.kill('SIGKILL'));
  // Wall-clock stamps per result: when the ledger decided its batch (the envelope's occurredAt)
  // and when the result arrived here, to split latency into "before the ledger" and "after".
  const decidedAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  const client = new LedgerKafkaClient(createKafka({ brokers: kafka.brokers, clientId: 'bench' }), {
    topicPrefix: prefix,
    groupId: `bench-${prefix}`,
    logger: createLogger({ service: 'bench', level: 'silent' }),
    onResult: (r, envelope) => {
      const k = `${r.actor}:${r.nonce}`;
      if (!decidedAt.has(k)) (decidedAt.set(k, Date.parse(envelope.occurredAt)), arrivedAt.set(k, Date.now()));
    },
  });
  await client.start();

  const now = () => new Date().toISOString();
  const cmd = (type: string, actor: string, payload: Record<string, unknown>) => ({ type, chain: dev.genesis.chainId, actor, nonce: randomUUID(), createdAt: now(), payload });
  type P = { partyId: string; key: PrivateKey };
  const operator: P = { partyId: dev.genesis.operator.partyId, key: dev.operatorKey };
  let seq = 0;
  const party = (): P => {
    seq += 1;
    return { partyId: usccFromNumber(10_000_000 + seq), key: generateKeyPair('ed25519').privateKey };
  };
  const cores = Array.from({ length: 10 }, party);
  const suppliers = Array.from({ length: 100 }, party);
  const funders = Array.from({ length: 4 }, party);
  const register = (p: P, role: string) =>
    signSubmission(cmd('party.register', operator.partyId, { partyId: p.partyId, uscc: p.partyId, name: p.partyId, roles: [role], publicKeys: [{ keyId: p.key.keyId, alg: 'ed25519', publicKey: exportPublicKey(p.key, 'hex') }] }), [operator.key], 'parties');

  say('setting up parties and payables…');
  const setup = [...cores.map((p) => register(p, 'core')), ...suppliers.map((p) => register(p, 'supplier')), ...funders.map((p) => register(p, 'funder'))];
  const setupKeys = await client.send(setup);
  for (const k of setupKeys) {
    const r = await client.result(k, resultTimeoutMs);
    if (r.status !== 'accepted') throw new Error(`setup refused: ${JSON.stringify(r.problem)}`);
  }
  // One payable per (core, supplier) pair used, large enough for both phases.
  const pairs = new Map<string, string>();
  for (let i = 0; i < suppliers.length; i++) {
    const core = cores[i % cores.length]!;
    const payableId = `BP-${i}`;
    pairs.set(`${core.partyId}/${suppliers[i]!.partyId}`, payableId);
    await client.confirmPayable({ payableId, debtor: core.partyId, creditor: suppliers[i]!.partyId, amount: '900000000.00', invoices: [`INV-${i}`] }, { chain: dev.genesis.chainId, key: dev.invoicesKey });
  }
  const pool = new pg.Pool({ connectionString: dbUrl.toString(), options: '-c search_path=ledger', max: 2 });
  for (;;) {
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM payables');
    if (rows[0].n === suppliers.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  function waves(n: number): SignedSubmission[][] {
    const out: SignedSubmission[][] = [[], [], [], [], [], []];
    for (let i = 0; i < n; i++) {
      const si = i % suppliers.length;
      const supplier = suppliers[si]!;
      const core = cores[si % cores.length]!;
      const next = suppliers[(si + 1) % suppliers.length]!;
      const funder = funders[i % funders.length]!;
      const rootId = randomUUID();
      const piece = randomUUID();
      out[0]!.push(signSubmission(cmd('voucher.issue', core.partyId, { voucherId: rootId, holder: supplier.partyId, amount: '1000.00', maturityDate: '2027-03-31', backing: [{ payableId: pairs.get(`${core.partyId}/${supplier.partyId}`)!, amount: '1000.00' }] }), [core.key], core.partyId));
      out[1]!.push(signSubmission(cmd('voucher.accept', supplier.partyId, { voucherId: rootId }), [supplier.key], rootId));
      out[2]!.push(signSubmission(cmd('voucher.transfer', supplier.partyId, { voucherId: rootId, pieces: [{ childId: piece, recipient: next.partyId, amount: '400.00' }], remainder: { childId: randomUUID(), amount: '600.00' } }), [supplier.key], rootId));
      out[3]!.push(signSubmission(cmd('voucher.accept', next.partyId, { voucherId: piece }), [next.key], rootId));
      out[4]!.push(signSubmission(cmd('financing.request', next.partyId, { voucherId: piece, funder: funder.partyId, productId: 'BENCH', maxAnnualRate: '0.05', maxFees: '0.00' }), [next.key], rootId));
      out[5]!.push(signSubmission(cmd('financing.approve', funder.partyId, { voucherId: piece, annualRate: '0.035', fees: '0.00' }), [funder.key], rootId));
    }
    return out;
  }

  // Phase 1: throughput.
  say('phase 1: throughput (each wave sent at once)…');
  const phase1 = waves(roots);
  const cpu0 = cpuTicks(ledger.pid!);
  const m0 = machineTicks();
  const pg0 = postgresTicks();
  const broker0 = kafka.pid ? cpuTicks(kafka.pid()) : 0;
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  let refused = 0;
  const perWave: string[] = [];
  for (const [w, wave] of phase1.entries()) {
    const ws = performance.now();
    const keys = await client.send(wave);
    for (const k of keys) if ((await client.result(k, resultTimeoutMs)).status !== 'accepted') refused += 1;
    perWave.push(`${['issue', 'accept', 'transfer', 'accept piece', 'request financing', 'approve financing'][w]}: ${Math.round(wave.length / ((performance.now() - ws) / 1000))}/s`);
  }
  const elapsed = (performance.now() - t0) / 1000;
  const ops = roots * 6;
  const rate = ops / elapsed;
  const cpu1 = cpuTicks(ledger.pid!);
  const m1 = machineTicks();
  const pg1 = postgresTicks();
  const broker1 = kafka.pid ? cpuTicks(kafka.pid()) : 0;
  const self1 = process.cpuUsage(self0);
  const usPerOp = (ticks: number) => Math.round(((ticks / ticksPerSecond) * 1e6) / ops);
  say(`  ${ops} operations committed in ${elapsed.toFixed(2)} s: ${Math.round(rate)} ops/s (refused: ${refused})`);
  say(`  per wave: ${perWave.join(', ')}`);
  say(`  ledger process CPU: ${(((cpu1 - cpu0) / ticksPerSecond / elapsed) * 100).toFixed(0)} % of one core (${Math.round((((cpu1 - cpu0) / ticksPerSecond) * 1e6) / ops)} µs of CPU per operation, all its threads); machine busy: ${(((m1.busy - m0.busy) / (m1.total - m0.total)) * 100).toFixed(0)} % of ${os.cpus().length} cores`);
  say(
    `  CPU per operation by process: ledger ${usPerOp(cpu1 - cpu0)} µs, PostgreSQL ${usPerOp(pg1 - pg0)} µs, Kafka broker ${kafka.pid ? `${usPerOp(broker1 - broker0)} µs` : '(not ours)'}, this client ${Math.round((self1.user + self1.system) / ops)} µs; machine ${usPerOp(m1.busy - m0.busy)} µs (the rest: other processes)`,
  );
  say(`  share of the verification limit: ${((rate / verification.inline) * 100).toFixed(1)} % of one core's rate, ${((rate / verification.pool) * 100).toFixed(1)} % of the pool's`);

  // Phase 2: latency at half the measured rate, open loop.
  const target = Math.max(1, Math.floor(rate / 2));
  say(`phase 2: latency at ${target} ops/s (half of phase 1), open loop…`);
  const phase2 = waves(roots);
  const latencies: number[] = [];
  const beforeLedger: number[] = [];
  const afterLedger: number[] = [];
  const tickMs = 10;
  for (const wave of phase2) {
    const perTick = Math.max(1, Math.round((target * tickMs) / 1000));
    const pending: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < wave.length; i += perTick) {
      const due = start + (i / perTick) * tickMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const slice = wave.slice(i, i + perTick);
      const sentAt = performance.now();
      const sentWall = Date.now();
      const keys = await client.send(slice);
      for (const k of keys) {
        pending.push(
          client.result(k, resultTimeoutMs).then(() => {
            latencies.push(performance.now() - sentAt);
            beforeLedger.push(decidedAt.get(k)! - sentWall);
            afterLedger.push(arrivedAt.get(k)! - decidedAt.get(k)!);
          }),
        );
      }
    }
    await Promise.all(pending);
  }
  latencies.sort((a, b) => a - b);
  beforeLedger.sort((a, b) => a - b);
  afterLedger.sort((a, b) => a - b);
  say(`  of which: send → ledger decides its batch p50 ${percentile(beforeLedger, 50)} ms, p99 ${percentile(beforeLedger, 99)} ms; decided → result arrives p50 ${percentile(afterLedger, 50)} ms, p99 ${percentile(afterLedger, 99)} ms`);
  say(`  ${latencies.length} operations: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms (send → result on ledger.results)`);

  // Where the time goes inside the ledger: its own batch metrics.
  const metrics = await (await fetch('http://127.0.0.1:43901/metrics')).text();
  const metric = (name: string) => Number(/^(\S+) (\S+)$/m.exec(metrics.split('\n').filter((l) => l.startsWith(name + ' ')).join('\n'))?.[2] ?? NaN);
  const batches = metric('cascade_ledger_batch_seconds_count');
  const batchSeconds = metric('cascade_ledger_batch_seconds_sum');
  const committed = metric('cascade_ledger_operations_committed_total');
  say(`ledger internals: ${batches} batches, ${(committed / batches).toFixed(1)} operations per batch, ${((batchSeconds / batches) * 1000).toFixed(1)} ms per batch (decide + one PostgreSQL transaction), ${((batchSeconds / committed) * 1e6).toFixed(0)} µs per operation`);
  await client.stop();
  ledger.kill('SIGTERM');
  await new Promise((r) => ledger.once('exit', r));
  if (profile) summariseProfile(profDir, root, say);
  await pool.end();
  await adminClient.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
  await adminClient.end();
  await kafka.stop();
}

main().catch((error: Error) => {
  process.stderr.write(`benchmark failed: ${error.stack}\n`);
  process.exit(1);
});
