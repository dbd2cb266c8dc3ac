/**
 * The authorization matrix: every route of the gateway's table × every role (and no token at all)
 * × the caller's own tenant and another's, each with its expected allow or deny.
 *
 * The routes come from the route table itself (`gatewayRoutes`), and both tables below are typed
 * `Record<OperationId, …>`, so a new route without a request here and an expectation fails to
 * compile, and the test also checks at run time that it covered exactly the table. The
 * expectations are written out here, not read from the table's access rules, so the test checks
 * the rules rather than repeating them.
 *
 * "Allowed" means: a read answers 200 (201 for a login); a command reaches the ledger (the ledger
 * holds a result for its nonce, whatever it decided). "Denied" means 401, 403 or 404, and for a
 * command, no result at the ledger: it never reached Kafka.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { newNonce, newVoucherId, operations, pathOf, signCommand, type Command, type CommandPayloads, type CommandType, type OperationId, type Role } from '@cascade/sdk/client';
import { gatewayRoutes } from '../src/index.ts';
import { addMonthsShanghai, signerOf, Stack, type TestParty } from './stack.ts';
import type { CascadeClient } from '@cascade/sdk/client';

type Caller = Role | 'anonymous';
type Tenancy = 'own' | 'other';
const callers: Caller[] = ['operator', 'core', 'supplier', 'funder', 'regulator', 'anonymous'];
type P = TestParty & { client: CascadeClient; token: string; spareTokens: string[]; nonce: string };

let stack: Stack;
const own = {} as Record<Role, P>;
const other = {} as Record<Role, P>;
let v1: string, v2: string, v1IssueOp: string, v2IssueOp: string, operatorOp: string;

const all: Caller[] = ['operator', 'core', 'supplier', 'funder', 'regulator'];
const trading: Caller[] = ['core', 'supplier', 'funder'];
const rule = (ownAllowed: Caller[], otherAllowed: Caller[] = []) => ({ own: ownAllowed, other: otherAllowed });

/** Who is allowed, for the caller's own tenant and for another's. Commands: only ever one's own. */
const expected: Record<OperationId, { own: Caller[]; other: Caller[] }> = {
  getChain: rule([...all, 'anonymous'], [...all, 'anonymous']),
  login: rule(all),
  listTokens: rule(all, ['operator']),
  revokeToken: rule(all, ['operator']),
  registerParty: rule(['operator']),
  listParties: rule(['operator', 'regulator'], ['operator', 'regulator']),
  getParty: rule(all, all),
  addKey: rule(all),
  revokeKey: rule(all),
  changePolicy: rule(['operator']),
  setCreditLine: rule(['funder']),
  listCreditLines: rule(['core', 'funder', 'regulator'], ['regulator']),
  listPayables: rule(['core', 'supplier', 'funder', 'regulator'], ['regulator']),
  issueVoucher: rule(['core']),
  acceptVoucher: rule(trading),
  rejectVoucher: rule(trading),
  cancelVoucher: rule(['core']),
  transferVoucher: rule(trading),
  revokeTransfer: rule(trading),
  requestFinancing: rule(trading),
  withdrawFinancing: rule(trading),
  approveFinancing: rule(['funder']),
  rejectFinancing: rule(['funder']),
  settleVoucher: rule(['core']),
  freezeVoucher: rule(['regulator']),
  unfreezeVoucher: rule(['regulator']),
  expireAcceptance: rule(['operator']),
  markOverdue: rule(['operator']),
  listVouchers: rule([...trading, 'regulator'], ['regulator']),
  getVoucher: rule([...trading, 'regulator'], ['regulator']),
  getVoucherTree: rule([...trading, 'regulator'], ['regulator']),
  getVoucherHistory: rule([...trading, 'regulator'], ['regulator']),
  getBalances: rule(all, ['regulator']),
  listBlocks: rule(['regulator'], ['regulator']),
  getProof: rule(all, ['regulator']),
  getCommandResult: rule(all, ['regulator']),
};

