/**
 * Payable confirmation through the internal HTTP API on real PostgreSQL: a command signed by the
 * core enterprise (DESIGN §6 body) is confirmed once, with the signed PayableConfirmed fact, the
 * four-flow result and the invoices' usage in the outbox; every envelope, signature, nonce and
 * domain refusal answers its problem and writes nothing; concurrent confirmations never take an
 * invoice beyond its total.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair, signCommand } from '@cascade/crypto';
import { verifyFact } from '@cascade/events';
import { TestInvoices, type TestParty } from './support.ts';

let t: TestInvoices;
let core: TestParty, supplier: TestParty, other: TestParty;

beforeAll(async () => {
  t = await TestInvoices.start();
  [core, supplier, other] = [await t.party(['core']), await t.party(['supplier']), await t.party(['supplier'])];
});
afterAll(() => t?.stop());

/** A verified, complete trade and a payload taking `amount` of its invoice. */
async function ready(amount = '1000.00') {
  const { invoice } = await t.trade(core, supplier);
  await t.verify([invoice.invoiceId]);
  const payload = { payableId: `P-${randomUUID()}`, payee: supplier.partyId, amount, dueDate: '2026-06-30', invoices: [{ invoiceId: invoice.invoiceId, amount }] };
  return { invoice, payload };
}

async function refusedWith(code: string, status: number, send: () => Promise<{ status: number; body: any }>) {
  const before = await t.counts();
  const r = await send();
  expect(r.body, JSON.stringify(r.body)).toMatchObject({ code, status, type: `urn:cascade:problem:${code.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}` });
  expect(r.status).toBe(status);
  expect(await t.counts()).toEqual(before);
  return r.body;
}

describe('payable confirmation', () => {
  it('confirms a signed payable: stored with its four-flow result, the fact signed with the invoices key, usage committed', async () => {
    const { invoice, payload } = await ready();
    const r = await t.confirm(core, payload);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      payableId: payload.payableId,
      status: 'confirmed',
      debtor: core.partyId,
      creditor: supplier.partyId,
      amount: '1000.00',
      dueDate: '2026-06-30',
      invoices: [{ invoiceId: invoice.invoiceId, invoiceKey: invoice.invoiceKey, amount: '1000.00' }],
      fourFlow: { score: 100, reasons: [], floor: 60 },
      replayed: false,
    });
    const [fact] = (await t.outbox('PayableConfirmed')).filter((e) => e.envelope.data.payableId === payload.payableId);
    expect(fact).toMatchObject({ topic: 'invoices.events', key: core.partyId });
    expect(fact!.envelope.data).toMatchObject({ debtor: core.partyId, creditor: supplier.partyId, amount: '1000.00', invoices: [invoice.invoiceId], dueDate: '2026-06-30', fourFlowScore: 100 });
    const invoicesKey = t.dev.genesis.services.invoices;
    expect(verifyFact(t.deps.chain, 'PayableConfirmed', fact!.envelope.data, { ...invoicesKey, publicKey: Buffer.from(invoicesKey.publicKey, 'hex') })).toBe(true);
    // Bound to this ledger and this event type: the same signature says nothing elsewhere.
    expect(verifyFact('another-chain', 'PayableConfirmed', fact!.envelope.data, { ...invoicesKey, publicKey: Buffer.from(invoicesKey.publicKey, 'hex') })).toBe(false);
    expect((await t.outbox('FourFlowScored')).find((e) => e.envelope.data.payableId === payload.payableId)?.envelope.data).toMatchObject({ score: 100, flows: { contract: 25, delivery: 25, payment: 25, verification: 25 } });
    expect((await t.outbox('InvoiceUsageChanged')).find((e) => e.envelope.data.payableId === payload.payableId)?.envelope.data).toMatchObject({ invoiceId: invoice.invoiceId, committed: '1000.00', remaining: '0.00', used: '0.00', cause: 'payableConfirmed' });
    expect((await t.mustCall(supplier, 'GET', `/v1/invoices/${invoice.invoiceId}`)).usage).toEqual({ committed: '1000.00', used: '0.00', financed: '0.00', settled: '0.00', remaining: '0.00' });
  });

  it('answers the same command again with the stored payable (replayed), and refuses its nonce for another command', async () => {
    const { payload } = await ready('400.00');
    const body = t.signed(t.command(core, payload), [core.key]);
    expect((await t.call(core, 'POST', '/v1/payables', body)).status).toBe(201);
    const before = await t.counts();
    const again = await t.call(core, 'POST', '/v1/payables', body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ payableId: payload.payableId, replayed: true });
    expect(await t.counts()).toEqual(before);
    const other = t.command(core, { ...payload, payableId: `P-${randomUUID()}` }, { nonce: body.command.nonce });
    await refusedWith('nonceReusedWithDifferentCommand', 409, () => t.call(core, 'POST', '/v1/payables', t.signed(other, [core.key])));
  });

  it('shows a payable to its debtor and creditor, not to others', async () => {
    const { payload } = await ready('10.00');
    await t.confirm(core, payload);
    expect((await t.call(supplier, 'GET', `/v1/payables/${payload.payableId}`)).body).toMatchObject({ payableId: payload.payableId, status: 'confirmed' });
    expect((await t.call(other, 'GET', `/v1/payables/${payload.payableId}`)).status).toBe(404);
    expect((await t.mustCall(supplier, 'GET', '/v1/payables?limit=200')).items.map((p: { payableId: string }) => p.payableId)).toContain(payload.payableId);
    expect((await t.mustCall(other, 'GET', '/v1/payables?limit=200')).items).toEqual([]);
  });
});

