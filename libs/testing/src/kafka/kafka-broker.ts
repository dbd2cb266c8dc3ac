/**
 * The real Apache Kafka broker (KRaft, one combined controller+broker node) for machines without
 * Docker, run from Maven Central's jars.
 *
 * `infra/kafka/pom.xml` names the broker and its logging; {@link ensureKafkaBroker} has Maven copy
 * their jars once into a cache outside the repository (`~/.cache/cascade/kafka-<version>/libs`,
 * or under `CASCADE_CACHE_DIR`) and reuses them after that. {@link startKafkaBroker} formats a
 * fresh storage directory with a new cluster id, starts `kafka.Kafka` on loopback ports it picks,
 * with a small heap and one-node settings, and waits until the broker answers a metadata request.
 * The broker dies with this process: through PR_SET_PDEATHSIG (`setpriv`), and an exit hook.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { repoRoot } from './kafka-mock.ts';

export const kafkaPom = path.join(repoRoot, 'infra', 'kafka', 'pom.xml');
export const kafkaLogConfig = path.join(repoRoot, 'infra', 'kafka', 'log4j2.properties');

const heapMbDefault = 512;
const readyTimeoutMsDefault = 90_000;
const fetchTimeoutMs = 15 * 60_000;
const stopGraceMs = 10_000;
const logTailChars = 6_000;
const javaMajorMin = 17;

/** The broker version pinned in `infra/kafka/pom.xml` (its one source). */
export function kafkaVersion(): string {
  const pom = readFileSync(kafkaPom, 'utf8');
  const match = /<kafka\.version>([0-9][0-9A-Za-z.+-]*)<\/kafka\.version>/.exec(pom);
  if (!match?.[1]) throw new Error(`kafka: no <kafka.version> in ${kafkaPom}`);
  return match[1];
}

