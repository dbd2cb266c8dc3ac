/**
 * The ledger's read API through fastify's inject, on real committed data: what each party may see
 * of a tree that A split to B and C, where B passed a piece on to D.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyProof, type InclusionProof } from '@cascade/chain';
import { importPublicKey, verifySignature } from '@cascade/crypto';
import { createLogger } from '@cascade/logging';
import { randomBytes } from 'node:crypto';
import { buildServiceApp, internalIdentity, internalIdentityHeader, signInternalToken } from '@cascade/service';
import { registerLedgerRoutes } from '../src/app.ts';
import { TestLedger, type TestParty } from './support.ts';

let ledger: TestLedger;
let app: FastifyInstance;
let core: TestParty, a: TestParty, b: TestParty, c: TestParty, d: TestParty, regulator: TestParty;
const root = randomUUID();
const toB = randomUUID();
const toC = randomUUID();
const toD = randomUUID();
let splitOpId: string;

beforeAll(async () => {
  ledger = await TestLedger.start();
  [core, a, b, c, d, regulator] = [
    await ledger.register(['core']),
    await ledger.register(['supplier']),
    await ledger.register(['supplier']),
    await ledger.register(['supplier']),
    await ledger.register(['supplier']),
    await ledger.register(['regulator']),
  ];
  const payableId = await ledger.confirmPayable(core, a, '100.00');
  await ledger.mustRun('voucher.issue', core, { voucherId: root, holder: a.partyId, amount: '100.00', maturityDate: '2026-06-30', backing: [{ payableId, amount: '100.00' }] });
  await ledger.mustRun('voucher.accept', a, { voucherId: root });
  splitOpId = (await ledger.mustRun('voucher.transfer', a, { voucherId: root, pieces: [{ childId: toB, recipient: b.partyId, amount: '60.00' }, { childId: toC, recipient: c.partyId, amount: '40.00' }], remainder: null })).opId!;
  await ledger.mustRun('voucher.accept', b, { voucherId: toB });
  await ledger.mustRun('voucher.transfer', b, { voucherId: toB, pieces: [{ childId: toD, recipient: d.partyId, amount: '60.00' }], remainder: null });
  await ledger.mustRun('voucher.accept', d, { voucherId: toD });
  app = buildServiceApp({ name: 'ledger', logger: createLogger({ service: 'ledger', level: 'silent' }), readiness: {} });
  await app.register(internalIdentity, { key: internalKey, audience: 'ledger' });
  registerLedgerRoutes(app, ledger.pool);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await ledger?.stop();
});

const internalKey = randomBytes(32);
/** A read as the gateway makes it for `party`: with an internal token naming that party. */
const get = (party: TestParty | null, url: string, key = internalKey, audience = 'ledger') =>
  app.inject({ method: 'GET', url, headers: party ? { [internalIdentityHeader]: signInternalToken(key, { sub: party.partyId, aud: audience }) } : {} });

