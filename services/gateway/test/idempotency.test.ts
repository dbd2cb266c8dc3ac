/**
 * Idempotency-Key, on one gateway and on two gateway processes sharing the database and Redis:
 * the same key and body always answer the same, and the ledger decides the command once; the same
 * key with another body is 422; a command answered 202 (the wait ran out) is followed to its
 * outcome, and retried with its key answers the same 202.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@cascade/testing';
import { newNonce, newVoucherId, signCommand, type Command } from '@cascade/sdk/client';
import { addMonthsShanghai, Stack, type RunningGateway, type TestParty } from './stack.ts';
import type { CascadeClient } from '@cascade/sdk/client';

let stack: Stack;
type P = TestParty & { client: CascadeClient };
let core: P, supplier: P;
let a: RunningGateway, b: RunningGateway;

beforeAll(async () => {
  stack = await Stack.start();
  a = await stack.gateway();
  b = await stack.gateway();
  [core, supplier] = [await stack.register(['core']), await stack.register(['supplier'])];
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const tokenOf = (p: P) => (p.client as unknown as { token: string }).token;

async function post(gateway: RunningGateway, path: string, body: unknown, key: string, token = tokenOf(core)) {
  const res = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key }, body: JSON.stringify(body) });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), location: res.headers.get('location'), text: await res.text() };
}

async function issueCommand(): Promise<{ path: string; body: unknown; command: Command<'voucher.issue'> }> {
  const payableId = await stack.confirmPayable(core.partyId, supplier.partyId, '100.00');
  const command: Command<'voucher.issue'> = {
    type: 'voucher.issue',
    chain: stack.dev.genesis.chainId,
    actor: core.partyId,
    nonce: newNonce(),
    createdAt: new Date().toISOString(),
    payload: { voucherId: newVoucherId(), holder: supplier.partyId, amount: '100.00', maturityDate: addMonthsShanghai(3), backing: [{ payableId, amount: '100.00' }] },
  };
  return { path: '/v1/vouchers', body: signCommand(command, [core.signer]), command };
}

/** How many operations the ledger committed for the voucher (its history). */
async function operationsOn(voucherId: string): Promise<number> {
  const res = await stack.ledgerGet(core.partyId, `/v1/vouchers/${voucherId}/history`);
  return (res.body as { operations: unknown[] }).operations.length;
}

describe('Idempotency-Key', () => {
  it('the same key and body answer the same, and the ledger commits once', async () => {
    const { path, body, command } = await issueCommand();
    const key = newNonce();
    const first = await post(a, path, body, key);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toMatchObject({ status: 'accepted', actor: core.partyId, nonce: command.nonce });
    const again = await post(a, path, body, key);
    expect(again).toMatchObject({ status: 200, text: first.text, replayed: 'true' });
    // A body with its members in another order is the same request (its canonical JSON is).
    const reordered = JSON.parse(JSON.stringify({ signatures: (body as { signatures: unknown }).signatures, command: (body as { command: unknown }).command }));
    expect((await post(a, path, reordered, key)).text).toBe(first.text);
    expect(await operationsOn(command.payload.voucherId)).toBe(1);
  });

  it('the same key with another body: 422 idempotencyKeyReused, nothing sent', async () => {
    const one = await issueCommand();
    const other = await issueCommand();
    const key = newNonce();
    expect((await post(a, one.path, one.body, key)).status).toBe(200);
    const reused = await post(a, other.path, other.body, key);
    expect(reused.status).toBe(422);
    expect(JSON.parse(reused.text).code).toBe('idempotencyKeyReused');
    expect((await stack.ledgerGet(core.partyId, `/v1/results/${core.partyId}/${other.command.nonce}`)).status).toBe(404);
  });

  it('a key belongs to its party: another party using the same key string is not answered with the first one’s response', async () => {
    const one = await issueCommand();
    const key = newNonce();
    expect((await post(a, one.path, one.body, key)).status).toBe(200);
    const c: Command<'voucher.accept'> = { type: 'voucher.accept', chain: stack.dev.genesis.chainId, actor: supplier.partyId, nonce: newNonce(), createdAt: new Date().toISOString(), payload: { voucherId: one.command.payload.voucherId } };
    const accepted = await post(a, `/v1/vouchers/${c.payload.voucherId}/accept`, signCommand(c, [supplier.signer]), key, tokenOf(supplier));
    expect(accepted.status).toBe(200);
    expect(accepted.replayed).toBeNull();
  });

  it('two gateways receiving the same key and body at once give one answer, and the ledger commits once', async () => {
    for (let round = 0; round < 3; round++) {
      const { path, body, command } = await issueCommand();
      const key = newNonce();
      const answers = await Promise.all([a, b, a, b, b, a].map((g) => post(g, path, body, key)));
      expect(new Set(answers.map((x) => x.status))).toEqual(new Set([200]));
      expect(new Set(answers.map((x) => x.text)).size).toBe(1);
      expect(answers.filter((x) => x.replayed === null)).toHaveLength(1);
      expect(await operationsOn(command.payload.voucherId)).toBe(1);
    }
  });

  it('two gateways receiving the same key with different bodies at once: one is answered, the other 422', async () => {
    const one = await issueCommand();
    const other = await issueCommand();
    const key = newNonce();
    const [x, y] = await Promise.all([post(a, one.path, one.body, key), post(b, other.path, other.body, key)]);
    expect([x.status, y.status].sort()).toEqual([200, 422]);
    const loser = x.status === 422 ? one : other;
    expect((await stack.ledgerGet(core.partyId, `/v1/results/${core.partyId}/${loser.command.nonce}`)).status).toBe(404);
  });

  it('a command whose wait runs out is answered 202 with its URL; the URL gives the outcome; a retry with the key answers the same 202', async () => {
    const impatient = await stack.gateway({ GATEWAY_COMMAND_WAIT_MS: '0' });
    const { path, body, command } = await issueCommand();
    const key = newNonce();
    const first = await post(impatient, path, body, key);
    expect(first.status).toBe(202);
    expect(first.location).toBe(`/v1/commands/${core.partyId}/${command.nonce}`);
    expect(JSON.parse(first.text)).toEqual({ status: 'pending', actor: core.partyId, nonce: command.nonce, operation: first.location });
    expect((await post(impatient, path, body, key)).text).toBe(first.text);
    const client = stack.client(impatient, tokenOf(core));
    const outcome = await client.follow(core.partyId, command.nonce);
    expect(outcome).toMatchObject({ status: 'accepted', nonce: command.nonce });
    expect(await operationsOn(command.payload.voucherId)).toBe(1);
    // Another party may not read the outcome of core's command.
    const peek = await fetch(`${impatient.url}${first.location}`, { headers: { authorization: `Bearer ${tokenOf(supplier)}` } });
    expect(peek.status).toBe(403);
  });

  it('the SDK retries a lost answer with the same key: the ledger commits once', async () => {
    const { command } = await issueCommand();
    let calls = 0;
    const client = stack.client(a, tokenOf(core));
    // The first exchange reaches the gateway but its answer is "lost" (the connection drops).
    (client as unknown as { fetchFn: typeof fetch }).fetchFn = async (input, init) => {
      calls += 1;
      const res = await fetch(input, init);
      if (calls === 1) throw new TypeError('fetch failed (socket hang up)');
      return res;
    };
    const signed = signCommand(command, [core.signer]);
    const outcome = await client.submit(signed);
    expect(calls).toBe(2);
    expect(outcome).toMatchObject({ status: 'accepted' });
    expect(await operationsOn(command.payload.voucherId)).toBe(1);
  });
});

