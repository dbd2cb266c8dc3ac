import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export const poolSizeDefault = 10;
export const statementTimeoutMsDefault = 30_000;

const schemaPattern = /^[a-z][a-z0-9_]{0,62}$/;

export interface PoolSettings {
  databaseUrl: string;
  /** The service's own schema; every connection's search_path is set to it. */
  schema: string;
  size?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
}

// Bigint columns (bigserial, counts of fen) come back as strings rather than lossy numbers.
pg.types.setTypeParser(20, (v) => v);

export function createPool(settings: PoolSettings): Pool {
  if (!schemaPattern.test(settings.schema)) throw new Error(`bad schema name ${settings.schema}`);
  const pool = new pg.Pool({
    connectionString: settings.databaseUrl,
    max: settings.size ?? poolSizeDefault,
    application_name: settings.applicationName ?? settings.schema,
    options: `-c search_path=${settings.schema} -c statement_timeout=${settings.statementTimeoutMs ?? statementTimeoutMsDefault}`,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client whose connection dies (server restart, admin shutdown) is dropped from the
  // pool; without a listener pg would crash the process over a connection nobody was using.
  // Callers that want to log it add their own listener.
  pool.on('error', () => undefined);
  return pool;
}

const retryableCodes = new Set(['40001', '40P01']);
export const transactionRetriesMax = 3;

/**
 * Runs `fn` inside one transaction. Serialization failures and deadlocks are retried a bounded
 * number of times (the work is rolled back first, so a retry never doubles an effect).
 */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (code && retryableCodes.has(code) && attempt < transactionRetriesMax) continue;
      throw error;
    } finally {
      client.release();
    }
  }
}

export async function ping(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}
