/**
 * librdkafka's mock cluster as a Kafka-protocol broker for tests on machines without Docker.
 *
 * The C launcher (`infra/kafka-mock/launcher.c`) is compiled on first use into
 * `<repo>/.cache/kafka-mock/launcher` (rebuilt when the source is newer) and spawned per call to
 * {@link startKafkaMock}. It dies with this process: on stop(), on process exit, when its stdin
 * pipe closes and through PR_SET_PDEATHSIG. See infra/kafka-mock/README.md for its limits.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface KafkaMockTopic {
  name: string;
  partitions: number;
}

export interface KafkaMockOptions {
  /** Number of mock brokers, 1..16 (default 1). */
  brokers?: number;
  /** Topics created before the mock reports ready. */
  topics?: KafkaMockTopic[];
  /** How long to wait for the launcher's ready line (default 20 s, includes a first compile). */
  readyTimeoutMs?: number;
  /** Receives the launcher's stderr (librdkafka warnings), line by line. Default: kept for errors only. */
  onLog?: (line: string) => void;
}

export interface KafkaMock {
  /** Broker addresses, `127.0.0.1:PORT`, for kafkajs `brokers`. */
  bootstrap: string[];
  /** The launcher's control address (`127.0.0.1:PORT`), see MockTopicAdmin. */
  control: string;
  /** The launcher's process id. */
  pid: number;
  /** Terminates the launcher (SIGTERM, SIGKILL after 5 s); idempotent. */
  stop(): Promise<void>;
}

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const kafkaMockSource = path.join(repoRoot, 'infra', 'kafka-mock', 'launcher.c');
export const kafkaMockBinary = path.join(repoRoot, '.cache', 'kafka-mock', 'launcher');

const headerCandidates = ['/usr/include/librdkafka/rdkafka_mock.h', '/usr/local/include/librdkafka/rdkafka_mock.h'];
const stderrKeepChars = 8_192;
const stopGraceMs = 5_000;

let building: { promise: Promise<string>; sourceMtimeMs: number } | undefined;

function isFresh(binary: string, source: string): boolean {
  if (!existsSync(binary)) return false;
  return statSync(binary).mtimeMs >= statSync(source).mtimeMs;
}

function compile(source: string, binary: string): Promise<string> {
  if (!existsSync(source)) return Promise.reject(new Error(`kafka-mock: launcher source missing at ${source}`));
  if (isFresh(binary, source)) return Promise.resolve(binary);
  const extraInclude = process.env.CPATH ?? '';
  if (!headerCandidates.some((h) => existsSync(h)) && extraInclude === '') {
    return Promise.reject(
      new Error(
        'kafka-mock: librdkafka development files not found (no librdkafka/rdkafka_mock.h). ' +
          'Install the librdkafka-dev package: apt-get install -y librdkafka-dev',
      ),
    );
  }
  mkdirSync(path.dirname(binary), { recursive: true });
  // Build under a unique name and rename: parallel test workers may build at the same time.
  const tmp = `${binary}.${process.pid}.${Date.now()}.tmp`;
  const cc = process.env.CC ?? 'cc';
  return new Promise((resolve, reject) => {
    execFile(cc, ['-O2', '-Wall', '-o', tmp, source, '-lrdkafka'], { timeout: 120_000 }, (err, _stdout, stderr) => {
      if (err) {
        rmSync(tmp, { force: true });
        const missing = /rdkafka(_mock)?\.h|-lrdkafka|cannot find -lrdkafka/.test(stderr);
        const hint = missing ? ' Install the librdkafka-dev package: apt-get install -y librdkafka-dev.' : '';
        reject(new Error(`kafka-mock: compiling ${source} with ${cc} failed: ${err.message}\n${stderr}${hint}`));
        return;
      }
      renameSync(tmp, binary);
      resolve(binary);
    });
  });
}

/** Compiles the launcher when missing or older than its source; returns the binary's path. */
export function ensureKafkaMockLauncher(): Promise<string> {
  const sourceMtimeMs = existsSync(kafkaMockSource) ? statSync(kafkaMockSource).mtimeMs : -1;
  if (building && building.sourceMtimeMs === sourceMtimeMs) return building.promise;
  const promise = compile(kafkaMockSource, kafkaMockBinary);
  building = { promise, sourceMtimeMs };
  promise.catch(() => {
    if (building?.promise === promise) building = undefined;
  });
  return promise;
}

// Launchers still running in this process; killed synchronously when the process exits.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function unrefStream(stream: unknown): void {
  const s = stream as { unref?: () => void } | null;
  s?.unref?.();
}

interface ReadyLine {
  bootstrap: string;
  control: string;
}

function parseReady(line: string): ReadyLine {
  const parsed: unknown = JSON.parse(line);
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof (parsed as ReadyLine).bootstrap !== 'string' ||
    typeof (parsed as ReadyLine).control !== 'string'
  ) {
    throw new Error(`kafka-mock: unexpected ready line: ${line}`);
  }
  return parsed as ReadyLine;
}

/** Builds (if needed) and starts a mock cluster; resolves once it listens and its topics exist. */
export async function startKafkaMock(options: KafkaMockOptions = {}): Promise<KafkaMock> {
  const brokers = options.brokers ?? 1;
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 16) {
    throw new Error(`kafka-mock: brokers must be an integer 1..16, got ${brokers}`);
  }
  const args = ['--brokers', String(brokers)];
  for (const t of options.topics ?? []) args.push('--topic', `${t.name}:${t.partitions}`);

  const binary = await ensureKafkaMockLauncher();
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  // stdin stays an open pipe: the launcher exits when it reads EOF, i.e. when this process dies.
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  installExitHook();

  let stderrTail = '';
  let stderrPartial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Always drain: a full pipe would block librdkafka's logging threads inside the mock.
    stderrTail = (stderrTail + chunk).slice(-stderrKeepChars);
    if (options.onLog) {
      const lines = (stderrPartial + chunk).split('\n');
      stderrPartial = lines.pop() ?? '';
      for (const l of lines) options.onLog(l);
    }
  });
  child.stdin?.on('error', () => {
    // EPIPE after the launcher exited: nothing to do.
  });

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  child.once('exit', () => live.delete(child));

  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    let stdout = '';
    const fail = (why: string): void => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`kafka-mock: ${why}${stderrTail ? `\nlauncher stderr:\n${stderrTail.trim()}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${readyTimeoutMs} ms`), readyTimeoutMs);
    const onData = (chunk: Buffer): void => {
      stdout += chunk.toString('utf8');
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      cleanup();
      try {
        resolve(parseReady(stdout.slice(0, nl)));
      } catch (e) {
        child.kill('SIGKILL');
        reject(e as Error);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      // Let stderr drain before reporting.
      setTimeout(() => fail(`launcher exited before ready (code ${code}, signal ${signal})`), 50);
    };
    const onError = (err: Error): void => fail(`cannot run ${binary}: ${err.message}`);
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
  child.stdout?.resume(); // keep draining; the launcher writes nothing after the ready line

  // Do not keep the test process alive just for the launcher; the exit hook reaps it.
  child.unref();
  unrefStream(child.stdin);
  unrefStream(child.stdout);
  unrefStream(child.stderr);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
        await exited;
        clearTimeout(killer);
      }
      live.delete(child);
    })();
    return stopping;
  };

  return {
    bootstrap: ready.bootstrap.split(',').filter((s) => s.length > 0),
    control: ready.control,
    pid: child.pid ?? -1,
    stop,
  };
}