/** A payload of each command type that passes the schemas and changes nothing the matrix reads. */
function payloadOf<T extends CommandType>(type: T, actor: string): CommandPayloads[T] {
  const v = newVoucherId();
  const key = generateKeyPair('ed25519').privateKey;
  const payloads: { [K in CommandType]: CommandPayloads[K] } = {
    'party.register': { partyId: `m-${newNonce().slice(0, 8)}`, uscc: null, name: 'matrix party', roles: ['regulator'], publicKeys: [{ keyId: key.keyId, alg: 'ed25519', publicKey: exportPublicKey(key, 'hex') }] },
    'key.add': { key: { keyId: key.keyId, alg: 'ed25519', publicKey: exportPublicKey(key, 'hex') } },
    'key.revoke': { keyId: `ed25519:${'0'.repeat(32)}` },
    'policy.change': { changes: { treeDepthMax: 10 } },
    'creditLine.set': { issuer: actor, limit: '1.00', termDays: 30 },
    'voucher.issue': { voucherId: v, holder: actor, amount: '1.00', maturityDate: addMonthsShanghai(2), backing: [{ payableId: 'P-none', amount: '1.00' }] },
    'voucher.accept': { voucherId: v },
    'voucher.reject': { voucherId: v, reason: 'matrix' },
    'voucher.cancel': { voucherId: v },
    'voucher.transfer': { voucherId: v, pieces: [{ childId: newVoucherId(), recipient: actor, amount: '1.00' }], remainder: null },
    'voucher.revoke': { voucherId: v },
    'financing.request': { voucherId: v, funder: actor, productId: 'P1', maxAnnualRate: '0.05', maxFees: '1.00' },
    'financing.withdraw': { voucherId: v },
    'financing.approve': { voucherId: v, annualRate: '0.03', fees: '0.00' },
    'financing.reject': { voucherId: v, reason: 'matrix' },
    'voucher.settle': { rootId: v, paymentReference: `PAY-${newNonce().slice(0, 8)}`, paidAmount: '1.00' },
    'voucher.freeze': { voucherId: v, reason: 'matrix' },
    'voucher.unfreeze': { voucherId: v, reason: 'matrix' },
    'voucher.expireAcceptance': { voucherId: v },
    'voucher.markOverdue': { rootId: v },
  };
  return payloads[type];
}

interface Request {
  method: string;
  path: string;
  token: string | null;
  body?: unknown;
  /** For a command: whose nonce to look for at the ledger. */
  command?: { actor: string; nonce: string };
}

const partyOf = (caller: Role, tenancy: Tenancy) => (tenancy === 'own' ? own : other)[caller];
const anonymousKey = signerOf(generateKeyPair('ed25519').privateKey);

/** The request each caller makes on each route for its own tenant or another's. */
function requestFor(op: OperationId, caller: Caller, tenancy: Tenancy): Request {
  const spec = operations[op];
  const me = caller === 'anonymous' ? null : own[caller];
  const subject = caller === 'anonymous' ? own.supplier : partyOf(caller, tenancy);
  const token = me?.token ?? null;
  const get = (params: Record<string, string> = {}, query = ''): Request => ({ method: 'GET', path: pathOf(spec.path, params) + query, token });
  if ('command' in spec && spec.command) {
    // The command is the subject's, signed by the subject: only the token says whose request it is.
    const type = spec.command as CommandType;
    const command: Command = { type, chain: stack.dev.genesis.chainId, actor: subject.partyId, nonce: newNonce(), createdAt: new Date().toISOString(), payload: payloadOf(type, subject.partyId) };
    const params: Record<string, string> = {};
    for (const [param, field] of Object.entries(('bind' in spec ? spec.bind : {}) as Record<string, string>)) params[param] = field === 'actor' ? command.actor : String((command.payload as Record<string, unknown>)[field]);
    if (type === 'key.revoke') params.keyId = (command.payload as { keyId: string }).keyId;
    return { method: 'POST', path: pathOf(spec.path, params), token, body: signCommand(command, [subject.signer]), command: { actor: command.actor, nonce: command.nonce } };
  }
  switch (op) {
    case 'getChain':
      return get();
    case 'login': {
      const login = { type: 'session.login', chain: stack.dev.genesis.chainId, actor: caller === 'anonymous' ? 'nobody' : subject.partyId, nonce: newNonce(), createdAt: new Date().toISOString(), payload: {} };
      // Another tenant's login, signed with one's own key: it must not pass.
      return { method: 'POST', path: spec.path, token: null, body: signCommand(login as never, [me?.signer ?? anonymousKey]) };
    }
    case 'listTokens':
    case 'listCreditLines':
    case 'listPayables':
    case 'listVouchers':
      return get({}, tenancy === 'own' ? '' : `?party=${subject.partyId}`);
    case 'revokeToken':
      return { method: 'DELETE', path: pathOf(spec.path, { tokenId: parseTokenId(subject.spareTokens.pop()!) }), token };
    case 'listParties':
    case 'listBlocks':
      return get();
    case 'getParty':
    case 'getBalances':
      return get({ partyId: subject.partyId });
    case 'getVoucher':
    case 'getVoucherTree':
    case 'getVoucherHistory':
      return get({ voucherId: tenancy === 'own' ? v1 : v2 });
    case 'getProof':
      return get({ opId: tenancy === 'other' ? v2IssueOp : caller === 'operator' ? operatorOp : v1IssueOp });
    case 'getCommandResult':
      return get({ actor: subject.partyId, nonce: subject.nonce });
    default:
      throw new Error(`no request for ${op}`);
  }
}

