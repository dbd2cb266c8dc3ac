/**
 * The live event stream (`GET /v1/events`) on a real ledger, PostgreSQL, Redis and Kafka: a party's
 * stream carries the events of its vouchers and not another party's; a recipient of a split sees
 * its own piece only; no token is 401, one stream too many for a token is 429 problem+json; a
 * revoked token's stream ends with an `end` event.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CascadeProblem, type CascadeClient, type LiveEventData, type StreamedEvent } from '@cascade/sdk/client';
import { addMonthsShanghai, Stack, type TestParty } from './stack.ts';

type P = TestParty & { client: CascadeClient };
let stack: Stack;
let url: string;
let core: P, tier1: P, tier2: P, bystander: P;

beforeAll(async () => {
  stack = await Stack.start();
  url = (await stack.gateway({ GATEWAY_LIVE_STREAMS_PER_TOKEN_MAX: '2' })).url;
  [core, tier1, tier2, bystander] = [await stack.register(['core']), await stack.register(['supplier']), await stack.register(['supplier']), await stack.register(['supplier'])];
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

/** Collects a stream's events in the background until stopped. */
function listen(client: CascadeClient) {
  const events: StreamedEvent<LiveEventData | { reason: string }>[] = [];
  const abort = new AbortController();
  let failure: unknown = null;
  const done = (async () => {
    try {
      for await (const e of client.streamEvents({ signal: abort.signal })) events.push(e);
    } catch (error) {
      if (!abort.signal.aborted) failure = error;
    }
  })();
  return { events, stop: async () => (abort.abort(), await done), failure: () => failure, done };
}

const typesOf = (events: StreamedEvent<unknown>[]) => events.map((e) => e.event);
const until = async (what: () => boolean, label: string) => {
  const deadline = Date.now() + 20_000;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('the live event stream', () => {
  it('carries the events of a party\'s own vouchers, each with what it may see, and none of another party\'s', async () => {
    const [c, t1, t2, other] = [listen(core.client), listen(tier1.client), listen(tier2.client), listen(bystander.client)];
    // The streams are open once the gateway answers their header; give them a moment to attach.
    await new Promise((r) => setTimeout(r, 500));
    const payableId = await stack.confirmPayable(core.partyId, tier1.partyId, '1000.00');
    const rootId = randomUUID();
    await core.client.command('voucher.issue', core.partyId, { voucherId: rootId, holder: tier1.partyId, amount: '1000.00', maturityDate: addMonthsShanghai(5), backing: [{ payableId, amount: '1000.00' }] }, [core.signer]);
    await tier1.client.command('voucher.accept', tier1.partyId, { voucherId: rootId }, [tier1.signer]);
    const [toTier2, kept] = [randomUUID(), randomUUID()];
    await tier1.client.command('voucher.transfer', tier1.partyId, { voucherId: rootId, pieces: [{ childId: toTier2, recipient: tier2.partyId, amount: '300.00' }], remainder: { childId: kept, amount: '700.00' } }, [tier1.signer]);

    await until(() => typesOf(t1.events).includes('VoucherTransferred') && typesOf(t2.events).includes('VoucherTransferred') && typesOf(c.events).includes('VoucherTransferred'), 'the transfer on every stream concerned');
    expect(typesOf(t1.events).filter((t) => t.startsWith('Voucher'))).toEqual(['VoucherIssued', 'VoucherAccepted', 'VoucherTransferred']);
    expect(typesOf(c.events).filter((t) => t.startsWith('Voucher'))).toEqual(['VoucherIssued', 'VoucherAccepted', 'VoucherTransferred']);
    const issuedToTier1 = t1.events.find((e) => e.event === 'VoucherIssued')!.data as LiveEventData;
    expect((issuedToTier1.data.voucher as { voucherId: string }).voucherId).toBe(rootId);
    expect(issuedToTier1.id).toBe(t1.events.find((e) => e.event === 'VoucherIssued')!.id);
    // The holder is not shown the payables behind the voucher's credit line, nor its payment references.
    expect((issuedToTier1.data.voucher as { paymentReferences: unknown[] }).paymentReferences).toEqual([]);
    // Tier 2 sees the transfer with its own piece only, never tier 1's remainder.
    const split = t2.events.find((e) => e.event === 'VoucherTransferred')!.data as LiveEventData;
    expect((split.data.children as { voucherId: string }[]).map((ch) => ch.voucherId)).toEqual([toTier2]);
    expect(JSON.stringify(t2.events)).not.toContain(kept);
    expect(typesOf(t2.events)).not.toContain('VoucherIssued');

    // A party with nothing to do with the tree hears nothing of it.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(JSON.stringify(other.events)).not.toContain(rootId);
    expect(other.events.filter((e) => e.event.startsWith('Voucher'))).toEqual([]);
    for (const l of [c, t1, t2, other]) {
      await l.stop();
      expect(l.failure()).toBeNull();
    }
  });

  it('refuses a request without a token (401) and a stream too many for one token (429, problem+json)', async () => {
    const none = await fetch(`${url}/v1/events`);
    expect([none.status, none.headers.get('content-type')]).toEqual([401, expect.stringMatching(/^application\/problem\+json/)]);
    const a = listen(tier1.client);
    const b = listen(tier1.client);
    await new Promise((r) => setTimeout(r, 500));
    const third = await fetch(`${url}/v1/events`, { headers: { authorization: `Bearer ${tokenOf(tier1.client)}` } });
    expect(third.status).toBe(429);
    expect(third.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await third.json()) as { code: string }).toMatchObject({ code: 'rateLimited' });
    // Another token of the same party has streams of its own.
    const second = stack.client(stack.gateways[0]);
    await second.login(tier1.partyId, tier1.signer);
    const c = listen(second);
    await new Promise((r) => setTimeout(r, 500));
    expect(c.failure()).toBeNull();
    for (const l of [a, b, c]) await l.stop();
  });

  it('is in the OpenAPI document as a text/event-stream answer behind a bearer token', async () => {
    const doc = (await (await fetch(`${url}/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, { content: Record<string, unknown> }> }>> };
    const op = doc.paths['/v1/events']!.get!;
    expect(op.operationId).toBe('streamEvents');
    expect(op.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(op.responses['200']!.content)).toEqual(['text/event-stream']);
  });

  it('ends the stream of a revoked token with an end event, and refuses the token after', async () => {
    const client = stack.client(stack.gateways[0]);
    const login = await client.login(tier2.partyId, tier2.signer, { label: 'to revoke' });
    const l = listen(client);
    await new Promise((r) => setTimeout(r, 500));
    await client.revokeToken(login.tokenId);
    await l.done;
    expect(l.events.at(-1)).toMatchObject({ event: 'end', data: { reason: 'tokenRevoked' } });
    const again = listen(client);
    await again.done;
    expect(again.failure()).toBeInstanceOf(CascadeProblem);
    expect((again.failure() as CascadeProblem).status).toBe(401);
  });
});

/** The bearer token a client holds (the SDK keeps it private). */
function tokenOf(client: CascadeClient): string {
  return (client as unknown as { token: string }).token;
}
