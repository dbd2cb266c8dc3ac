/**
 * Docker is absent on the development machines, so `docker compose up` cannot be run in CI here.
 * This test keeps docker-compose.yml honest against the code instead: every service the code
 * defines is in the file, on its port, started from a file that exists, with environment that
 * the service's own config accepts, and the topics created are exactly the code's topics.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '@cascade/config';
import { allTopics } from '@cascade/events';
import { serviceSpec, type ServiceDefinition } from '@cascade/service';
import { definition as gateway } from '@cascade/gateway';
import { definition as invoices } from '@cascade/invoices';
import { definition as ledger } from '@cascade/ledger';
import { definition as risk } from '@cascade/risk';
import { definition as workflows } from '@cascade/workflows';
import { kafkaVersion } from '@cascade/testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compose = parseYaml(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { command?: string[] | string; environment?: Record<string, string | number>; ports?: string[]; healthcheck?: unknown; image?: string; build?: unknown }>;
};
const definitions: ServiceDefinition[] = [gateway, ledger, invoices, risk, workflows];

describe('docker-compose.yml', () => {
  it('publishes no port of PostgreSQL, Redis or Kafka to the host', () => {
    for (const name of ['postgres', 'redis', 'kafka']) expect(compose.services[name]?.ports, name).toBeUndefined();
  });

  it('runs real PostgreSQL 16, Redis 7 and Apache Kafka images with healthchecks', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:16/);
    expect(compose.services.redis?.image).toMatch(/^redis:7/);
    // The same Apache Kafka version local mode and the tests run from Maven Central.
    expect(compose.services.kafka?.image).toBe(`apache/kafka:${kafkaVersion()}`);
    expect(compose.services['kafka-topics']?.image).toBe(`apache/kafka:${kafkaVersion()}`);
    for (const name of ['postgres', 'redis', 'kafka']) expect(compose.services[name]?.healthcheck, name).toBeDefined();
  });

  for (const def of definitions) {
    describe(`service ${def.name}`, () => {
      const svc = compose.services[def.name];

      it('is built from the repo and starts its own main.ts', () => {
        expect(svc?.build).toBeDefined();
        const command = svc?.command as string[];
        const entry = command.find((c) => c.endsWith('.ts'));
        expect(entry).toBe(`services/${def.name}/src/main.ts`);
        expect(existsSync(path.join(root, entry!))).toBe(true);
      });

      it("listens on its config's port, published to the host only for the gateway, with a readiness healthcheck", () => {
        const env = svc?.environment ?? {};
        expect(String(env.PORT)).toBe(String(def.portDefault));
        // Internal services answer on the compose network only: their read APIs trust the caller.
        if (def.name === 'gateway') expect(svc?.ports).toEqual([`${def.portDefault}:${def.portDefault}`]);
        else expect(svc?.ports).toBeUndefined();
        expect(JSON.stringify(svc?.healthcheck)).toContain('/ready');
      });

      it("sets only variables the service's config knows, with values it accepts", () => {
        const spec = serviceSpec(def);
        const known = new Set(Object.values(spec).flatMap((s) => ('secret' in s && s.secret ? [s.env, `${s.env}_FILE`] : [s.env])));
        const env = Object.fromEntries(Object.entries(svc?.environment ?? {}).map(([k, v]) => [k, String(v)]));
        for (const key of Object.keys(env)) expect(known, `${key} unknown to ${def.name}`).toContain(key);
        // The internal key file is written by the platform-secrets job at run time.
        expect(env.INTERNAL_AUTH_KEY_FILE).toBe('/run/secrets/cascade/internal-auth.key');
        expect((svc as { volumes?: string[] }).volumes).toContain('platform-secrets:/run/secrets/cascade:ro');
        const config = loadConfig(spec, env, () => 'ab'.repeat(32));
        if (def.name === 'ledger') {
          // The genesis and key come from the ledger-genesis service's volume, written by the CLI.
          expect(env.LEDGER_GENESIS_FILE).toBe('/run/cascade/genesis.json');
          expect(JSON.stringify(compose.services['ledger-genesis']?.command)).toContain('"ledger","genesis","--out","/run/cascade"');
        }
        if (def.name === 'invoices' || def.name === 'risk') {
          // Invoices signs facts with the key the genesis CLI wrote beside the genesis; risk reads
          // the (public) genesis for the invoices fact key, to check four-flow scores. Both read-only.
          if (def.name === 'invoices') {
            expect(env.LEDGER_GENESIS_FILE).toBe('/run/cascade/genesis.json');
            expect(env.INVOICES_SIGNING_KEY_FILE).toBe('/run/cascade/invoices-key.pem');
          } else {
            expect(env.RISK_GENESIS_FILE).toBe('/run/cascade/genesis.json');
          }
          expect((svc as { volumes?: string[] }).volumes).toContain('ledger-genesis:/run/cascade:ro');
        }
        if (def.name === 'workflows') {
          // The scheduler signs as the operator, with the key the genesis CLI wrote, read-only.
          expect(env.WORKFLOWS_OPERATOR_KEY_FILE).toBe('/run/cascade/operator-key.pem');
          expect((svc as { volumes?: string[] }).volumes).toContain('ledger-genesis:/run/cascade:ro');
          // Payment files go to a writable volume of their own, not beside the read-only genesis.
          expect(env.WORKFLOWS_PAYMENT_FILES_DIR).toBe('/var/lib/cascade/payment-files');
          expect((svc as { volumes?: string[] }).volumes).toContain('payment-files:/var/lib/cascade/payment-files');
        }
        expect(config.kafkaBrokers).toEqual(['kafka:9092']);
        expect(new URL(config.databaseUrl).hostname).toBe('postgres');
        expect(new URL(config.redisUrl).hostname).toBe('redis');
      });
    });
  }

  it('creates exactly the topics the code declares, with their partition counts', () => {
    const script = JSON.stringify(compose.services['kafka-topics']?.command);
    const declared = allTopics().map((t) => `${t.name}:${t.partitions}`).sort();
    const created = [...script.matchAll(/([a-z]+\.[a-z]+):(\d+)/g)].map((m) => `${m[1]}:${m[2]}`).sort();
    expect(created).toEqual(declared);
  });
});
