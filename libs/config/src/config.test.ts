import { describe, expect, it } from 'vitest';
import { ConfigError, commonSettings, loadConfig, parse } from './index.ts';

const spec = {
  ...commonSettings,
  port: { env: 'PORT', doc: 'HTTP port', parse: parse.int(1, 65535) },
  secretKey: { env: 'SECRET_KEY', doc: 'a secret', parse: parse.int(0, 1), default: 0, secret: true },
};

const key = 'ab'.repeat(32);

describe('loadConfig', () => {
  it('applies defaults and parses given values', () => {
    const cfg = loadConfig(spec, { PORT: '8080', KAFKA_BROKERS: 'a:1, b:2', INTERNAL_AUTH_KEY: key });
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
    expect(message).toMatch(/INTERNAL_AUTH_KEY is required/);
  });

  it('reads a secret from the file <VAR>_FILE names when <VAR> is unset, and says when it cannot', () => {
    const files: Record<string, string> = { '/run/secrets/internal': `${key}\n` };
    const read = (f: string) => {
      if (!(f in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return files[f]!;
    };
    expect(loadConfig(spec, { PORT: '1', INTERNAL_AUTH_KEY_FILE: '/run/secrets/internal' }, read).internalAuthKey).toEqual(Buffer.from(key, 'hex'));
    expect(() => loadConfig(spec, { PORT: '1', INTERNAL_AUTH_KEY_FILE: '/run/secrets/nope' }, read)).toThrow(/INTERNAL_AUTH_KEY_FILE="\/run\/secrets\/nope": cannot read it \(ENOENT\)/);
    // Only secrets are read from files: a plain setting's _FILE twin means nothing.
    expect(() => loadConfig(spec, { PORT_FILE: '/run/secrets/internal', INTERNAL_AUTH_KEY: key }, read)).toThrow(/PORT is required/);
  });

  it('refuses an internal auth key that is short or not hex, without echoing it', () => {
    expect(() => loadConfig(spec, { PORT: '1', INTERNAL_AUTH_KEY: 'ab'.repeat(31) })).toThrow(/INTERNAL_AUTH_KEY=<secret>: must be at least 32 bytes/);
    expect(() => loadConfig(spec, { PORT: '1', INTERNAL_AUTH_KEY: 'zz'.repeat(32) })).toThrow(/must be hex/);
  });

  it('never echoes a secret value', () => {
    expect(() => loadConfig(spec, { PORT: '1', SECRET_KEY: 'hunter2' })).toThrow(/SECRET_KEY=<secret>/);
    expect(() => loadConfig(spec, { PORT: '1', SECRET_KEY: 'hunter2' })).not.toThrow(/hunter2/);
  });

  it('refuses out-of-range integers', () => {
    expect(() => loadConfig(spec, { PORT: '70000', INTERNAL_AUTH_KEY: key })).toThrow(/between 1 and 65535/);
  });
});
