/**
 * Per-file fixtures: each test file gets its own database and its own topics, so files run in
 * parallel without seeing each other's rows or messages.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { prefixedTopics, type TopicKey, type TopicSpec } from '@cascade/events';
import { infraEnvVariable } from './env.ts';
import type { InfraSettings } from './infra.ts';
import { topicAdminFor } from './kafka/index.ts';


/**
 * The infrastructure the global setup started. It travels in an environment variable rather than
 * vitest's `inject`, so this module can also be loaded by plain scripts (benchmarks, `npm run up`).
 */
export function infra(): InfraSettings {
  const raw = process.env[infraEnvVariable];
  if (!raw) throw new Error(`${infraEnvVariable} is not set: run integration tests through vitest (its global setup starts the infrastructure)`);
  return JSON.parse(raw) as InfraSettings;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const settings = infra();
  const name = uniqueName(prefix.replace(/[^a-z0-9_]/g, '_'));
  const admin = new pg.Client({ connectionString: settings.databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(settings.databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: settings.databaseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Creates the platform's topics under a fresh prefix and returns their specs. */
export async function createTestTopics(prefix = uniqueName('t')): Promise<Record<TopicKey, TopicSpec>> {
  const settings = infra();
  const specs = prefixedTopics(prefix);
  const admin = await topicAdminFor({ bootstrap: settings.kafkaBrokers, control: settings.kafkaControl });
  try {
    await admin.ensureTopics(Object.values(specs).map((s) => ({ name: s.name, partitions: s.partitions })));
  } finally {
    await admin.close();
  }
  return specs;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
