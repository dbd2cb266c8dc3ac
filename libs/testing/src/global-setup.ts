/**
 * Vitest global setup: starts (or finds) PostgreSQL, Redis and a Kafka-protocol broker once for
 * the whole run and hands their addresses to every test file (see `infra()` in fixtures.ts).
 * `CASCADE_UNIT_ONLY=1` skips it for a quick run of pure unit tests.
 */
import type { TestProject } from 'vitest/node';
import type { InfraSettings } from './infra.ts';
import { infraEnvVariable } from './env.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    infra: InfraSettings;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.CASCADE_UNIT_ONLY === '1') return undefined;
  const { startInfra } = await import('./infra.ts');
  const started = Date.now();
  const infra = await startInfra((m) => console.log(`[infra] ${m}`));
  console.log(`[infra] ${infra.settings.mode} mode ready in ${Date.now() - started} ms: ${infra.settings.kafkaDescription} at ${infra.settings.kafkaBrokers.join(',')}`);
  project.provide('infra', infra.settings);
  // Test workers are forked after this point and inherit the environment.
  process.env[infraEnvVariable] = JSON.stringify(infra.settings);
  return () => infra.stop();
}
