import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffMs, deliveryAttemptsMax, endpointUrlProblem, notificationsFor, signatureHeader } from './webhooks.ts';

const transfer = {
  type: 'VoucherTransferred',
  data: {
    parentId: 'P',
    rootId: 'R',
    holder: 'A',
    amount: '100.00',
    children: [
      { voucherId: 'C1', holder: 'B', amount: '60.00' },
      { voucherId: 'C2', holder: 'C', amount: '30.00' },
      { voucherId: 'C3', holder: 'A', amount: '10.00' },
    ],
    at: '2026-12-01T00:00:00Z',
  },
};

describe('webhook notifications', () => {
  it('tell the issuer and the sender a split whole, and each recipient only its own child', () => {
    const told = new Map(notificationsFor(transfer, () => 'ISSUER').map((n) => [n.partyId, n.data as { children: { voucherId: string }[] }]));
    expect([...told.keys()].sort()).toEqual(['A', 'B', 'C', 'ISSUER']);
    expect(told.get('ISSUER')!.children).toHaveLength(3);
    expect(told.get('A')!.children).toHaveLength(3);
    expect(told.get('B')!.children.map((c) => c.voucherId)).toEqual(['C1']);
    expect(JSON.stringify(told.get('C'))).not.toContain('"B"');
  });

  it('tell a holder what it was paid, without the payment reference or other holders', () => {
    const settled = { type: 'VoucherSettled', data: { rootId: 'R', issuer: 'I', paymentReference: 'BANK-1', paidAmount: '90.00', payouts: [{ voucherId: 'C1', holder: 'B', amount: '60.00', statusAfter: 'settled' }, { voucherId: 'C2', holder: 'C', amount: '30.00', statusAfter: 'settled' }], holderTotals: [{ holder: 'B', amount: '60.00' }, { holder: 'C', amount: '30.00' }], creditLineRestored: null, at: 'x' } };
    const forB = notificationsFor(settled, () => undefined).find((n) => n.partyId === 'B')!;
    expect(JSON.stringify(forB.data)).not.toContain('BANK-1');
    expect(JSON.stringify(forB.data)).not.toContain('"C"');
    expect((forB.data as { payouts: unknown[] }).payouts).toHaveLength(1);
  });

  it('tell nobody of events that concern no party (blocks)', () => {
    expect(notificationsFor({ type: 'BlockSealed', data: {} }, () => undefined)).toEqual([]);
  });
});

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