describe('payable confirmation refusals: envelope, signatures, nonce', () => {
  const cases: [string, number, (p: Record<string, unknown>) => Promise<{ status: number; body: any }>][] = [
    ['commandMalformed', 400, (p) => t.call(core, 'POST', '/v1/payables', t.signed(t.command(core, p, { type: 'payable.cancel' }), [core.key]))],
    ['chainMismatch', 422, (p) => t.call(core, 'POST', '/v1/payables', t.signed(t.command(core, p, { chain: 'another-ledger' }), [core.key]))],
    ['actorNotCaller', 403, (p) => t.call(supplier, 'POST', '/v1/payables', t.signed(t.command(core, p), [core.key]))],
    ['commandExpired', 401, (p) => t.call(core, 'POST', '/v1/payables', t.signed(t.command(core, p, { createdAt: new Date(t.clock.now.getTime() - 25 * 3600_000).toISOString() }), [core.key]))],
    ['commandFromTheFuture', 401, (p) => t.call(core, 'POST', '/v1/payables', t.signed(t.command(core, p, { createdAt: new Date(t.clock.now.getTime() + 3600_000).toISOString() }), [core.key]))],
    ['signerKeyUnknown', 401, (p) => t.call(core, 'POST', '/v1/payables', t.signed(t.command(core, p), [generateKeyPair('ed25519').privateKey]))],
    ['signatureAlgorithmMismatch', 401, (p) => {
      const cmd = t.command(core, p);
      return t.call(core, 'POST', '/v1/payables', { command: cmd, signatures: [{ ...signCommand(cmd, core.key), alg: 'sm2' }] });
    }],
    ['signatureInvalid', 401, (p) => {
      const cmd = t.command(core, p);
      return t.call(core, 'POST', '/v1/payables', { command: cmd, signatures: [signCommand({ ...cmd, nonce: 'other' }, core.key)] });
    }],
    ['signerKeyNotOfActor', 401, (p) => t.call(core, 'POST', '/v1/payables', t.signed(t.command(core, p), [supplier.key]))],
    ['signatureInvalid', 401, (p) => {
      // A valid signature by the actor plus a bogus one: every signature must verify.
      const cmd = t.command(core, p);
      return t.call(core, 'POST', '/v1/payables', { command: cmd, signatures: [signCommand(cmd, core.key), signCommand({ ...cmd, nonce: 'x' }, supplier.key)] });
    }],
    ['commandNotCanonicalizable', 400, async (p) => {
      const cmd = t.command(core, p, { nonce: 'n-\ud800' });
      const raw = JSON.stringify({ command: cmd, signatures: [{ keyId: core.key.keyId, alg: 'ed25519', sig: 'A'.repeat(86) + '==' }] });
      const res = await t.app.inject({ method: 'POST', url: '/v1/payables', headers: { ...t.headers(core.partyId), 'content-type': 'application/json' }, payload: raw });
      return { status: res.statusCode, body: res.json() };
    }],
  ];
  it.each(cases)('refuses with %s (%i), writing nothing', async (code, status, send) => {
    const { payload } = await ready('1.00');
    await refusedWith(code, status, () => send(payload));
  });

  it('refuses a signature by a key the ledger revoked (keyRevoked)', async () => {
    const spare = generateKeyPair('ed25519').privateKey;
    const at = t.clock.now.toISOString();
    await t.ledgerEvents({ type: 'KeyAdded', data: { partyId: core.partyId, keyId: spare.keyId, alg: 'ed25519', publicKey: exportPublicKey(spare, 'hex'), at } });
    const { payload } = await ready('2.00');
    await t.ledgerEvents({ type: 'KeyRevoked', data: { partyId: core.partyId, keyId: spare.keyId, at } });
    await refusedWith('keyRevoked', 401, () => t.confirm(core, payload, [spare]));
    // The key added and not revoked signs: the view follows KeyAdded.
    const spare2 = generateKeyPair('ed25519').privateKey;
    await t.ledgerEvents({ type: 'KeyAdded', data: { partyId: core.partyId, keyId: spare2.keyId, alg: 'ed25519', publicKey: exportPublicKey(spare2, 'hex'), at } });
    expect((await t.confirm(core, payload, [spare2])).status).toBe(201);
  });
});

