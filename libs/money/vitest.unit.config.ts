// Unit tests of the pure packages (money, ids, ledger domain) without the shared infrastructure
// global setup, which starts PostgreSQL, Redis and Kafka that these tests never touch.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['libs/money/src/**/*.test.ts', 'libs/ids/src/**/*.test.ts', 'services/ledger/src/domain/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
  },
});
