import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'libs/*/src/**/*.test.ts',
      'libs/*/test/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      'infra/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
    ],
    globalSetup: ['libs/testing/src/global-setup.ts'],
    // The ledger validates the events it builds against their schemas in tests only (store.ts).
    env: { CASCADE_CHECK_OWN_EVENTS: '1' },
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
