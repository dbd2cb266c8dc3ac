/**
 * The directory (`GET /v1/directory?q=`), against a gateway in front of the real ledger process:
 * any signed-in party finds a counterparty by part of its name (case-insensitively), or by the
 * start of its party id or USCC; the answer names the party and its roles, never its keys; pages
 * follow the cursor. Refused: no token, an empty query, a page larger than the maximum.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { CascadeProblem, type CascadeClient, type Role } from '@cascade/sdk/client';
import { eventually } from '@cascade/testing';
import { newUscc, Stack, type TestParty } from './stack.ts';

let stack: Stack;
let asker: TestParty & { client: CascadeClient };
const tag = randomBytes(3).toString('hex');
const named: { partyId: string; name: string; roles: Role[] }[] = [];

async function registerNamed(name: string, roles: Role[]): Promise<string> {
  const operator = await stack.operatorClient();
  const key = generateKeyPair('ed25519').privateKey;
  const partyId = newUscc();
  await operator.command('party.register', stack.operator.partyId, { partyId, uscc: partyId, name, roles, publicKeys: [{ keyId: key.keyId, alg: 'ed25519', publicKey: exportPublicKey(key, 'hex') }] }, [stack.operator.signer]);
  await eventually(() => operator.getParty(partyId).catch(() => undefined), 30_000, `${partyId} in the gateway's view`);
  named.push({ partyId, name, roles });
  return partyId;
}

beforeAll(async () => {
  stack = await Stack.start();
  await stack.gateway();
  asker = await stack.register(['supplier']);
  await registerNamed(`无锡精密紧固件有限公司 ${tag}`, ['supplier']);
  await registerNamed(`常州精密轴承有限公司 ${tag}`, ['supplier']);
  await registerNamed(`Suzhou Precision Gears Co ${tag}`, ['supplier', 'core']);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

const refusalOf = async (p: Promise<unknown>): Promise<CascadeProblem> => {
  const e = await p.then(() => undefined, (error: unknown) => error);
  expect(e).toBeInstanceOf(CascadeProblem);
  return e as CascadeProblem;
};

describe('GET /v1/directory (searchDirectory)', () => {
  it('finds parties by part of the name, case-insensitively, and shows no keys', async () => {
    const wuxi = named[0]!;
    const found = await asker.client.searchDirectory(`紧固件有限公司 ${tag}`);
    expect(found).toEqual({ items: [{ partyId: wuxi.partyId, uscc: wuxi.partyId, name: wuxi.name, roles: ['supplier'] }], next: null });
    const latin = await asker.client.searchDirectory(`precision GEARS co ${tag}`);
    expect(latin.items.map((p) => [p.name, p.roles])).toEqual([[named[2]!.name, ['supplier', 'core']]]);
    const both = await asker.client.searchDirectory(`精密`);
    expect(both.items.map((p) => p.partyId)).toEqual(expect.arrayContaining([named[0]!.partyId, named[1]!.partyId]));
    expect(both.items.every((p) => Object.keys(p).sort().join() === 'name,partyId,roles,uscc')).toBe(true);
    expect((await asker.client.searchDirectory(`no such company ${tag}`)).items).toEqual([]);
  });

  it('finds a party by the start of its USCC or party id, not by a middle part', async () => {
    const target = named[1]!;
    expect((await asker.client.searchDirectory(target.partyId.slice(0, 14))).items.map((p) => p.partyId)).toContain(target.partyId);
    expect((await asker.client.searchDirectory(target.partyId.slice(0, 14).toLowerCase())).items.map((p) => p.partyId)).toContain(target.partyId);
    expect((await asker.client.searchDirectory(target.partyId)).items.map((p) => p.partyId)).toEqual([target.partyId]);
    expect((await asker.client.searchDirectory(target.partyId.slice(4))).items.map((p) => p.partyId)).not.toContain(target.partyId);
    // The regulator's id has no USCC: found by its id.
    const regulator = await stack.register(['regulator']);
    expect((await asker.client.searchDirectory(regulator.partyId)).items).toEqual([{ partyId: regulator.partyId, uscc: null, name: `party ${regulator.partyId}`, roles: ['regulator'] }]);
  });

  it('pages in party-id order with the cursor', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 6; page++) {
      const p = await asker.client.searchDirectory(tag, { limit: 1, ...(after ? { after } : {}) });
      seen.push(...p.items.map((i) => i.partyId));
      if (!p.next) break;
      after = p.next;
    }
    expect(seen).toEqual(named.map((n) => n.partyId).sort());
  });

  it('refuses a caller without a token, an empty query, an unknown parameter and a page over the maximum', async () => {
    expect((await refusalOf(stack.client().searchDirectory(tag))).status).toBe(401);
    expect((await refusalOf(asker.client.searchDirectory(''))).status).toBe(400);
    // One character would page through nearly every enterprise (USCCs mostly start with 9): two at least.
    expect((await refusalOf(asker.client.searchDirectory('9'))).status).toBe(400);
    expect((await refusalOf(asker.client.searchDirectory(tag, { limit: 51 }))).status).toBe(400);
    expect((await refusalOf(asker.client.request('searchDirectory', { query: { q: tag, role: 'supplier' } }))).status).toBe(400);
  });
});
