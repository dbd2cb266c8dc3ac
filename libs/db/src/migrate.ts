/**
 * Per-service migrations with node-pg-migrate: plain SQL files (`-- Up Migration` /
 * `-- Down Migration`), run in one transaction under node-pg-migrate's advisory lock, in the
 * service's own schema. The outbox and inbox tables come from this library's own folder and run
 * first, so every service has them.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';

export const sharedMigrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

export interface MigrateSettings {
  databaseUrl: string;
  schema: string;
  /** The service's own migration folder(s); the shared outbox/inbox folder is always added first. */
  dirs: string[];
  log?: (message: string) => void;
}

export async function migrate(settings: MigrateSettings): Promise<string[]> {
  const client = new pg.Client({ connectionString: settings.databaseUrl });
  await client.connect();
  try {
    // node-pg-migrate's own lock is one key for every schema, so services migrating their own
    // schemas side by side would refuse each other; this lock waits, and only per schema.
    await client.query(`SELECT pg_advisory_lock(hashtext($1))`, [`cascade-migrate:${settings.schema}`]);
    const ran = await runner({
      noLock: true,
      dbClient: client,
      // Globs, so the shared folder and the service's can be given together; files sort by name.
      dir: [sharedMigrationsDir, ...settings.dirs].map((d) => `${d}/*.sql`),
      useGlob: true,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      schema: settings.schema,
      createSchema: true,
      checkOrder: true,
      singleTransaction: true,
      log: settings.log ?? (() => undefined),
    });
    return ran.map((m) => m.name);
  } finally {
    await client.end();
  }
}
