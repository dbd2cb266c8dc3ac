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
 * holds a result for its nonce, whatever it decided); a request forwarded to the invoices or risk
 * service is answered 200 or 201 by it (a bulk import: with its row accepted). "Denied" means 401,
 * 403 or 404, and for a command, no result at the ledger: it never reached Kafka. A write naming a
 * contract of another tenant is refused by the invoices service as `contractUnknown` (422: what
 * the caller may not see is unknown to it), and an imported row of another tenant's is refused in
 * the import's report: both count as denied.
 *
 * The invoices and risk services run as processes too, so that what the gateway lets through is
 * checked against what they enforce: their tenancy (party to a record, holder of a voucher,
 * addressee of an alert) is the "other tenant" half of each row. A list without a party parameter
 * answers only what the caller may see: its "other" request is the same list.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateKeyPair } from '@cascade/crypto';
import { newNonce, newVoucherId, operations, pathOf, signCommand, type Command, type CommandPayloads, type CommandType, type OperationId, type Role } from '@cascade/sdk/client';
import { gatewayRoutes } from '../src/index.ts';
import { eventually } from '@cascade/testing';
import { addMonthsShanghai, daysAgoShanghai, documentHashOf, newInvoiceIdentity, recordTrade, signerOf, Stack, type TestParty } from './stack.ts';
import type { CascadeClient, ProductTerms } from '@cascade/sdk/client';

type Caller = Role | 'anonymous';
type Tenancy = 'own' | 'other';
const callers: Caller[] = ['operator', 'core', 'supplier', 'funder', 'regulator', 'anonymous'];
type P = TestParty & { client: CascadeClient; token: string; spareTokens: string[]; nonce: string; webhookToDelete: string; deliveryId: string };

let stack: Stack;
const own = {} as Record<Role, P>;
const other = {} as Record<Role, P>;
let v1: string, v2: string, v1IssueOp: string, v2IssueOp: string, operatorOp: string;

/** What each tenant has at the invoices and risk services, made in beforeAll. */
interface TenantRecords {
  /** Trade between the tenant's core (buyer) and supplier (seller)… */
  main: { contractId: string; invoiceId: string; deliveryId: string; paymentId: string };
  /** …and trade the funder is party to (it sells to the core), for the funder's own reads. */
  funders: { contractId: string; invoiceId: string; deliveryId: string; paymentId: string };
  payableId: string;
  /** An active voucher held by the supplier (what products are matched to). */
  activeVoucher: string;
  assessmentId: string;
  alertId: string;
  /** A product of the funder's, for the matrix to withdraw. */
  productId: string;
  /** The funder's pain.001 file disbursing a financing to the supplier. */
  paymentFileId: string;
}
const records = {} as Record<Tenancy, TenantRecords>;

const all: Caller[] = ['operator', 'core', 'supplier', 'funder', 'regulator'];
const trading: Caller[] = ['core', 'supplier', 'funder'];
const rule = (ownAllowed: Caller[], otherAllowed: Caller[] = []) => ({ own: ownAllowed, other: otherAllowed });