describe('ledger read API', () => {
  it('refuses a read without a calling party, as problem+json', async () => {
    const res = await get(null, `/v1/vouchers/${root}`);
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'urn:cascade:problem:unauthenticated' });
  });

  it('refuses a caller named without the gateway\'s token, with another key, or for another service', async () => {
    // The header the ledger once trusted names a party; it is nothing without a valid token.
    const bare = await app.inject({ method: 'GET', url: `/v1/vouchers/${root}`, headers: { 'x-cascade-party': regulator.partyId } });
    expect(bare.statusCode).toBe(401);
    expect((await get(regulator, `/v1/vouchers/${root}`, randomBytes(32))).statusCode).toBe(401);
    expect((await get(regulator, `/v1/vouchers/${root}`, internalKey, 'invoices')).statusCode).toBe(401);
    const forged = signInternalToken(internalKey, { sub: regulator.partyId, aud: 'ledger' }).replace(/\.[^.]+$/, '.AAAA');
    expect((await app.inject({ method: 'GET', url: `/v1/vouchers/${root}`, headers: { [internalIdentityHeader]: forged } })).statusCode).toBe(401);
    expect((await get(regulator, `/v1/vouchers/${root}`)).statusCode).toBe(200);
  });

  it('shows the regulator and the issuer the whole tree, a tier-3 holder only its path', async () => {
    expect(((await get(regulator, `/v1/vouchers/${toD}/tree`)).json() as { nodes: unknown[] }).nodes).toHaveLength(4);
    expect(((await get(core, `/v1/vouchers/${toD}/tree`)).json() as { nodes: unknown[] }).nodes).toHaveLength(4);
    const seen = (await get(d, `/v1/vouchers/${toD}/tree`)).json() as { nodes: { voucherId: string; holder: string | null }[] };
    expect(seen.nodes.map((n) => n.voucherId).sort()).toEqual([root, toB, toD].sort());
    expect(seen.nodes.find((n) => n.voucherId === root)?.holder).toBeNull();
  });

  it('answers 404 alike for a voucher of another branch and for none at all', async () => {
    const otherBranch = await get(d, `/v1/vouchers/${toC}`);
    const absent = await get(d, `/v1/vouchers/${randomUUID()}`);
    expect(otherBranch.statusCode).toBe(404);
    expect(absent.statusCode).toBe(404);
    expect((otherBranch.json() as { type: string }).type).toBe((absent.json() as { type: string }).type);
  });

  it("hides in a history the actors the viewer's tree does not name", async () => {
    const history = (await get(d, `/v1/vouchers/${root}/history`)).json() as { operations: { type: string; actor: string | null }[] };
    const split = history.operations.find((o) => o.type === 'voucher.transfer');
    expect(split?.actor).toBeNull(); // A split the root; D does not know A
    const full = (await get(regulator, `/v1/vouchers/${root}/history`)).json() as { operations: { type: string; actor: string | null }[] };
    expect(full.operations.find((o) => o.type === 'voucher.transfer')?.actor).toBe(a.partyId);
  });

  it('gives the proof of a split to its parties, not to a party further down', async () => {
    expect((await get(d, `/v1/operations/${splitOpId}/proof`)).statusCode).toBe(404);
    expect((await get(b, `/v1/operations/${splitOpId}/proof`)).statusCode).toBe(200);
    expect((await get(a, `/v1/operations/${splitOpId}/proof`)).statusCode).toBe(200);
  });

  it("gives each recipient of a split a proof that shows its own piece and hides its siblings', yet verifies with the ledger key", async () => {
    const ledgerKey = importPublicKey({ format: 'hex', alg: ledger.dev.genesis.ledgerKey.alg, hex: ledger.dev.genesis.ledgerKey.publicKey });
    const check = (proof: InclusionProof) => verifyProof(proof, (message, sig) => verifySignature(ledgerKey.alg, ledgerKey.raw, message, sig.sig));
    const proofOf = async (party: TestParty) => (await get(party, `/v1/operations/${splitOpId}/proof`)).json() as InclusionProof & { record: { body: { payload: { pieces: unknown[] } } } };
    const full = await proofOf(a);
    expect(full.record.body.payload.pieces).toEqual([
      { childId: toB, recipient: b.partyId, amount: '60.00' },
      { childId: toC, recipient: c.partyId, amount: '40.00' },
    ]);
    expect(check(full)).toEqual({ ok: true });
    const forB = await proofOf(b);
    expect(forB.record.body.payload.pieces[0]).toEqual({ childId: toB, recipient: b.partyId, amount: '60.00' });
    expect(forB.record.body.payload.pieces[1]).toEqual({ $hidden: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(forB)).not.toContain(c.partyId);
    expect(JSON.stringify(forB)).not.toContain('40.00');
    expect(check(forB)).toEqual({ ok: true });
    const forC = await proofOf(c);
    expect(forC.record.body.payload.pieces[0]).toEqual({ $hidden: expect.any(String) });
    expect(JSON.stringify(forC)).not.toContain(b.partyId);
    expect(check(forC)).toEqual({ ok: true });
    // Its own piece cannot be changed in the proof: the path no longer leads to the root.
    const altered = structuredClone(forB);
    (altered.record.body.payload.pieces[0] as { amount: string }).amount = '99.00';
    expect(check(altered)).toMatchObject({ ok: false });
  });

  it("lets a party read its own balances only, matching its id exactly", async () => {
    const own = (await get(d, `/v1/parties/${d.partyId}/balances`)).json() as { balances: { account: string; amount: string }[] };
    expect(own.balances).toContainEqual(expect.objectContaining({ account: `vouchers:${d.partyId}`, amount: '60.00' }));
    expect(own.balances.every((x) => x.account.split(':').includes(d.partyId))).toBe(true);
    expect((await get(d, `/v1/parties/${a.partyId}/balances`)).statusCode).toBe(403);
  });

  it('lists blocks to the regulator only (they carry the platform\'s volume), and to nobody unnamed', async () => {
    expect((await get(regulator, '/v1/blocks?limit=5')).json()).toMatchObject({ blocks: expect.any(Array) });
    const refused = await get(d, '/v1/blocks');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await get(null, '/v1/blocks')).statusCode).toBe(401);
  });

  it("withholds the issuer's backing payables from a holder further down the tree", async () => {
    const seen = (await get(d, `/v1/vouchers/${root}`)).json() as { backing: unknown[]; creditLineFunder: unknown; paymentReferences: unknown[] };
    expect(seen).toMatchObject({ backing: [], creditLineFunder: null, paymentReferences: [] });
    expect(((await get(core, `/v1/vouchers/${root}`)).json() as { backing: unknown[] }).backing).not.toEqual([]);
  });
});
