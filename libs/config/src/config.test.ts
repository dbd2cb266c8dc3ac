import { describe, expect, it } from 'vitest';
import { ConfigError, commonSettings, loadConfig, parse } from './index.ts';

const spec = {
  ...commonSettings,
  port: { env: 'PORT', doc: 'HTTP port', parse: parse.int(1, 65535) },
  secretKey: { env: 'SECRET_KEY', doc: 'a secret', parse: parse.int(0, 1), default: 0, secret: true },
};

describe('loadConfig', () => {
  it('applies defaults and parses given values', () => {
    const cfg = loadConfig(spec, { PORT: '8080', KAFKA_BROKERS: 'a:1, b:2' });
    expect(cfg.port).toBe(8080);
    expect(cfg.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(cfg.logLevel).toBe('info');
  });

  it('names every bad or missing variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(spec, { KAFKA_BROKERS: 'nope', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/PORT is required/);
    expect(message).toMatch(/KAFKA_BROKERS="nope": nope is not host:port/);
    expect(message).toMatch(/LOG_LEVEL="loud": must be one of/);
  });

  it('never echoes a secret value', () => {
    expect(() => loadConfig(spec, { PORT: '1', SECRET_KEY: 'hunter2' })).toThrow(/SECRET_KEY=<secret>/);
    expect(() => loadConfig(spec, { PORT: '1', SECRET_KEY: 'hunter2' })).not.toThrow(/hunter2/);
  });

  it('refuses out-of-range integers', () => {
    expect(() => loadConfig(spec, { PORT: '70000' })).toThrow(/between 1 and 65535/);
  });
});
