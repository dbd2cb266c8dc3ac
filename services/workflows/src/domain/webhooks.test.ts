import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffMs, deliveryAttemptsMax, endpointUrlProblem, signatureHeader } from './webhooks.ts';

describe('delivery signatures and retries', () => {
  it('sign the timestamp and body with HMAC-SHA256 under the endpoint secret', () => {
    const at = new Date('2026-12-02T08:00:00Z');
    const header = signatureHeader('whsec_x', '{"a":1}', at);
    const t = Math.floor(at.getTime() / 1000);
    expect(header).toBe(`t=${t},v1=${createHmac('sha256', 'whsec_x').update(`${t}.{"a":1}`).digest('hex')}`);
  });

  it('back off exponentially from 10 s to at most 30 min, over a bounded number of attempts', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(backoffMs(20)).toBe(30 * 60_000);
    const total = Array.from({ length: deliveryAttemptsMax - 1 }, (_, i) => backoffMs(i + 1)).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(60 * 60_000); // an endpoint down for an hour still gets its events
  });
});

describe('endpoint URLs', () => {
  it.each([
    ['http://example.com/hook', 'must be https'],
    ['https://user:pw@example.com/hook', 'must not carry credentials'],
    ['https://127.0.0.1/hook', 'loopback or private'],
    ['https://10.1.2.3/hook', 'loopback or private'],
    ['https://[::1]/hook', 'loopback or private'],
    ['https://localhost:3000/hook', 'loopback or private'],
    ['https://localhost./hook', 'loopback or private'],
    ['https://[::]/hook', 'loopback or private'],
    ['https://[::ffff:127.0.0.1]/hook', 'loopback or private'],
    ['https://[::ffff:a9fe:a9fe]/latest/meta-data', 'loopback or private'],
    ['https://[64:ff9b::a00:1]/hook', 'loopback or private'],
    ['https://[fec0::1]/hook', 'loopback or private'],
    ['https://0x7f000001/hook', 'loopback or private'],
    ['https://2130706433/hook', 'loopback or private'],
    ['https://100.64.1.1/hook', 'loopback or private'],
    ['https://198.18.0.1/hook', 'loopback or private'],
    ['https://224.0.0.1/hook', 'loopback or private'],
    ['https://255.255.255.255/hook', 'loopback or private'],
    ['not a url', 'not a URL'],
  ])('refuse %s', (url, why) => {
    expect(endpointUrlProblem(url, { http: false, privateHosts: false })).toContain(why);
  });

  it('take a public https URL, and loopback http where the deployment allows it', () => {
    expect(endpointUrlProblem('https://erp.example.com/cascade/hooks', { http: false, privateHosts: false })).toBeNull();
    expect(endpointUrlProblem('https://8.8.8.8/hook', { http: false, privateHosts: false })).toBeNull();
    expect(endpointUrlProblem('https://[2001:4860:4860::8888]/hook', { http: false, privateHosts: false })).toBeNull();
    expect(endpointUrlProblem('http://127.0.0.1:8080/hook', { http: true, privateHosts: true })).toBeNull();
  });
});