const parseTokenId = (token: string) => token.split('.')[1]!;

beforeAll(async () => {
  stack = await Stack.start();
  const g = await stack.gateway();
  const make = async (role: Role): Promise<P> => {
    if (role === 'operator' && !own.operator) {
      const client = await stack.operatorClient(g);
      return { ...stack.operator, client, token: (client as unknown as { token: string }).token, spareTokens: [], nonce: '' };
    }
    const party = await stack.register([role]);
    return { ...party, token: (party.client as unknown as { token: string }).token, spareTokens: [], nonce: '' };
  };
  for (const role of ['operator', 'core', 'supplier', 'funder', 'regulator'] as Role[]) {
    own[role] = await make(role);
    other[role] = await make(role);
  }
  for (const p of [...Object.values(own), ...Object.values(other)]) {
    // Spare tokens to be revoked by the matrix, and one command of each party's own whose result can be read.
    for (let i = 0; i < 12; i++) p.spareTokens.push((await stack.client(g).login(p.partyId, p.signer)).token);
    const c = await p.client.buildCommand('key.revoke', p.partyId, { keyId: `ed25519:${'f'.repeat(32)}` });
    p.nonce = c.nonce;
    await p.client.submit(signCommand(c, [p.signer])).catch(() => undefined);
  }
  const tree = async (t: Record<Role, P>) => {
    const payableId = await stack.confirmPayable(t.core.partyId, t.supplier.partyId, '100.00');
    const voucherId = newVoucherId();
    const issued = await t.core.client.command('voucher.issue', t.core.partyId, { voucherId, holder: t.supplier.partyId, amount: '100.00', maturityDate: addMonthsShanghai(3), backing: [{ payableId, amount: '100.00' }] }, [t.core.signer]);
    await t.supplier.client.command('voucher.accept', t.supplier.partyId, { voucherId }, [t.supplier.signer]);
    await t.supplier.client.command('financing.request', t.supplier.partyId, { voucherId, funder: t.funder.partyId, productId: 'P1', maxAnnualRate: '0.05', maxFees: '1.00' }, [t.supplier.signer]);
    await t.funder.client.command('creditLine.set', t.funder.partyId, { issuer: t.core.partyId, limit: '1000.00', termDays: 180 }, [t.funder.signer]);
    return { voucherId, opId: issued.opId };
  };
  ({ voucherId: v1, opId: v1IssueOp } = await tree(own));
  ({ voucherId: v2, opId: v2IssueOp } = await tree(other));
  // An operation of the operator's own: a registration it signed.
  const reg = await own.operator.client.command('party.register', own.operator.partyId, payloadOf('party.register', own.operator.partyId), [own.operator.signer]);
  operatorOp = reg.opId;
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

describe('authorization matrix', () => {
  it('covers exactly the route table', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(gatewayRoutes).sort());
  });

  const ops = Object.keys(gatewayRoutes) as OperationId[];
  for (const op of ops) {
    it(`${op}: ${operations[op].method} ${operations[op].path}`, async () => {
      const outcomes: string[] = [];
      const wanted: string[] = [];
      for (const caller of callers) {
        for (const tenancy of ['own', 'other'] as Tenancy[]) {
          const allow = (expected[op][tenancy] as Caller[]).includes(caller);
          const req = requestFor(op, caller, tenancy);
          const headers: Record<string, string> = {};
          if (req.token) headers.authorization = `Bearer ${req.token}`;
          if (req.body !== undefined) headers['content-type'] = 'application/json';
          if (req.method !== 'GET' && op !== 'login') headers['idempotency-key'] = newNonce();
          const res = await fetch(`${stack.gateways[0]!.url}${req.path}`, { method: req.method, headers, body: req.body === undefined ? undefined : JSON.stringify(req.body) });
          const text = await res.text();
          let allowed: boolean;
          if (req.command) {
            const decided = await stack.ledgerGet(req.command.actor, `/v1/results/${req.command.actor}/${req.command.nonce}`);
            allowed = decided.status === 200;
            if (!allowed) expect([401, 403], `${caller}/${tenancy}: ${text}`).toContain(res.status);
          } else {
            allowed = res.status === 200 || res.status === 201;
            if (!allowed) expect([401, 403, 404], `${caller}/${tenancy}: ${text}`).toContain(res.status);
          }
          outcomes.push(`${caller}/${tenancy}: ${allowed ? 'allow' : 'deny'}${allowed === allow ? '' : ` (${res.status} ${text.slice(0, 160)})`}`);
          wanted.push(`${caller}/${tenancy}: ${allow ? 'allow' : 'deny'}`);
        }
      }
      expect(outcomes).toEqual(wanted);
    });
  }
});