describe('two gateways, one view', () => {
  it('a key revoked through one gateway stops passing the other at once (its cache is told), and so does a revoked token', async () => {
    const party = await stack.register(['supplier'], 'ed25519', a);
    const onB = stack.client(b);
    await onB.login(party.partyId, party.signer);
    // B has seen and cached the first key; the party adds a second and revokes the first through A.
    const { generateKeyPair } = await import('@cascade/crypto');
    const { signerOf } = await import('./stack.ts');
    const second = signerOf(generateKeyPair('ed25519').privateKey);
    await party.client.command('key.add', party.partyId, { key: { keyId: second.keyId, alg: second.alg, publicKey: second.publicKeyHex } }, [party.signer]);
    await party.client.command('key.revoke', party.partyId, { keyId: party.signer.keyId }, [second]);
    const c: Command<'voucher.accept'> = { type: 'voucher.accept', chain: stack.dev.genesis.chainId, actor: party.partyId, nonce: newNonce(), createdAt: new Date().toISOString(), payload: { voucherId: newVoucherId() } };
    // The announcement travels over Redis pub/sub: wait for it (well under the 30 s cache life),
    // never past it. Until then B would forward, and the ledger would answer keyRevoked.
    const stale = await eventually(async () => {
      const r = await post(b, `/v1/vouchers/${c.payload.voucherId}/accept`, signCommand({ ...c, nonce: newNonce() }, [party.signer]), newNonce(), (onB as unknown as { token: string }).token);
      return JSON.parse(r.text).code === 'signerKeyUnknown' ? r : undefined;
    }, 3_000, 'gateway b to learn of the revoked key');
    expect(stale.status).toBe(401);
    const fresh = await post(b, `/v1/vouchers/${c.payload.voucherId}/accept`, signCommand({ ...c, nonce: newNonce() }, [second]), newNonce(), (onB as unknown as { token: string }).token);
    expect(JSON.parse(fresh.text).code).toBe('unknownVoucher'); // forwarded: the ledger decided it

    const tokens = await onB.listTokens();
    const bToken = (onB as unknown as { token: string }).token;
    await party.client.revokeToken(tokens.items.find((t) => bToken.includes(t.tokenId))!.tokenId);
    const refused = await eventually(async () => {
      const r = await fetch(`${b.url}/v1/tokens`, { headers: { authorization: `Bearer ${bToken}` } });
      return r.status === 401 ? r : undefined;
    }, 3_000, 'gateway b to learn of the revoked token');
    expect(((await refused.json()) as { code: string }).code).toBe('tokenInvalid');
  });
});