describe('payable confirmation refusals: the payable', () => {
  it('refuses a payable confirmed by a supplier (debtorNotCore)', async () => {
    const { payload } = await ready('3.00');
    await refusedWith('debtorNotCore', 403, () => t.confirm(supplier, { ...payload, payee: core.partyId }));
  });

  it('refuses more than what is left of an invoice after another payable took part of it (invoiceRemainderExceeded)', async () => {
    const { invoice, payload } = await ready('600.00');
    expect((await t.confirm(core, payload)).status).toBe(201);
    const second = { ...payload, payableId: `P-${randomUUID()}`, amount: '400.01', invoices: [{ invoiceId: invoice.invoiceId, amount: '400.01' }] };
    const p = await refusedWith('invoiceRemainderExceeded', 409, () => t.confirm(core, second));
    expect(p.detail).toContain('exceeds the 400.00 left');
    expect((await t.confirm(core, { ...second, amount: '400.00', invoices: [{ invoiceKey: invoice.invoiceKey, amount: '400.00' }] })).status).toBe(201);
  });

  it('refuses an invoice the tax authority voided (invoiceVoided)', async () => {
    const { invoice, payload } = await ready();
    await t.pool.query(`UPDATE invoices SET verification = 'void' WHERE invoice_id = $1`, [invoice.invoiceId]);
    await refusedWith('invoiceVoided', 422, () => t.confirm(core, payload));
  });

  it('refuses an invoice between other parties (invoiceNotBetweenParties) and an unknown one (invoiceUnknown)', async () => {
    const theirs = await t.mustCall(other, 'POST', '/v1/invoices', t.invoiceBody(other.partyId, core.partyId));
    const { payload } = await ready('5.00');
    await refusedWith('invoiceNotBetweenParties', 422, () => t.confirm(core, { ...payload, invoices: [{ invoiceId: theirs.invoiceId, amount: '5.00' }] }));
    await refusedWith('invoiceUnknown', 422, () => t.confirm(core, { ...payload, invoices: [{ invoiceKey: '3100231130-00000000', amount: '5.00' }] }));
  });

  it('refuses a four-flow score below the floor, naming the points lost (fourFlowScoreBelowFloor)', async () => {
    // An invoice with no contract behind it: contract and delivery flows lost, 50 < 60.
    const bare = await t.mustCall(supplier, 'POST', '/v1/invoices', t.invoiceBody(supplier.partyId, core.partyId));
    const p = await refusedWith('fourFlowScoreBelowFloor', 422, () => t.confirm(core, { payableId: `P-${randomUUID()}`, payee: supplier.partyId, amount: '10.00', dueDate: '2026-06-30', invoices: [{ invoiceId: bare.invoiceId, amount: '10.00' }] }));
    expect(p.detail).toMatch(/score 40 is below the floor of 60 \(contractMissing −25, deliveryMissing −25, invoiceUnverified −10\)/);
  });

  it('refuses a payable id another payable has (payableIdTaken)', async () => {
    const { payload } = await ready('7.00');
    expect((await t.confirm(core, payload)).status).toBe(201);
    const { invoice } = await ready('7.00');
    await refusedWith('payableIdTaken', 409, () => t.confirm(core, { ...payload, invoices: [{ invoiceId: invoice.invoiceId, amount: '7.00' }] }));
  });
});

describe('concurrent confirmations', () => {
  it('lets only as many payables rest on an invoice as its total holds, whatever the interleaving', async () => {
    const { invoice } = await ready();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => t.confirm(core, { payableId: `P-${randomUUID()}`, payee: supplier.partyId, amount: '300.00', dueDate: '2026-06-30', invoices: [{ invoiceId: invoice.invoiceId, amount: '300.00' }] })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect((await t.mustCall(core, 'GET', `/v1/invoices/${invoice.invoiceId}`)).usage).toMatchObject({ committed: '900.00', remaining: '100.00' });
  });
});
