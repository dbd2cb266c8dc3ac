/**
 * What the gateway refuses before anything reaches Kafka, each with its problem type, and with no
 * state change: the offsets of ledger.commands do not move and the ledger holds no result for the
 * refused command's nonce.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '@cascade/events';
import { infra } from '@cascade/testing';
import { generateKeyPair } from '@cascade/crypto';
import { newNonce, newVoucherId, signCommand, type Command, type CommandType } from '@cascade/sdk/client';
import type { GatewayContext } from '../src/route-table.ts';
import { signerOf, Stack, type TestParty } from './stack.ts';
import type { CascadeClient } from '@cascade/sdk/client';

let stack: Stack;
type P = TestParty & { client: CascadeClient };
let core: P, supplier: P;
let url: string;
let context: GatewayContext;
const admin = createKafka({ brokers: infra().kafkaBrokers, clientId: 'gw-refusals' }).admin();

beforeAll(async () => {
  stack = await Stack.start();
  ({ url, context } = await stack.gateway());
  await admin.connect();
  [core, supplier] = [await stack.register(['core']), await stack.register(['supplier'])];
}, 180_000);
afterAll(async () => {
  await admin.disconnect();
  await stack?.stop();
});

async function commandsOffset(): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(stack.topics.ledgerCommands.name);
  return offsets.reduce((sum, o) => sum + Number(o.high), 0);
}

function command<T extends CommandType>(type: T, actor: string, payload: Command<T>['payload'], overrides: Partial<Command<T>> = {}): Command<T> {
  return { type, chain: stack.dev.genesis.chainId, actor, nonce: newNonce(), createdAt: new Date().toISOString(), payload, ...overrides };
}

async function post(path: string, body: unknown, options: { token?: string | null; key?: string | null; raw?: string; contentType?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  const token = options.token === undefined ? tokenOf(supplier) : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.key !== null) headers['idempotency-key'] = options.key ?? newNonce();
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: options.raw ?? JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as { code: string; type: string } };
}
const tokenOf = (p: P) => (p.client as unknown as { token: string }).token;

/** Sends, expects the refusal, and checks that nothing reached Kafka or the ledger. */
async function refused(expected: { status: number; code: string }, send: () => Promise<{ status: number; type: string | null; body: { code: string; type: string } }>, nonce?: { actor: string; nonce: string }) {
  const before = await commandsOffset();
  const res = await send();
  expect({ status: res.status, code: res.body.code }).toEqual(expected);
  expect(res.type).toMatch(/application\/problem\+json/);
  expect(res.body.type).toBe(`urn:cascade:problem:${expected.code.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  expect(await commandsOffset()).toBe(before);
  if (nonce) expect((await stack.ledgerGet(nonce.actor, `/v1/results/${nonce.actor}/${nonce.nonce}`)).status).toBe(404);
}

describe('gateway refusals', () => {
  const accept = () => command('voucher.accept', supplier.partyId, { voucherId: newVoucherId() });

  it('a bad signature: signatureInvalid', async () => {
    const c = accept();
    const signed = signCommand(c, [supplier.signer]);
    const tampered = { ...signed, command: { ...c, payload: { voucherId: newVoucherId() } } };
    await refused({ status: 401, code: 'signatureInvalid' }, () => post(`/v1/vouchers/${tampered.command.payload.voucherId}/accept`, tampered), c);
  });

  it('a signature by an unregistered key: signerKeyUnknown; by another party only: signatureMissing', async () => {
    const c = accept();
    await refused({ status: 401, code: 'signerKeyUnknown' }, () => post(`/v1/vouchers/${c.payload.voucherId}/accept`, signCommand(c, [signerOf(generateKeyPair('ed25519').privateKey)])), c);
    const d = accept();
    await refused({ status: 401, code: 'signatureMissing' }, () => post(`/v1/vouchers/${d.payload.voucherId}/accept`, signCommand(d, [core.signer])), d);
  });

  it("the wrong actor (another party's command under this token): actorNotCaller", async () => {
    const c = command('voucher.accept', core.partyId, { voucherId: newVoucherId() });
    await refused({ status: 403, code: 'actorNotCaller' }, () => post(`/v1/vouchers/${c.payload.voucherId}/accept`, signCommand(c, [core.signer]), { token: tokenOf(supplier) }), c);
  });

  it('a role the route does not admit: a supplier issuing, the operator moving a voucher', async () => {
    const issue = command('voucher.issue', supplier.partyId, { voucherId: newVoucherId(), holder: core.partyId, amount: '1.00', maturityDate: '2027-01-01', backing: [{ payableId: 'P-1', amount: '1.00' }] });
    await refused({ status: 403, code: 'actorLacksRole' }, () => post('/v1/vouchers', signCommand(issue, [supplier.signer])), issue);
    const operator = await stack.operatorClient();
    const move = command('voucher.transfer', stack.operator.partyId, { voucherId: newVoucherId(), pieces: [{ childId: newVoucherId(), recipient: supplier.partyId, amount: '1.00' }], remainder: null });
    await refused({ status: 403, code: 'actorLacksRole' }, () => post(`/v1/vouchers/${move.payload.voucherId}/transfer`, signCommand(move, [stack.operator.signer]), { token: (operator as unknown as { token: string }).token }), move);
  });

  it('a replayed nonce, sent again under another Idempotency-Key: nonceAlreadyUsed, and the first stays the only one', async () => {
    const c = accept();
    const signed = signCommand(c, [supplier.signer]);
    const first = await post(`/v1/vouchers/${c.payload.voucherId}/accept`, signed);
    expect(first.body.code).toBe('unknownVoucher'); // the ledger decided it (the voucher does not exist)
    await refused({ status: 409, code: 'nonceAlreadyUsed' }, () => post(`/v1/vouchers/${c.payload.voucherId}/accept`, signed));
  });

  it('another chain: chainMismatch; a createdAt from yesterday or the future: commandExpired, commandFromTheFuture', async () => {
    const c = command('voucher.accept', supplier.partyId, { voucherId: newVoucherId() }, { chain: 'another-ledger' });
    await refused({ status: 422, code: 'chainMismatch' }, () => post(`/v1/vouchers/${c.payload.voucherId}/accept`, signCommand(c, [supplier.signer])), c);
    const old = command('voucher.accept', supplier.partyId, { voucherId: newVoucherId() }, { createdAt: new Date(Date.now() - 25 * 3600_000).toISOString() });
    await refused({ status: 401, code: 'commandExpired' }, () => post(`/v1/vouchers/${old.payload.voucherId}/accept`, signCommand(old, [supplier.signer])), old);
    const future = command('voucher.accept', supplier.partyId, { voucherId: newVoucherId() }, { createdAt: new Date(Date.now() + 3600_000).toISOString() });
    await refused({ status: 401, code: 'commandFromTheFuture' }, () => post(`/v1/vouchers/${future.payload.voucherId}/accept`, signCommand(future, [supplier.signer])), future);
  });

  it('createdAt is checked against the context clock (local mode moves it): a command of real now is expired 30 days later', async () => {
    const real = context.clock;
    context.clock = () => new Date(Date.now() + 30 * 86_400_000);
    try {
      const now = command('voucher.accept', supplier.partyId, { voucherId: newVoucherId() });
      await refused({ status: 401, code: 'commandExpired' }, () => post(`/v1/vouchers/${now.payload.voucherId}/accept`, signCommand(now, [supplier.signer])), now);
    } finally {
      context.clock = real;
    }
  });

  it('a body over the limit: payloadTooLarge (413)', async () => {
    const c = command('voucher.reject', supplier.partyId, { voucherId: newVoucherId(), reason: 'x'.repeat(400_000) });
    await refused({ status: 413, code: 'payloadTooLarge' }, () => post(`/v1/vouchers/${c.payload.voucherId}/reject`, signCommand(c, [supplier.signer])), c);
  });

  it('malformed bodies: not JSON, a repeated member, the wrong shape, a payload off its schema, another type than the route, a path that differs', async () => {
    const v = newVoucherId();
    await refused({ status: 400, code: 'bodyNotJson' }, () => post(`/v1/vouchers/${v}/accept`, null, { raw: '{"command": ' }));
    const c = accept();
    const signed = JSON.stringify(signCommand(c, [supplier.signer]));
    await refused({ status: 400, code: 'bodyNotJson' }, () => post(`/v1/vouchers/${c.payload.voucherId}/accept`, null, { raw: signed.replace('{"command":', '{"signatures":[],"command":') }), c);
    await refused({ status: 400, code: 'validationFailed' }, () => post(`/v1/vouchers/${v}/accept`, { command: { type: 'voucher.accept' }, signatures: [] }));
    const bad = command('voucher.accept', supplier.partyId, { voucherId: 'not-a-uuid' });
    await refused({ status: 400, code: 'payloadMalformed' }, () => post(`/v1/vouchers/${v}/accept`, signCommand(bad, [supplier.signer])), bad);
    const other = command('voucher.revoke', supplier.partyId, { voucherId: v });
    await refused({ status: 400, code: 'validationFailed' }, () => post(`/v1/vouchers/${v}/accept`, signCommand(other, [supplier.signer])), other);
    const elsewhere = accept();
    await refused({ status: 400, code: 'pathDoesNotMatchCommand' }, () => post(`/v1/vouchers/${v}/accept`, signCommand(elsewhere, [supplier.signer])), elsewhere);
    await refused({ status: 415, code: 'unsupportedMediaType' }, () => post(`/v1/vouchers/${v}/accept`, null, { raw: 'x', contentType: 'text/plain' }));
  });

  it('no token, a forged token, no Idempotency-Key', async () => {
    const c = accept();
    const body = signCommand(c, [supplier.signer]);
    await refused({ status: 401, code: 'unauthenticated' }, () => post(`/v1/vouchers/${c.payload.voucherId}/accept`, body, { token: null }), c);
    const forged = tokenOf(supplier).replace(/.{4}$/, 'AAAA');
    await refused({ status: 401, code: 'tokenInvalid' }, () => post(`/v1/vouchers/${c.payload.voucherId}/accept`, body, { token: forged }), c);
    await refused({ status: 400, code: 'idempotencyKeyRequired' }, () => post(`/v1/vouchers/${c.payload.voucherId}/accept`, body, { key: null }), c);
  });

  it('logins: a replayed one, one for another chain, one for an unregistered party', async () => {
    const login = command('session.login' as CommandType, supplier.partyId, {} as never);
    const body = signCommand(login, [supplier.signer]);
    expect((await post('/v1/auth/login', body, { token: null, key: null })).status).toBe(201);
    await refused({ status: 409, code: 'nonceAlreadyUsed' }, () => post('/v1/auth/login', body, { token: null, key: null }));
    const elsewhere = command('session.login' as CommandType, supplier.partyId, {} as never, { chain: 'another-ledger' });
    await refused({ status: 422, code: 'chainMismatch' }, () => post('/v1/auth/login', signCommand(elsewhere, [supplier.signer]), { token: null, key: null }));
    const stranger = signerOf(generateKeyPair('ed25519').privateKey);
    await refused({ status: 401, code: 'signerKeyUnknown' }, () => post('/v1/auth/login', signCommand(command('session.login' as CommandType, 'nobody', {} as never), [stranger]), { token: null, key: null }));
  });

  it('past the rate limit: 429 with RateLimit headers and Retry-After, per token', async () => {
    const limited = await stack.gateway({ GATEWAY_RATE_LIMIT: '3', GATEWAY_REDIS_PREFIX: `${stack.redisPrefix}rl-` });
    const client = stack.client(limited);
    await client.login(supplier.partyId, supplier.signer);
    const token = (client as unknown as { token: string }).token;
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${limited.url}/v1/tokens`, { headers: { authorization: `Bearer ${token}` } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.headers.get('ratelimit-policy')).toBe('"token";q=3;w=60');
    expect(last!.headers.get('ratelimit')).toMatch(/^"token";r=0;t=\d+$/);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last!.json()) as { code: string }).code).toBe('rateLimited');
    // Another token of the same gateway is not held back by the first one's window.
    const other = stack.client(limited);
    await other.login(core.partyId, core.signer);
    expect((await fetch(`${limited.url}/v1/tokens`, { headers: { authorization: `Bearer ${(other as unknown as { token: string }).token}` } })).status).toBe(200);
  });

  it('signed commands count against the limit, refused ones too; past it: 429, nothing sent and the nonce still free', async () => {
    const limited = await stack.gateway({ GATEWAY_RATE_LIMIT: '3', GATEWAY_REDIS_PREFIX: `${stack.redisPrefix}rlc-` });
    const client = stack.client(limited);
    await client.login(supplier.partyId, supplier.signer);
    const token = (client as unknown as { token: string }).token;
    const send = async (body: { command: { payload: { voucherId: string } } }) => {
      const res = await fetch(`${limited.url}/v1/vouchers/${body.command.payload.voucherId}/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': newNonce() },
        body: JSON.stringify(body),
      });
      return { status: res.status, ratelimit: res.headers.get('ratelimit'), code: ((await res.json()) as { code?: string }).code };
    };
    // Two commands the ledger decides (it refuses them: the vouchers do not exist) and one with a
    // bad signature, refused by the gateway: three counted.
    const first = await send(signCommand(accept(), [supplier.signer]));
    expect(first.ratelimit).toMatch(/^"token";r=2;t=\d+$/);
    expect(first.code).toBe('unknownVoucher');
    const c = accept();
    const signed = signCommand(c, [supplier.signer]);
    expect((await send({ ...signed, command: { ...c, payload: { voucherId: newVoucherId() } } })).code).toBe('signatureInvalid');
    expect((await send(signCommand(accept(), [supplier.signer]))).ratelimit).toMatch(/^"token";r=0;t=\d+$/);
    // The fourth: 429, and neither Kafka nor the ledger saw it; its nonce stays unused.
    const fourth = accept();
    await refused({ status: 429, code: 'rateLimited' }, async () => {
      const res = await fetch(`${limited.url}/v1/vouchers/${fourth.payload.voucherId}/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': newNonce() },
        body: JSON.stringify(signCommand(fourth, [supplier.signer])),
      });
      return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as { code: string; type: string } };
    }, fourth);
    // Refused again, and the same command through a gateway without that limit is taken: its
    // nonce was never claimed.
    expect((await send(signCommand(fourth, [supplier.signer]))).status).toBe(429);
    expect((await post(`/v1/vouchers/${fourth.payload.voucherId}/accept`, signCommand(fourth, [supplier.signer]))).body.code).toBe('unknownVoucher');
  });
});