/** Where the broker's jars are kept between runs: outside the repository, per version. */
export function kafkaCacheDir(version = kafkaVersion()): string {
  const base = process.env.CASCADE_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cascade');
  return path.join(base, `kafka-${version}`);
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The major version of `java` on the PATH, or undefined when there is none. */
export function javaMajorVersion(): number | undefined {
  if (!hasCommand('java')) return undefined;
  const run = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${run.stderr}${run.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  // Java 8 and older print "1.8.0_…".
  return major === 1 ? Number(match[2]) : major;
}

/**
 * Whether the real broker can run here: a JDK of version 17 or later is on the PATH, or can be
 * installed (running as root with apt-get), or the jars are already cached and Java is present.
 */
export function kafkaBrokerPossible(): boolean {
  const java = javaMajorVersion();
  if (java !== undefined) return java >= javaMajorMin;
  return isRoot() && hasCommand('apt-get');
}

function aptInstall(packages: string[], log: (m: string) => void): void {
  if (!isRoot() || !hasCommand('apt-get')) {
    throw new Error(`kafka: ${packages.join(', ')} missing and cannot be installed here (not root, or no apt-get): install ${packages.join(' ')}`);
  }
  log(`installing ${packages.join(', ')} with apt-get`);
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  if (update.status !== 0) throw new Error('kafka: apt-get update failed');
  const install = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (install.status !== 0) throw new Error(`kafka: apt-get install ${packages.join(' ')} failed`);
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

export interface KafkaInstall {
  version: string;
  /** The directory holding every jar of the broker's runtime classpath. */
  libsDir: string;
  /** True when this call fetched the jars (false: they were in the cache). */
  fetched: boolean;
  fetchMs: number;
}

let installing: Promise<KafkaInstall> | undefined;

/**
 * Makes sure a JDK and the broker's jars are here: installs a JDK (and Maven, to fetch the jars)
 * from Debian when missing, and has Maven copy the broker's runtime classpath into the cache the
 * first time. The copy goes to a temporary directory renamed into place, so an interrupted fetch
 * never leaves a half-filled cache behind.
 */
export function ensureKafkaBroker(log: (m: string) => void = () => undefined): Promise<KafkaInstall> {
  installing ??= install(log).catch((error: unknown) => {
    installing = undefined;
    throw error;
  });
  return installing;
}

async function install(log: (m: string) => void): Promise<KafkaInstall> {
  const version = kafkaVersion();
  const cache = kafkaCacheDir(version);
  const libsDir = path.join(cache, 'libs');
  const java = javaMajorVersion();
  if (java === undefined) aptInstall(['default-jdk-headless'], log);
  else if (java < javaMajorMin) throw new Error(`kafka: Apache Kafka ${version} needs Java ${javaMajorMin} or later; java on the PATH is ${java}`);
  if (existsSync(libsDir) && readdirSync(libsDir).some((f) => f.startsWith('kafka_2.13-'))) {
    return { version, libsDir, fetched: false, fetchMs: 0 };
  }
  if (!hasCommand('mvn')) aptInstall(['maven'], log);
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(path.join(cache, 'fetch-'));
  const started = Date.now();
  log(`fetching Apache Kafka ${version} from Maven Central into ${libsDir} (once; later runs reuse it)`);
  try {
    await run('mvn', ['-B', '-q', '--no-transfer-progress', '-f', kafkaPom, 'dependency:copy-dependencies', `-DoutputDirectory=${path.join(staging, 'libs')}`], fetchTimeoutMs);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`.trim().slice(-logTailChars);
    throw new Error(`kafka: Maven could not fetch Apache Kafka ${version} (${(error as Error).message.split('\n')[0]})${output ? `\n${output}` : ''}`);
  }
  try {
    renameSync(path.join(staging, 'libs'), libsDir);
  } catch (error) {
    // Another process filled the cache first: theirs is as good as ours.
    if (!existsSync(libsDir)) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const fetchMs = Date.now() - started;
  log(`fetched Apache Kafka ${version} (${readdirSync(libsDir).length} jars) in ${(fetchMs / 1000).toFixed(1)} s`);
  return { version, libsDir, fetched: true, fetchMs };
}

/** A free TCP port on loopback, as the kernel hands one out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding, as `kafka-storage random-uuid`
 * prints — and, as Kafka's own Uuid does, never one starting with '-', which a command line would
 * take for an option (1 start in 64 failed that way before).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export interface KafkaBrokerOptions {
  log?: (m: string) => void;
  /** Java heap, MiB (default 512). */
  heapMb?: number;
  readyTimeoutMs?: number;
}

export interface KafkaBroker {
  /** `127.0.0.1:PORT`, for kafkajs `brokers`. */
  bootstrap: string[];
  version: string;
  clusterId: string;
  /** The storage directory (removed by stop()). */
  dataDir: string;
  /** The broker JVM's process id (changes on restart). */
  pid(): number;
  /** Milliseconds from spawning the JVM until it answers and its coordinators are loaded (last start). */
  startupMs(): number;
  /** Resident memory of the broker JVM now, bytes (0 when it is not running). */
  rssBytes(): number;
  /** SIGKILLs the broker, as a crash would; its storage stays for restart(). */
  kill(): Promise<void>;
  /** Starts the broker again on the same ports and storage (after kill()). */
  restart(): Promise<void>;
  /** Stops the broker (SIGTERM, SIGKILL after 10 s) and removes its storage; idempotent. */
  stop(): Promise<void>;
}

// Brokers still running in this process; killed synchronously when the process exits.
const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [child, dataDir] of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

function serverProperties(dataDir: string, brokerPort: number, controllerPort: number): string {
  return [
    '# One combined KRaft controller+broker on loopback, for local mode and tests (libs/testing kafka-broker.ts).',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${path.join(dataDir, 'log')}`,
    // One node: every internal topic has one replica, and few partitions so it is created quickly.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=6',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    // Groups form at once instead of waiting 3 s for more members; tests may use short sessions.
    'group.initial.rebalance.delay.ms=0',
    'group.min.session.timeout.ms=1000',
    // A restarted node waits for its previous incarnation's session to expire before it serves
    // (9 s by default); on one loopback node a short session is safe and restarts come back fast.
    'broker.session.timeout.ms=2000',
    'broker.heartbeat.interval.ms=500',
    'auto.create.topics.enable=false',
    'num.network.threads=2',
    'num.io.threads=4',
    'num.recovery.threads.per.data.dir=1',
    'log.retention.hours=24',
    '',
  ].join('\n');
}

function readTail(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.slice(-logTailChars).trim();
  } catch {
    return '';
  }
}

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Polls the broker with kafkajs until it answers a metadata request naming itself. */
async function waitAnswering(bootstrap: string[], child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({ clientId: 'cascade-broker-probe', brokers: bootstrap, logLevel: logLevel.NOTHING, connectionTimeout: 1_000, requestTimeout: 5_000, retry: { retries: 0 } });
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`kafka: the broker exited before it answered (code ${child.exitCode}, signal ${child.signalCode})\n${readTail(logFile)}`);
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch {
      // not up yet
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`kafka: the broker did not answer within ${timeoutMs} ms\n${readTail(logFile)}`);
}

/**
 * Creates the broker's internal topics before anyone needs them: the group coordinator's
 * (`__consumer_offsets`, on the first FindCoordinator) and the producer-id coordinator's
 * (`__transaction_state`, on the first InitProducerId). Otherwise every service's first join and
 * first idempotent producer meet "coordinator is loading" answers, which kafkajs logs as errors.
 */
async function warmUp(bootstrap: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'cascade-broker-warm-up', brokers: bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 } });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await admin.connect();
    await admin.describeGroups(['cascade-warm-up']);
    await producer.connect();
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Fetches the broker if needed, formats fresh storage and starts one KRaft node on loopback.
 * Resolves once it answers; the returned handle can kill and restart it on the same storage.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const log = options.log ?? (() => undefined);
  const heapMb = options.heapMb ?? heapMbDefault;
  const readyTimeoutMs = options.readyTimeoutMs ?? readyTimeoutMsDefault;
  const { version, libsDir } = await ensureKafkaBroker(log);
  const classpath = path.join(libsDir, '*');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cascade-kafka-'));
  const [brokerPort, controllerPort] = [await freePort(), await freePort()];
  const propertiesFile = path.join(dataDir, 'server.properties');
  writeFileSync(propertiesFile, serverProperties(dataDir, brokerPort, controllerPort));
  const clusterId = newClusterId();
  const jvmBase = [`-Dlog4j2.configurationFile=${kafkaLogConfig}`, '-Djava.awt.headless=true', '-cp', classpath];
  try {
    await run('java', ['-Xmx256m', ...jvmBase, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, `--config=${propertiesFile}`, '--ignore-formatted'], 120_000);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`.trim().slice(-logTailChars);
    throw new Error(`kafka: formatting the broker's storage failed: ${(error as Error).message.split('\n')[0]}\n${output}`);
  }
  const bootstrap = [`127.0.0.1:${brokerPort}`];
  const logFile = path.join(dataDir, 'broker.log');
  // PR_SET_PDEATHSIG through setpriv: the JVM is killed by the kernel if this process dies in any way.
  const usePdeathsig = hasCommand('setpriv');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let lastStartupMs = 0;

  const launch = async (): Promise<void> => {
    const out = openSync(logFile, 'a');
    const javaArgs = [`-Xms${heapMb}m`, `-Xmx${heapMb}m`, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:+ExitOnOutOfMemoryError', ...jvmBase, 'kafka.Kafka', propertiesFile];
    const started = Date.now();
    const proc = usePdeathsig ? spawn('setpriv', ['--pdeathsig', 'SIGKILL', 'java', ...javaArgs], { stdio: ['ignore', out, out] }) : spawn('java', javaArgs, { stdio: ['ignore', out, out] });
    closeSync(out);
    child = proc;
    live.set(proc, dataDir);
    installExitHook();
    exited = new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve();
      else proc.once('exit', () => resolve());
    });
    proc.once('exit', () => live.delete(proc));
    proc.unref();
    try {
      await waitAnswering(bootstrap, proc, logFile, readyTimeoutMs);
      await warmUp(bootstrap);
    } catch (error) {
      proc.kill('SIGKILL');
      await exited;
      throw error;
    }
    lastStartupMs = Date.now() - started;
  };

  // The JVM is unref'd so it never keeps this process alive; while waiting for it to exit, it must.
  const awaitExit = async (proc: ChildProcess): Promise<void> => {
    proc.ref();
    await exited;
  };

  const kill = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await awaitExit(child);
    }
  };

  try {
    await launch();
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  log(`Apache Kafka ${version} (KRaft, one node) on ${bootstrap.join(',')}: answered in ${(lastStartupMs / 1000).toFixed(1)} s, ${(rssOf(child!.pid ?? 0) / 2 ** 20).toFixed(0)} MiB resident, heap ${heapMb} MiB`);

  let stopping: Promise<void> | undefined;
  return {
    bootstrap,
    version,
    clusterId,
    dataDir,
    pid: () => child?.pid ?? -1,
    startupMs: () => lastStartupMs,
    rssBytes: () => (child && child.exitCode === null && child.signalCode === null ? rssOf(child.pid ?? 0) : 0),
    kill,
    restart: async () => {
      if (stopping) throw new Error('kafka: the broker was stopped; start a new one');
      await kill();
      await launch();
    },
    stop: () => {
      stopping ??= (async () => {
        const proc = child;
        if (proc && proc.exitCode === null && proc.signalCode === null) {
          proc.kill('SIGTERM');
          const killer = setTimeout(() => proc.kill('SIGKILL'), stopGraceMs);
          await awaitExit(proc);
          clearTimeout(killer);
        }
        rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Size of the cached broker, bytes (for the note on what a first run fetches). */
export function kafkaCacheBytes(version = kafkaVersion()): number {
  const libsDir = path.join(kafkaCacheDir(version), 'libs');
  if (!existsSync(libsDir)) return 0;
  return readdirSync(libsDir).reduce((sum, f) => sum + statSync(path.join(libsDir, f)).size, 0);
}
