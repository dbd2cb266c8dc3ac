/**
 * Risk service latency: from a FinancingRequested event on ledger.events to the FinancingAssessed
 * event on risk.events, at a fixed request rate.
 *
 *   npx tsx bench/risk/run.ts [--rate 500] [--seconds 30] [--suppliers 200] [--profile]
 *
 * Starts local infrastructure as the tests do (this machine's PostgreSQL and Redis, Kafka from
 * KAFKA_BROKERS or the real broker from Maven Central), runs the risk service as its own process,
 * and feeds it the ledger's events directly — parties, issued and accepted vouchers — so what is
 * measured is the risk service alone (the ledger's own latency is bench/ledger's). Each core
 * enterprise gets registration, tax and bureau records through the internal API and each funder a
 * product, so every assessment scores a real feature vector and prices a real product.
 *
 * Then FinancingRequested events are sent open loop at `--rate` per second for `--seconds`, one
 * per voucher, and each assessment's latency is its arrival here minus its request's send. The
 * figures: assessments received, achieved rate, p50/p90/p99/max latency, decisions, and CPU of the
 * risk process and of the machine. With --profile the service runs under --cpu-prof and its
 * hottest functions are listed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { BatchConsumer, createKafka, EventCatalog, EventProducer, makeEnvelope, prefixedTopics, riskPublishedSpecs } from '@cascade/events';
import { usccFromNumber } from '@cascade/ids';
import { createLogger } from '@cascade/logging';
import { internalIdentityHeader, signInternalToken } from '@cascade/service';
import { ensureLocalPostgres, ensureLocalRedis, startKafka, topicAdminFor } from '@cascade/testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};
const rate = Math.min(flag('rate', 500), 5_000);
const seconds = Math.min(flag('seconds', 30), 600);
const supplierCount = Math.min(flag('suppliers', 200), 5_000);
const requests = Math.round(rate * seconds);
const tickMs = 10;
const assessedTimeoutMs = 120_000;
const setupTimeoutMs = 180_000;
const port = 43_903;
const profile = args.includes('--profile');
const profDir = mkdtempSync(path.join(os.tmpdir(), 'cascade-risk-prof-'));

const say = (s: string): void => void process.stdout.write(`${s}\n`);
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const cpuTicks = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};
const machineTicks = (): { busy: number; total: number } => {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3]! - cpu[4]!, total };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = setupTimeoutMs): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  say(`Cascade risk benchmark — ${os.cpus().length} cores, ${requests} financing requests at ${rate}/s for ${seconds} s`);
  const adminUrl = await ensureLocalPostgres(say);
  const redisUrl = await ensureLocalRedis(say);
  const prefix = `bench-risk-${Date.now()}`;
  const kafka = await startKafka(say);
  say(`Kafka: ${kafka.description}`);
  const topics = prefixedTopics(prefix);
  const admin = topicAdminFor({ bootstrap: kafka.brokers, control: kafka.control });
  await admin.ensureTopics(Object.values(topics).map((t) => ({ name: t.name, partitions: t.partitions })));
  await admin.close();
  const dbName = `bench_risk_${Date.now()}`;
  const adminClient = new pg.Client({ connectionString: adminUrl });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const authKey = randomBytes(32);

  const risk: ChildProcess = spawn(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), '--import', 'tsx', path.join(root, 'services/risk/src/main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATABASE_URL: dbUrl.toString(), REDIS_URL: redisUrl, KAFKA_BROKERS: kafka.brokers.join(','), TOPIC_PREFIX: prefix, LOG_LEVEL: 'error', INTERNAL_AUTH_KEY: authKey.toString('hex') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  process.on('exit', () => risk.exitCode === null && risk.kill('SIGKILL'));
  const call = async (party: string, method: string, url: string, body: unknown): Promise<void> => {
    const res = await fetch(`http://127.0.0.1:${port}${url}`, { method, headers: { 'content-type': 'application/json', [internalIdentityHeader]: signInternalToken(authKey, { sub: party, aud: 'risk' }) }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  };
  await waitFor('the risk service ready', async () => (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null))?.ok === true);

  const logger = createLogger({ service: 'bench', level: 'silent' });
  const client = createKafka({ brokers: kafka.brokers, clientId: 'bench-risk' });
  const producer = new EventProducer(client, null);
  await producer.connect();
  const send = (events: { type: string; key: string; data: Record<string, unknown> }[]) => producer.send(events.map((e) => ({ topic: topics.ledgerEvents.name, envelope: makeEnvelope('ledger', e) })));

  // Parties and vouchers, as the ledger would have published them.
  let seq = 0;
  const party = () => usccFromNumber(20_000_000 + ++seq);
  const operator = 'operator-bench';
  const cores = Array.from({ length: 10 }, party);
  const suppliers = Array.from({ length: supplierCount }, party);
  const funders = Array.from({ length: 4 }, party);
  const at = new Date().toISOString();
  const registered = (p: string, role: string) => ({ type: 'PartyRegistered', key: p, data: { partyId: p, uscc: role === 'operator' ? null : p, name: p, roles: [role], keys: [], at } });
  say('setting up parties, vouchers, data and products…');
  await send([registered(operator, 'operator'), ...cores.map((p) => registered(p, 'core')), ...suppliers.map((p) => registered(p, 'supplier')), ...funders.map((p) => registered(p, 'funder'))]);
  const maturity = new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10);
  const vouchers = Array.from({ length: requests }, (_, i) => ({ voucherId: randomUUID(), core: cores[i % cores.length]!, holder: suppliers[i % suppliers.length]!, funder: funders[i % funders.length]! }));
  const record = (v: (typeof vouchers)[number]) => ({
    voucherId: v.voucherId, rootId: v.voucherId, parentId: null, issuer: v.core, holder: v.holder, sender: v.core, amount: '1000.00', issueDate: at.slice(0, 10), maturityDate: maturity, tier: 1,
    backing: [{ payableId: `BP-${v.voucherId}`, amount: '1000.00' }], creditLineFunder: null, status: 'pending_acceptance', statusBeforeFreeze: null, frozenBy: null, freezeOrder: null,
    acceptanceDeadline: null, financingRequest: null, financing: null, outstanding: '1000.00', returnOf: null, paymentReferences: [], createdAt: at,
  });
  const setupBatch = 500;
  for (let i = 0; i < vouchers.length; i += setupBatch) {
    await send(vouchers.slice(i, i + setupBatch).flatMap((v) => [
      { type: 'VoucherIssued', key: v.voucherId, data: { voucher: record(v), consumedBacking: [], creditLineUsed: null } },
      { type: 'VoucherAccepted', key: v.voucherId, data: { voucherId: v.voucherId, rootId: v.voucherId, holder: v.holder, owner: v.core, amount: '1000.00', at } },
    ]));
  }
  const pool = new pg.Pool({ connectionString: dbUrl.toString(), options: '-c search_path=risk', max: 2 });
  await waitFor('the parties in the risk view', async () => (await pool.query(`SELECT count(*)::int AS n FROM parties`)).rows[0].n === 1 + cores.length + suppliers.length + funders.length);
  const observedAt = new Date(Date.now() - 60_000).toISOString();
  const month = (k: number) => {
    const d = new Date();
    d.setUTCMonth(d.getUTCMonth() - k);
    return d.toISOString().slice(0, 7);
  };
  for (const [i, core] of cores.entries()) {
    const records: Record<string, unknown>[] = [
      { kind: 'registration', enterprise: core, source: 'bench', observedAt, foundedOn: '2008-01-01', registeredCapital: `${(i + 1) * 10_000_000}.00`, industryCode: 'C', legalRepresentative: `rep ${i}`, address: `${i} Road`, status: 'active' },
      { kind: 'bureau', enterprise: core, source: 'bench', observedAt, reportDate: observedAt.slice(0, 10), overdueCount: 0, overdueAmount: '0.00' },
      ...Array.from({ length: 12 }, (_, k) => ({ kind: 'tax', enterprise: core, source: 'bench', observedAt, period: month(k + 1), taxPaid: '800000.00', invoiceCount: 300, invoiceAmount: '50000000.00', creditGrade: i % 3 === 0 ? 'B' : 'A' })),
    ];
    await call(operator, 'POST', '/v1/enterprise-records', { records });
  }
  for (const f of funders) {
    await call(f, 'PUT', '/v1/products/BENCH', { name: 'bench', eligibleGrades: ['AAA', 'AA', 'A', 'BBB', 'BB', 'B'], amountMin: '100.00', amountMax: '100000.00', tenorDaysMin: 7, tenorDaysMax: 366, annualRate: '0.035', fees: '0.00', dailyLimit: '999999999.00' });
  }
  await waitFor('the vouchers in the risk view', async () => (await pool.query(`SELECT count(*)::int AS n FROM vouchers WHERE status = 'active'`)).rows[0].n === vouchers.length);

  // Collect assessments as they arrive.
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const decisions = new Map<string, number>();
  const collector = new BatchConsumer({
    kafka: client,
    groupId: `bench-${prefix}`,
    topics: [topics.riskEvents.name],
    catalog: new EventCatalog(riskPublishedSpecs),
    logger,
    ignoreUnknownTypes: true,
    handleBatch: async (events) => {
      const now = performance.now();
      for (const e of events) {
        if (e.envelope.type !== 'FinancingAssessed') continue;
        const d = e.envelope.data as { voucherId: string; decision: string };
        const sent = sentAt.get(d.voucherId);
        if (sent === undefined) continue;
        latencies.push(now - sent);
        decisions.set(d.decision, (decisions.get(d.decision) ?? 0) + 1);
      }
    },
  });
  await collector.start();

  say(`sending ${requests} financing requests at ${rate}/s…`);
  const cpu0 = cpuTicks(risk.pid!);
  const m0 = machineTicks();
  const t0 = performance.now();
  const sends: Promise<void>[] = [];
  for (let sent = 0; sent < vouchers.length; ) {
    const due = Math.min(vouchers.length, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    const batch = vouchers.slice(sent, due);
    sent = due;
    if (batch.length > 0) {
      const when = performance.now();
      for (const v of batch) sentAt.set(v.voucherId, when);
      sends.push(send(batch.map((v) => ({ type: 'FinancingRequested', key: v.voucherId, data: { voucherId: v.voucherId, rootId: v.voucherId, holder: v.holder, funder: v.funder, productId: 'BENCH', maxAnnualRate: '0.05', maxFees: '10.00', amount: '1000.00', at: new Date().toISOString() } }))));
    }
    await sleep(tickMs);
  }
  const sendSeconds = (performance.now() - t0) / 1000;
  await Promise.all(sends);
  const deadline = Date.now() + assessedTimeoutMs;
  while (latencies.length < vouchers.length && Date.now() < deadline) await sleep(50);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu1 = cpuTicks(risk.pid!);
  const m1 = machineTicks();
  const sorted = [...latencies].sort((a, b) => a - b);
  say(`  sent ${vouchers.length} in ${sendSeconds.toFixed(2)} s (${Math.round(vouchers.length / sendSeconds)}/s); assessed ${latencies.length} (${Math.round(latencies.length / elapsed)}/s over ${elapsed.toFixed(2)} s)`);
  if (sorted.length > 0) say(`  latency request → assessment: p50 ${percentile(sorted, 50).toFixed(1)} ms, p90 ${percentile(sorted, 90).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
  say(`  decisions: ${[...decisions].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  say(`  risk process CPU: ${(((cpu1 - cpu0) / 100 / elapsed) * 100).toFixed(0)} % of one core; machine busy: ${(((m1.busy - m0.busy) / (m1.total - m0.total)) * 100).toFixed(0)} % of ${os.cpus().length} cores`);
  if (latencies.length < vouchers.length) say(`  MISSING: ${vouchers.length - latencies.length} assessments did not arrive within ${assessedTimeoutMs / 1000} s`);

  await collector.stop();
  await producer.disconnect();
  await pool.end();
  risk.kill('SIGTERM');
  await new Promise((r) => risk.once('exit', r));
  if (profile) printProfile();
  await adminClient.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await adminClient.end();
  await kafka.stop();
  process.exit(latencies.length === vouchers.length ? 0 : 1);
}

/** Self time per function of the service's CPU profile, the top 25. */
function printProfile(): void {
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return say('  (no profile written)');
  const prof = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[] };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of prof.samples) {
    const n = byId.get(id)!;
    const name = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(root, '')}:${n.callFrame.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + 1);
  }
  say(`  hottest functions (self samples of ${prof.samples.length}):`);
  for (const [name, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) say(`    ${((n / prof.samples.length) * 100).toFixed(1).padStart(5)} %  ${name}`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