/** Who is allowed, for the caller's own tenant and for another's. Commands: only ever one's own. */
const expected: Record<OperationId, { own: Caller[]; other: Caller[] }> = {
  getChain: rule([...all, 'anonymous'], [...all, 'anonymous']),
  login: rule(all),
  issueToken: rule(['operator'], ['operator']),
  listTokens: rule(all, ['operator']),
  revokeToken: rule(all, ['operator']),
  registerParty: rule(['operator']),
  listParties: rule(['operator', 'regulator'], ['operator', 'regulator']),
  getParty: rule(all, all),
  searchDirectory: rule(all, all),
  addKey: rule(all),
  revokeKey: rule(all),
  changePolicy: rule(['operator']),
  setCreditLine: rule(['funder']),
  listCreditLines: rule(['core', 'funder', 'regulator'], ['regulator']),
  listRecordedPayables: rule(['core', 'supplier', 'funder', 'regulator'], ['regulator']),
  // Trade records: the trading roles record what they are party to; they and the regulator read.
  recordContract: rule(trading),
  listContracts: rule([...trading, 'regulator'], [...trading, 'regulator']),
  getContract: rule([...trading, 'regulator'], ['regulator']),
  registerInvoice: rule(trading),
  listInvoices: rule([...trading, 'regulator'], [...trading, 'regulator']),
  getInvoice: rule([...trading, 'regulator'], ['regulator']),
  importInvoices: rule(trading),
  recordDelivery: rule(trading),
  listDeliveries: rule([...trading, 'regulator'], [...trading, 'regulator']),
  getDelivery: rule([...trading, 'regulator'], ['regulator']),
  recordPayment: rule(trading),
  listPayments: rule([...trading, 'regulator'], [...trading, 'regulator']),
  getPayment: rule([...trading, 'regulator'], ['regulator']),
  confirmPayable: rule(['core']),
  listPayables: rule([...trading, 'regulator'], [...trading, 'regulator']),
  // A payable is between a core enterprise and its supplier: the funder is party to none.
  getPayable: rule(['core', 'supplier', 'regulator'], ['regulator']),
  // Risk.
  ingestEnterpriseRecords: rule(['operator', 'regulator'], ['operator', 'regulator']),
  importEnterpriseRecords: rule(['operator', 'regulator'], ['operator', 'regulator']),
  getEnterpriseScore: rule(all, ['operator', 'regulator']),
  getEnterpriseRecords: rule(all, ['operator', 'regulator']),
  listRiskParkedEvents: rule(['operator', 'regulator'], ['operator', 'regulator']),
  publishProduct: rule(['funder'], ['funder']),
  withdrawProduct: rule(['funder']),
  listProducts: rule(['funder', 'regulator'], ['regulator']),
  // Only the holder (the supplier here) or the regulator may match a voucher to products.
  matchProducts: rule(['supplier', 'regulator'], ['regulator']),
  listAssessments: rule(['funder', 'regulator'], ['funder', 'regulator']),
  getAssessment: rule(['funder', 'regulator'], ['regulator']),
  rerunAssessment: rule(['funder', 'regulator'], ['regulator']),
  listAlerts: rule(['funder', 'regulator'], ['funder', 'regulator']),
  acknowledgeAlert: rule(['funder']),
  // Webhooks: every party its own endpoints and deliveries (a registration names no tenant, so its
  // "other" request is the same one); the operator replays anyone's deliveries (the regulator only reads);
  // nobody deletes another's endpoint; the schedule is theirs to read.
  registerWebhook: rule(all, all),
  listWebhooks: rule(all, all),
  deleteWebhook: rule(all),
  listWebhookDeliveries: rule(all, all),
  replayWebhookDelivery: rule(all, ['operator']),
  listSchedule: rule(['operator', 'regulator'], ['operator', 'regulator']),
  // A financing's registry record: its holder (the supplier) and the funder it names; the operator and the regulator any.
  getFinancingRegistry: rule(['supplier', 'funder', 'operator', 'regulator'], ['operator', 'regulator']),
  // Payment files: an enterprise registers its own account (the request names no tenant); the
  // operator and the regulator read anyone's account and every file; a file is its debtor's (the
  // funder's disbursement here); a notification is imported against one's own entries (it names
  // no tenant: another's entries are unknown to it), the operator's against all.
  registerBankAccount: rule(trading, trading),
  getBankAccount: rule(all, ['operator', 'regulator']),
  listPaymentFiles: rule(all, all),
  getPaymentFile: rule(['funder', 'operator', 'regulator'], ['operator', 'regulator']),
  importPaymentNotification: rule([...trading, 'operator'], [...trading, 'operator']),
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
  // No party parameter: each caller's stream carries only what concerns it.
  streamEvents: rule(all, all),
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
  /** A body sent as it is (a file), with its content type, instead of JSON. */
  raw?: { body: string; contentType: string };
  /** For a command: whose nonce to look for at the ledger. */
  command?: { actor: string; nonce: string };
}

