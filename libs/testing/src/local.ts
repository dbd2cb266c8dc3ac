/**
 * Local mode: PostgreSQL and Redis from this machine, for machines without Docker. Each is used
 * if it answers, started if installed and stopped, and installed with apt when running as root
 * and absent. Used by the test harness and by `npm run up`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';

export const localPostgresUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
export const localRedisUrl = 'redis://127.0.0.1:6379';
const startWaitMsMax = 30_000;

export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitForPort(port: number, what: string): Promise<void> {
  const deadline = Date.now() + startWaitMsMax;
  while (Date.now() < deadline) {
    if (await portAnswers(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start listening on 127.0.0.1:${port} within ${startWaitMsMax} ms`);
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function aptInstall(packages: string[], log: (m: string) => void): void {
  if (!isRoot()) throw new Error(`${packages.join(', ')} missing and not running as root: install them (apt-get install ${packages.join(' ')})`);
  log(`installing ${packages.join(', ')} with apt-get`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

export async function ensureLocalPostgres(log: (m: string) => void = () => undefined): Promise<string> {
  if (await portAnswers(5432)) return localPostgresUrl;
  if (!existsSync('/etc/postgresql')) aptInstall(['postgresql'], log);
  const versions = readdirSync('/etc/postgresql');
  const version = versions.sort().at(-1);
  if (!version) throw new Error('PostgreSQL is installed but has no cluster under /etc/postgresql');
  log(`starting PostgreSQL ${version}`);
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  await waitForPort(5432, 'PostgreSQL');
  return localPostgresUrl;
}

export async function ensureLocalRedis(log: (m: string) => void = () => undefined): Promise<string> {
  if (await portAnswers(6379)) return localRedisUrl;
  if (!hasCommand('redis-server')) aptInstall(['redis-server'], log);
  log('starting Redis');
  execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'], { stdio: 'inherit' });
  await waitForPort(6379, 'Redis');
  return localRedisUrl;
}
