import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@cascade/logging';
import { registerConsole } from './static.ts';

const logger = createLogger({ service: 'gateway-test', level: 'silent' });

describe('registerConsole', () => {
  it('leaves the gateway without a console, and starting, when none was built', async () => {
    const app = Fastify();
    expect(await registerConsole(app, logger, path.join(os.tmpdir(), 'no-such-console'))).toBe(false);
    expect((await app.inject('/')).statusCode).toBe(404);
  });

  it('serves the built files only, so routes such as /v1 and /health stay the API\'s', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'console-dist-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    const app = Fastify();
    app.get('/health', async () => ({ ok: true }));
    app.get('/v1/chain', async () => ({ chainId: 'c' }));
    expect(await registerConsole(app, logger, dir)).toBe(true);
    const index = await app.inject('/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = await app.inject('/assets/index-abc.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject('/assets/other.js')).statusCode).toBe(404);
    expect((await app.inject('/v1/chain')).json()).toEqual({ chainId: 'c' });
    expect((await app.inject('/health')).json()).toEqual({ ok: true });
  });
});