const tradingCaller = (c: Caller): c is 'core' | 'supplier' | 'funder' => c === 'core' || c === 'supplier' || c === 'funder';
/** A trade record's parties: the caller's party and its counterparty in the tenant (a supplier sells to the core; others buy from the supplier). */
function between(who: P, t: Record<Role, P>): { buyer: string; seller: string } {
  return who.roles.includes('supplier') ? { buyer: t.core.partyId, seller: who.partyId } : { buyer: who.partyId, seller: t.supplier.partyId };
}
const bankCsvHeader = 'booking_date,account,credit_debit,amount,currency,end_to_end_id,bank_reference,counterparty_account,counterparty_name,remittance,reversal';
/** A settlement account in the shape the workflows service takes (a domestic number and a CNAPS bank code). */
const bankAccountOf = (name: string) => ({ account: { number: `6222${String(randomInt(1e12)).padStart(12, '0')}` }, agent: { bankCode: '102100099996' }, accountName: `matrix ${name}` });
const invoiceCsvHeader = 'code,number,seller,buyer,amountExclTax,tax,total,issuedOn,documentHash,contractId';
const tag = () => newNonce().slice(0, 8);

const partyOf = (caller: Role, tenancy: Tenancy) => (tenancy === 'own' ? own : other)[caller];
const anonymousKey = signerOf(generateKeyPair('ed25519').privateKey);
/** Nothing listens on port 9 here: deliveries to it fail and wait, replayable. */
const unreachableHook = 'http://127.0.0.1:9/hooks';

