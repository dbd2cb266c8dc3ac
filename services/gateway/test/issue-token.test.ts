/**
 * The operator's issue of a bearer token to a registered party (`POST /v1/tokens`), against a
 * gateway in front of the real ledger process: the token works as the party's own, is listed
 * (by the party, and by the operator with `?party=`), is capped at the configured maximum
 * lifetime, only reads (every write refused `tokenReadOnly`), and once revoked is refused at once. Refused: an unregistered party (problem+json
 * `unknownParty`), the regulator or an operator (`tokenNotForEnterprise`), any caller but the operator, no token, an unknown body field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CascadeProblem, type CascadeClient } from '@cascade/sdk/client';
import { newUscc, Stack, type TestParty } from './stack.ts';

let stack: Stack;
let operator: CascadeClient;
let supplier: TestParty & { client: CascadeClient };
const tokenTtlSecondsMax = 7 * 86_400;

beforeAll(async () => {
  stack = await Stack.start();
  await stack.gateway({ GATEWAY_TOKEN_TTL_SECONDS_MAX: String(tokenTtlSecondsMax) });
  operator = await stack.operatorClient();
  supplier = await stack.register(['supplier']);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const refusalOf = async (p: Promise<unknown>): Promise<CascadeProblem> => {
  const e = await p.then(() => undefined, (error: unknown) => error);
  expect(e).toBeInstanceOf(CascadeProblem);
  return e as CascadeProblem;
};

describe('POST /v1/tokens (issueToken)', () => {
  it('issues a token the party uses as its own; listed by the party and the operator; revoked, it is refused at once', async () => {
    const issued = await operator.issueToken(supplier.partyId, { label: 'ERP connector', ttlSeconds: 3_600 });
    expect(issued).toMatchObject({ partyId: supplier.partyId, roles: ['supplier'] });
    expect(issued.token).toMatch(new RegExp(`^cgt1\\.${issued.tokenId}\\.[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(3_600_000);

    const asParty = stack.client(undefined, issued.token);
    const own = await asParty.listTokens();
    const row = own.items.find((t) => t.tokenId === issued.tokenId);
    expect(row).toMatchObject({ partyId: supplier.partyId, label: 'ERP connector', revokedAt: null });
    expect(row).not.toHaveProperty('token');
    expect((await asParty.getParty(supplier.partyId)).roles).toEqual(['supplier']);
    expect(row!.issuedBy).toBe(stack.operator.partyId);
    expect((await supplier.client.listTokens()).items.filter((t) => t.tokenId !== issued.tokenId).every((t) => t.issuedBy === null)).toBe(true);
    // It only reads: the operator held it, so every write — a token-only one (the settlement
    // account payouts go to, a webhook) or a signed command — needs the party's own login.
    const writes = [
      () => asParty.registerBankAccount({ account: { number: '6222000000000199' }, agent: { bankCode: '102100099996' }, accountName: '冒名账户' }),
      () => asParty.registerWebhook('https://example.com/hook'),
      () => asParty.command('voucher.accept', supplier.partyId, { voucherId: '01a242aa-9eb3-716c-a0e2-b66b2a7ac06a' }, [supplier.signer]),
      () => asParty.revokeToken(issued.tokenId),
    ];
    for (const write of writes) {
      const refused = await refusalOf(write());
      expect([refused.status, refused.code]).toEqual([403, 'tokenReadOnly']);
    }
    // The operator sees it among the party's tokens (beside the party's own login).
    const listed = await operator.listTokens({ party: supplier.partyId });
    expect(listed.items.map((t) => t.tokenId)).toContain(issued.tokenId);
    expect(listed.items.every((t) => t.partyId === supplier.partyId)).toBe(true);

    const revoked = await operator.revokeToken(issued.tokenId);
    expect(revoked.revokedAt).not.toBeNull();
    const refused = await refusalOf(asParty.listTokens());
    expect([refused.status, refused.code]).toEqual([401, 'tokenInvalid']);
    // The party's own login is untouched.
    expect((await supplier.client.listTokens()).items.length).toBeGreaterThan(0);
  });

  it('caps the lifetime at the configured maximum', async () => {
    const issued = await operator.issueToken(supplier.partyId, { ttlSeconds: 366 * 86_400 });
    const lifetimeMs = Date.parse(issued.expiresAt) - Date.now();
    expect(lifetimeMs).toBeLessThanOrEqual(tokenTtlSecondsMax * 1000);
    expect(lifetimeMs).toBeGreaterThan(tokenTtlSecondsMax * 1000 - 60_000);
  });

  it('answers the same Idempotency-Key again with the token it issued (no second token, no secret kept); another request under it 422', async () => {
    const send = (body: unknown, key = 'same-key-twice') =>
      fetch(`${stack.gateways[0]!.url}/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${(operator as unknown as { token: string }).token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
    const before = (await operator.listTokens({ party: supplier.partyId })).items.length;
    const first = await send({ partyId: supplier.partyId });
    expect(first.status).toBe(201);
    const issued = (await first.json()) as { tokenId: string; token: string };
    const again = await send({ partyId: supplier.partyId });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const replay = (await again.json()) as { code: string; detail: string };
    expect(replay.code).toBe('tokenAlreadyIssued');
    expect(replay.detail).toContain(issued.tokenId);
    expect(JSON.stringify(replay)).not.toContain(issued.token.split('.')[2]);
    const other = await send({ partyId: supplier.partyId, label: 'another' });
    expect([other.status, ((await other.json()) as { code: string }).code]).toEqual([422, 'idempotencyKeyReused']);
    // Two at once under a fresh key: one token.
    const racing = await Promise.all([send({ partyId: supplier.partyId }, 'racing-key'), send({ partyId: supplier.partyId }, 'racing-key')]);
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await operator.listTokens({ party: supplier.partyId })).items.length).toBe(before + 2);
    // The SDK sends a key of its own, so its retry after a lost answer is refused the same way.
    expect((await operator.issueToken(supplier.partyId, { idempotencyKey: 'sdk-key' })).partyId).toBe(supplier.partyId);
    const retried = await refusalOf(operator.issueToken(supplier.partyId, { idempotencyKey: 'sdk-key' }));
    expect([retried.status, retried.code]).toEqual([409, 'tokenAlreadyIssued']);
  });

  it('refuses an unregistered party with problem+json unknownParty, and every caller but the operator', async () => {
    const unknown = newUscc();
    const res = await fetch(`${stack.gateways[0]!.url}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${(operator as unknown as { token: string }).token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ partyId: unknown }),
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'unknownParty', detail: `no party ${unknown} is registered` });

    // Not to the regulator (who reads everything) nor to an operator: only enterprises.
    const regulator = await stack.register(['regulator']);
    for (const partyId of [regulator.partyId, stack.operator.partyId]) {
      const before = (await operator.listTokens({ party: partyId })).items.length;
      const privileged = await refusalOf(operator.issueToken(partyId));
      expect([privileged.status, privileged.code]).toEqual([403, 'tokenNotForEnterprise']);
      expect((await operator.listTokens({ party: partyId })).items.length).toBe(before);
    }

    const bySupplier = await refusalOf(supplier.client.issueToken(supplier.partyId));
    expect([bySupplier.status, bySupplier.code]).toEqual([403, 'actorLacksRole']);
    const anonymous = await refusalOf(stack.client().issueToken(supplier.partyId));
    expect(anonymous.status).toBe(401);
    const extraField = await refusalOf(operator.request('issueToken', { body: { partyId: supplier.partyId, roles: ['operator'] } }));
    expect(extraField.status).toBe(400);
  });
});
