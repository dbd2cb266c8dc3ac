/**
 * Typed configuration read from the environment and validated at boot.
 *
 * A service declares a spec — one entry per variable with a parser, a default and a line of
 * documentation — and `loadConfig` either returns the typed object or throws one `ConfigError`
 * that names every bad variable, so a misconfigured process stops before it touches anything.
 */
import { readFileSync } from 'node:fs';
import { clockFileSetting } from './clock.ts';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export interface Setting<T> {
  env: string;
  doc: string;
  parse: (raw: string) => T;
  /** Used when the variable is unset or empty; a setting without a default is required. */
  default?: T;
  /** Secrets are never echoed back in errors or in `describeConfig`. */
  secret?: boolean;
}

export type Spec = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Spec> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/**
 * A secret may also be given as a file: `<VAR>_FILE` names a file holding the value (the Docker
 * secrets convention), read when `<VAR>` itself is unset. Surrounding whitespace is dropped.
 */
export const secretFileSuffix = '_FILE';

export function loadConfig<S extends Spec>(spec: S, env: NodeJS.ProcessEnv = process.env, readFile: (file: string) => string = (f) => readFileSync(f, 'utf8')): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(spec)) {
    let raw = env[setting.env];
    const file = env[setting.env + secretFileSuffix];
    if ((raw === undefined || raw === '') && setting.secret && file) {
      try {
        raw = readFile(file).trim();
      } catch (error) {
        problems.push(`${setting.env}${secretFileSuffix}=${JSON.stringify(file)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        continue;
      }
    }
    if (raw === undefined || raw === '') {
      if ('default' in setting) out[key] = setting.default;
      else problems.push(`${setting.env} is required (${setting.doc})`);
      continue;
    }
    try {
      out[key] = setting.parse(raw);
    } catch (error) {
      const shown = setting.secret ? '<secret>' : JSON.stringify(raw);
      problems.push(`${setting.env}=${shown}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** Lines documenting a spec, for `--help` output and the docs. */
export function describeConfig(spec: Spec): string[] {
  return Object.values(spec).map((s) => {
    const dflt = 'default' in s ? (s.secret ? ' (default: <secret>)' : ` (default: ${JSON.stringify(s.default)})`) : ' (required)';
    return `${s.env}: ${s.doc}${dflt}`;
  });
}

export const parse = {
  string: (raw: string): string => raw,
  int:
    (min: number, max: number) =>
    (raw: string): number => {
      if (!/^-?\d+$/.test(raw)) throw new Error('must be an integer');
      const n = Number(raw);
      if (n < min || n > max) throw new Error(`must be between ${min} and ${max}`);
      return n;
    },
  bool: (raw: string): boolean => {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new Error('must be true or false');
  },
  oneOf:
    <T extends string>(...values: T[]) =>
    (raw: string): T => {
      if (!(values as string[]).includes(raw)) throw new Error(`must be one of ${values.join(', ')}`);
      return raw as T;
    },
  url:
    (...protocols: string[]) =>
    (raw: string): string => {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new Error('must be a URL');
      }
      if (protocols.length > 0 && !protocols.includes(u.protocol.replace(/:$/, ''))) {
        throw new Error(`must use ${protocols.join(' or ')}`);
      }
      return raw;
    },
  /** A secret key given as hex, at least `bytesMin` bytes long. */
  hexKey:
    (bytesMin: number) =>
    (raw: string): Buffer => {
      if (!/^[0-9a-fA-F]+$/.test(raw) || raw.length % 2 !== 0) throw new Error('must be hex');
      const key = Buffer.from(raw, 'hex');
      if (key.length < bytesMin) throw new Error(`must be at least ${bytesMin} bytes (${bytesMin * 2} hex characters)`);
      return key;
    },
  /** Comma-separated `host:port` list, as Kafka bootstrap servers are given. */
  hostPorts: (raw: string): string[] => {
    const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) throw new Error('must list at least one host:port');
    for (const hp of list) if (!/^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$/.test(hp)) throw new Error(`${hp} is not host:port`);
    return list;
  },
};

/** Settings every service shares; services spread these into their own spec. */
export const commonSettings = {
  logLevel: { env: 'LOG_LEVEL', doc: 'pino log level', parse: parse.oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), default: 'info' },
  host: { env: 'HOST', doc: 'address the HTTP server binds to', parse: parse.string, default: '127.0.0.1' },
  databaseUrl: { env: 'DATABASE_URL', doc: 'PostgreSQL connection URL', parse: parse.url('postgres', 'postgresql'), default: 'postgres://postgres@127.0.0.1:5432/cascade' },
  redisUrl: { env: 'REDIS_URL', doc: 'Redis connection URL', parse: parse.url('redis', 'rediss'), default: 'redis://127.0.0.1:6379' },
  kafkaBrokers: { env: 'KAFKA_BROKERS', doc: 'Kafka bootstrap servers, comma-separated host:port', parse: parse.hostPorts, default: ['127.0.0.1:9092'] },
  kafkaIdempotentProducer: { env: 'KAFKA_IDEMPOTENT_PRODUCER', doc: "the outbox relay publishes with Kafka's idempotent producer (turn off only for brokers without it, such as librdkafka's mock)", parse: parse.bool, default: true },
  topicPrefix: { env: 'TOPIC_PREFIX', doc: 'prefix of every Kafka topic name (isolates test runs or environments sharing a cluster)', parse: (raw: string) => {
    if (!/^[a-z0-9][a-z0-9_-]{0,40}$/.test(raw)) throw new Error('must be lower-case letters, digits, "_" or "-"');
    return raw;
  }, default: '' },
  internalAuthKey: {
    env: 'INTERNAL_AUTH_KEY',
    doc: 'hex key (32 bytes or more) the gateway and the internal services share: the gateway signs each internal request\'s caller with it, the services refuse requests without such a signature',
    parse: parse.hexKey(32),
    secret: true,
  },
  clockFile: clockFileSetting,
  shutdownTimeoutMs: { env: 'SHUTDOWN_TIMEOUT_MS', doc: 'how long a graceful shutdown may take before the process exits anyway (leaving a Kafka group mid-rebalance takes a session timeout)', parse: parse.int(100, 120_000), default: 30_000 },
} satisfies Spec;

export { clockFileRefreshMs, clockFileSetting, clockOf, readClockOffset, writeClockOffset, type Clock } from './clock.ts';