/** The request each caller makes on each route for its own tenant or another's. */
function requestFor(op: OperationId, caller: Caller, tenancy: Tenancy): Request {
  const spec = operations[op];
  const me = caller === 'anonymous' ? null : own[caller];
  const subject = caller === 'anonymous' ? own.supplier : partyOf(caller, tenancy);
  const token = me?.token ?? null;
  const get = (params: Record<string, string> = {}, query = ''): Request => ({ method: 'GET', path: pathOf(spec.path, params) + query, token });
  // Who the trade records of this request are about: the caller's party in the tenant asked for
  // (another tenant's: the caller is party to none of it).
  const actorIn = (t: Tenancy): P => (tradingCaller(caller) ? partyOf(caller, t) : (t === 'own' ? own : other).core);
  const tenant = tenancy === 'own' ? own : other;
  const rec = records[tenancy];
  const ids = caller === 'funder' ? rec.funders : rec.main;
  const post = (path: string, body: unknown, method = 'POST'): Request => ({ method, path, token, body });
  switch (op) {
    case 'searchDirectory':
      return get({}, `?q=${encodeURIComponent(subject.partyId.slice(0, 6))}`);
    case 'issueToken':
      // A token for the tenant's enterprise (one for the regulator or an operator is refused
      // whoever asks, tokenNotForEnterprise: issue-token.test.ts).
      return post(spec.path, { partyId: tenant.supplier.partyId, label: 'matrix' });
    case 'confirmPayable': {
      // As for a ledger command: the subject's command, signed by the subject.
      const command = { type: 'payable.confirm', chain: stack.dev.genesis.chainId, actor: subject.partyId, nonce: newNonce(), createdAt: new Date().toISOString(), payload: { payableId: `AP-${tag()}`, payee: (tenancy === 'own' ? own : other).supplier.partyId, amount: '1.00', dueDate: addMonthsShanghai(3), invoices: [{ invoiceId: rec.main.invoiceId, amount: '1.00' }] } };
      return post(spec.path, signCommand(command as never, [subject.signer]));
    }
    case 'recordContract':
      return post(spec.path, { contractNumber: `C-${tag()}`, ...between(actorIn(tenancy), tenant), amount: '10.00', signedOn: daysAgoShanghai(3), validUntil: null, documentHash: documentHashOf(tag()), lines: [{ item: 'bolts', quantity: '1', unit: 'box' }] });
    case 'registerInvoice':
      return post(spec.path, { ...newInvoiceIdentity(), ...between(actorIn(tenancy), tenant), amountExclTax: '8.85', tax: '1.15', total: '10.00', issuedOn: daysAgoShanghai(2), documentHash: documentHashOf(tag()), contractId: null });
    case 'importInvoices': {
      const { buyer, seller } = between(actorIn(tenancy), tenant);
      const id = newInvoiceIdentity();
      const csv = `${invoiceCsvHeader}
${[id.code, id.number, seller, buyer, '8.85', '1.15', '10.00', daysAgoShanghai(2), documentHashOf(tag()), ''].join(',')}
`;
      return { method: 'POST', path: `${spec.path}?format=csv&mode=valid-rows`, token, raw: { body: csv, contentType: 'text/csv' } };
    }
    case 'recordDelivery': {
      const contractId = (tradingCaller(caller) && caller === 'funder' ? rec.funders : rec.main).contractId;
      return post(spec.path, { contractId, deliveryNumber: `D-${tag()}`, shippedOn: daysAgoShanghai(5), receivedOn: null, receiver: null, lines: [{ item: 'M8 fasteners', quantity: '1', unit: 'box' }] });
    }
    case 'recordPayment': {
      const { buyer, seller } = between(actorIn(tenancy), tenant);
      return post(spec.path, { payer: buyer, payee: seller, amount: '1.00', paidOn: daysAgoShanghai(1), bankReference: `BR-${tag()}`, invoiceId: null });
    }
    case 'listContracts':
    case 'listInvoices':
    case 'listDeliveries':
    case 'listPayments':
    case 'listPayables':
    case 'listRiskParkedEvents':
    case 'listAssessments':
    case 'listAlerts':
      return get();
    case 'getContract':
      return get({ contractId: ids.contractId });
    case 'getInvoice':
      return get({ invoiceId: ids.invoiceId });
    case 'getDelivery':
      return get({ deliveryId: ids.deliveryId });
    case 'getPayment':
      return get({ paymentId: ids.paymentId });
    case 'getPayable':
      return get({ payableId: rec.payableId });
    case 'ingestEnterpriseRecords':
      return post(spec.path, { records: [registrationOf(own.core.partyId)] });
    case 'importEnterpriseRecords': {
      const r = registrationOf(own.core.partyId);
      const columns = Object.keys(r).filter((k) => k !== 'kind');
      return post(spec.path, { kind: 'registration', format: 'csv', content: `${columns.join(',')}
${columns.map((k) => String(r[k])).join(',')}
` });
    }
    case 'getEnterpriseScore':
    case 'getEnterpriseRecords':
      return get({ enterprise: (me && tenancy === 'own' ? me : subject).partyId });
    case 'publishProduct':
      return post(pathOf(spec.path, { productId: `P-${tag()}` }), productTerms, 'PUT');
    case 'withdrawProduct':
      return { method: 'DELETE', path: pathOf(spec.path, { productId: rec.productId }), token };
    case 'listProducts':
      return get({}, tenancy === 'own' ? '' : `?funder=${other.funder.partyId}`);
    case 'matchProducts':
      return get({ voucherId: rec.activeVoucher });
    case 'getAssessment':
      return get({ assessmentId: rec.assessmentId });
    case 'rerunAssessment':
      return { method: 'POST', path: pathOf(spec.path, { assessmentId: rec.assessmentId }), token };
    case 'acknowledgeAlert':
      return post(pathOf(spec.path, { alertId: rec.alertId }), { note: 'matrix' });
    case 'registerWebhook':
      return post(spec.path, { url: `${unreachableHook}/${caller}-${tenancy}` });
    case 'listWebhooks':
    case 'listWebhookDeliveries':
    case 'listSchedule':
      return get();
    case 'deleteWebhook':
      return { method: 'DELETE', path: pathOf(spec.path, { webhookId: subject.webhookToDelete }), token };
    case 'replayWebhookDelivery':
      return post(pathOf(spec.path, { deliveryId: subject.deliveryId }), {});
    case 'getFinancingRegistry':
      return get({ voucherId: tenancy === 'own' ? v1 : v2 });
    case 'registerBankAccount':
      return post(spec.path, bankAccountOf(`${caller}-${tenancy}`), 'PUT');
    case 'getBankAccount':
      // Trading parties have accounts; for the operator and the regulator, the tenant's supplier's.
      return get({ partyId: (tradingCaller(caller) ? partyOf(caller, tenancy) : tenant.supplier).partyId });
    case 'listPaymentFiles':
      return get();
    case 'getPaymentFile':
      return get({ fileId: rec.paymentFileId });
    case 'importPaymentNotification':
      return { method: 'POST', path: spec.path, token, raw: { body: `${bankCsvHeader}\n2026-06-30,6222020000000001,CRDT,1.00,CNY,S-matrix-${tag()},BR-${tag()},,,,false\n`, contentType: 'text/csv' } };
    default:
      break;
  }
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
    case 'listRecordedPayables':
    case 'listVouchers':
      return get({}, tenancy === 'own' ? '' : `?party=${subject.partyId}`);
    case 'revokeToken':
      return { method: 'DELETE', path: pathOf(spec.path, { tokenId: parseTokenId(subject.spareTokens.pop()!) }), token };
    case 'listParties':
    case 'listBlocks':
    case 'streamEvents':
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

const productTerms: ProductTerms = { name: 'matrix product', eligibleGrades: ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'], eligibleIssuers: null, amountMin: '1.00', amountMax: '1000000.00', tenorDaysMin: 1, tenorDaysMax: 366, annualRate: '0.04', fees: '0.00', dailyLimit: '1000000.00' };

function registrationOf(enterprise: string): Record<string, string> {
  return { kind: 'registration', enterprise, source: 'matrix-feed', observedAt: new Date(Date.now() - 60_000).toISOString(), foundedOn: '2010-05-01', registeredCapital: '5000000.00', industryCode: 'C3670', legalRepresentative: `rep ${enterprise}`, address: `address of ${enterprise}`, status: 'active' };
}

beforeAll(async () => {
  stack = await Stack.start({ services: true });
  const g = await stack.gateway();
  const make = async (role: Role): Promise<P> => {
    if (role === 'operator' && !own.operator) {
      const client = await stack.operatorClient(g);
      return { ...stack.operator, client, token: (client as unknown as { token: string }).token, spareTokens: [], nonce: '', webhookToDelete: '', deliveryId: '' };
    }
    const party = await stack.register([role]);
    return { ...party, token: (party.client as unknown as { token: string }).token, spareTokens: [], nonce: '', webhookToDelete: '', deliveryId: '' };
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
    // Two endpoints: one the matrix deletes; events to them fail and wait (a key added makes one).
    await eventually(() => p.client.listWebhooks().catch(() => undefined), 30_000, `${p.partyId} known to the workflows service`);
    await p.client.registerWebhook(`${unreachableHook}/${p.partyId}`);
    p.webhookToDelete = (await p.client.registerWebhook(`${unreachableHook}/${p.partyId}/delete-me`)).id;
    if (p.roles.some((r) => r === 'core' || r === 'supplier' || r === 'funder')) await p.client.registerBankAccount(bankAccountOf(p.partyId));
    const extra = generateKeyPair('ed25519').privateKey;
    await p.client.command('key.add', p.partyId, { key: { keyId: extra.keyId, alg: 'ed25519', publicKey: exportPublicKey(extra, 'hex') } }, [p.signer]);
  }
  for (const p of [...Object.values(own), ...Object.values(other)]) {
    const mine = await eventually(async () => (await p.client.listWebhookDeliveries()).deliveries.find((d) => d.partyId === p.partyId && d.eventType === 'KeyAdded'), 60_000, `a delivery to ${p.partyId}`);
    p.deliveryId = mine!.id;
  }
  const tree = async (t: Record<Role, P>) => {
    const payableId = await stack.confirmPayable(t.core.partyId, t.supplier.partyId, '200.00');
    const voucherId = newVoucherId();
    const issued = await t.core.client.command('voucher.issue', t.core.partyId, { voucherId, holder: t.supplier.partyId, amount: '100.00', maturityDate: addMonthsShanghai(3), backing: [{ payableId, amount: '100.00' }] }, [t.core.signer]);
    await t.supplier.client.command('voucher.accept', t.supplier.partyId, { voucherId }, [t.supplier.signer]);
    await t.supplier.client.command('financing.request', t.supplier.partyId, { voucherId, funder: t.funder.partyId, productId: 'P1', maxAnnualRate: '0.05', maxFees: '1.00' }, [t.supplier.signer]);
    await t.funder.client.command('creditLine.set', t.funder.partyId, { issuer: t.core.partyId, limit: '1000.00', termDays: 180 }, [t.funder.signer]);
    const activeVoucher = newVoucherId();
    await t.core.client.command('voucher.issue', t.core.partyId, { voucherId: activeVoucher, holder: t.supplier.partyId, amount: '100.00', maturityDate: addMonthsShanghai(3), backing: [{ payableId, amount: '100.00' }] }, [t.core.signer]);
    await t.supplier.client.command('voucher.accept', t.supplier.partyId, { voucherId: activeVoucher }, [t.supplier.signer]);
    // A financing approved: the funder's disbursement to the supplier becomes a payment file.
    const financed = newVoucherId();
    const financedPayable = await stack.confirmPayable(t.core.partyId, t.supplier.partyId, '100.00');
    await t.core.client.command('voucher.issue', t.core.partyId, { voucherId: financed, holder: t.supplier.partyId, amount: '100.00', maturityDate: addMonthsShanghai(3), backing: [{ payableId: financedPayable, amount: '100.00' }] }, [t.core.signer]);
    await t.supplier.client.command('voucher.accept', t.supplier.partyId, { voucherId: financed }, [t.supplier.signer]);
    await t.supplier.client.command('financing.request', t.supplier.partyId, { voucherId: financed, funder: t.funder.partyId, productId: 'P1', maxAnnualRate: '0.05', maxFees: '1.00' }, [t.supplier.signer]);
    await t.funder.client.command('financing.approve', t.funder.partyId, { voucherId: financed, annualRate: '0.03', fees: '0.00' }, [t.funder.signer]);
    return { voucherId, opId: issued.opId, activeVoucher };
  };
  const trees = { own: await tree(own), other: await tree(other) };
  ({ voucherId: v1, opId: v1IssueOp } = trees.own);
  ({ voucherId: v2, opId: v2IssueOp } = trees.other);

  // Trade, a confirmed payable, an assessment, an alert and a product in each tenant.
  const regulator = own.regulator.client;
  for (const tenancy of ['own', 'other'] as Tenancy[]) {
    const t = tenancy === 'own' ? own : other;
    const main = await recordTrade(t.supplier, t.core, '1000.00');
    const funders = await recordTrade(t.funder, t.core, '10.00');
    const mainPayment = await t.core.client.recordPayment({ payer: t.core.partyId, payee: t.supplier.partyId, amount: '5.00', paidOn: daysAgoShanghai(1), bankReference: `BR-${tag()}`, invoiceId: null });
    const funderPayment = await t.core.client.recordPayment({ payer: t.core.partyId, payee: t.funder.partyId, amount: '5.00', paidOn: daysAgoShanghai(1), bankReference: `BR-${tag()}`, invoiceId: null });
    const payable = await t.core.client.confirmPayable(t.core.partyId, { payableId: `AP-${tag()}`, payee: t.supplier.partyId, amount: '100.00', dueDate: addMonthsShanghai(3), invoices: [{ invoiceId: main.invoice.invoiceId, amount: '100.00' }] }, [t.core.signer]);
    const product = await t.funder.client.publishProduct(`WD-${tag()}`, productTerms);
    await own.operator.client.ingestEnterpriseRecords([{ kind: 'judicial', enterprise: t.core.partyId, source: 'matrix-feed', observedAt: new Date(Date.now() - 60_000).toISOString(), caseId: `case-${tag()}`, filedOn: daysAgoShanghai(1), role: 'defendant', amount: '100000.00', status: 'open', cause: 'matrix' }]);
    const voucherId = trees[tenancy].voucherId;
    const assessment = await eventually(async () => (await regulator.listAssessments({ voucherId })).items[0], 60_000, `the assessment of ${voucherId}`);
    const alert = await eventually(async () => (await regulator.listAlerts({ subject: t.core.partyId })).items.find((a) => a.funder === t.funder.partyId), 60_000, `an alert to ${t.funder.partyId}`);
    await eventually(async () => regulator.matchProducts(trees[tenancy].activeVoucher).catch(() => undefined), 60_000, 'the risk service sees the active voucher');
    const paymentFile = await eventually(async () => (await t.funder.client.listPaymentFiles()).files[0], 60_000, `the payment file of ${t.funder.partyId}`);
    // Through the gateway and the SDK, the file is its XML: the funder pays the supplier its net proceeds.
    expect(await t.funder.client.getPaymentFile(paymentFile!.id)).toContain(`<InstdAmt Ccy="CNY">${paymentFile!.entries[0]!.amount}</InstdAmt>`);
    records[tenancy] = {
      main: { contractId: main.contract.contractId, invoiceId: main.invoice.invoiceId, deliveryId: main.delivery.deliveryId, paymentId: mainPayment.paymentId },
      funders: { contractId: funders.contract.contractId, invoiceId: funders.invoice.invoiceId, deliveryId: funders.delivery.deliveryId, paymentId: funderPayment.paymentId },
      payableId: payable.payableId,
      activeVoucher: trees[tenancy].activeVoucher,
      assessmentId: assessment!.assessmentId,
      alertId: alert!.alertId,
      productId: product.productId,
      paymentFileId: paymentFile!.id,
    };
  }
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
          if (req.raw) headers['content-type'] = req.raw.contentType;
          if (req.method !== 'GET' && op !== 'login') headers['idempotency-key'] = newNonce();
          const res = await fetch(`${stack.gateways[0]!.url}${req.path}`, { method: req.method, headers, body: req.raw ? req.raw.body : req.body === undefined ? undefined : JSON.stringify(req.body) });
          // A live event stream never ends by itself: once it answers 200, the test hangs up.
          const text = op === 'streamEvents' && res.status === 200 ? (await res.body?.cancel(), '') : await res.text();
          let allowed: boolean;
          if (req.command) {
            const decided = await stack.ledgerGet(req.command.actor, `/v1/results/${req.command.actor}/${req.command.nonce}`);
            allowed = decided.status === 200;
            if (!allowed) expect([401, 403], `${caller}/${tenancy}: ${text}`).toContain(res.status);
          } else if (op === 'importInvoices' && res.status === 200) {
            // The route let it through; the row counts only if the service accepted it.
            const summary = JSON.parse(text) as { accepted: number; refusals: { code: string }[] };
            allowed = summary.accepted === 1;
            if (!allowed) expect(summary.refusals.map((r) => r.code), `${caller}/${tenancy}: ${text}`).toEqual(['callerNotParty']);
          } else if (res.status === 422) {
            allowed = false;
            expect(JSON.parse(text).code, `${caller}/${tenancy}: ${text}`).toBe('contractUnknown');
          } else {
            allowed = res.status === 200 || res.status === 201;
            if (!allowed) expect([401, 403, 404], `${caller}/${tenancy}: ${text}`).toContain(res.status);
            // A payment file passes through as the service's XML document, not JSON.
            if (allowed && op === 'getPaymentFile') expect([res.headers.get('content-type'), text.includes('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09')]).toEqual([expect.stringMatching(/^application\/xml/), true]);
          }
          outcomes.push(`${caller}/${tenancy}: ${allowed ? 'allow' : 'deny'}${allowed === allow ? '' : ` (${res.status} ${text.slice(0, 160)})`}`);
          wanted.push(`${caller}/${tenancy}: ${allow ? 'allow' : 'deny'}`);
        }
      }
      expect(outcomes).toEqual(wanted);
    });
  }
});
