/**
 * Every operation of the public API (`/v1`), by operation id: its method and path, and for a
 * command route the command type it takes and which path parameter must equal which payload field.
 * The gateway builds its routes from this table (and the OpenAPI document from those routes); the
 * SDK calls these paths; a test checks the SDK's table against the served OpenAPI document. No
 * runtime imports: this module is part of the browser SDK.
 */
import type { AnyCommandType } from './commands.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface OperationSpec {
  method: HttpMethod;
  /** fastify style: `:name` for a path parameter. */
  path: string;
  /** For a command route: the command type its body must carry (a ledger command, or one a service decides: `payable.confirm`). */
  command?: AnyCommandType;
  /** The body is not JSON but a file streamed as it is read (`text/csv`, `application/json`). */
  stream?: true;
  /** Path parameter → the payload field (or `actor`) it must equal. */
  bind?: Readonly<Record<string, string>>;
}

const command = (path: string, type: AnyCommandType, bind?: Record<string, string>): OperationSpec => ({ method: 'POST', path, command: type, ...(bind ? { bind } : {}) });
const voucherCommand = (verb: string, type: AnyCommandType): OperationSpec => command(`/v1/vouchers/:voucherId/${verb}`, type, { voucherId: 'voucherId' });
const get = (path: string): OperationSpec => ({ method: 'GET', path });
const post = (path: string): OperationSpec => ({ method: 'POST', path });

export const operations = {
  // Public, no token: what a client needs before it can sign anything.
  getChain: get('/v1/chain'),
  // Sessions: a signed login gives a bearer token (or the operator issues one to a party); tokens are listed and revoked.
  login: { method: 'POST', path: '/v1/auth/login' },
  issueToken: post('/v1/tokens'),
  listTokens: get('/v1/tokens'),
  revokeToken: { method: 'DELETE', path: '/v1/tokens/:tokenId' },
  // Parties and their keys.
  registerParty: command('/v1/parties', 'party.register'),
  listParties: get('/v1/parties'),
  getParty: get('/v1/parties/:partyId'),
  searchDirectory: get('/v1/directory'),
  addKey: command('/v1/parties/:partyId/keys', 'key.add', { partyId: 'actor' }),
  revokeKey: command('/v1/parties/:partyId/keys/:keyId/revoke', 'key.revoke', { partyId: 'actor', keyId: 'keyId' }),
  changePolicy: command('/v1/policy', 'policy.change'),
  // Credit lines, and payables as the ledger recorded them (what issuance draws on).
  setCreditLine: command('/v1/credit-lines', 'creditLine.set'),
  listCreditLines: get('/v1/credit-lines'),
  listRecordedPayables: get('/v1/recorded-payables'),
  // Trade background (四流合一), answered by the invoices service: contracts, invoices, deliveries,
  // payments, and payables — confirmed by the core enterprise with a signed command.
  recordContract: post('/v1/contracts'),
  listContracts: get('/v1/contracts'),
  getContract: get('/v1/contracts/:contractId'),
  registerInvoice: post('/v1/invoices'),
  listInvoices: get('/v1/invoices'),
  getInvoice: get('/v1/invoices/:invoiceId'),
  importInvoices: { method: 'POST', path: '/v1/invoice-imports', stream: true },
  recordDelivery: post('/v1/deliveries'),
  listDeliveries: get('/v1/deliveries'),
  getDelivery: get('/v1/deliveries/:deliveryId'),
  recordPayment: post('/v1/payments'),
  listPayments: get('/v1/payments'),
  getPayment: get('/v1/payments/:paymentId'),
  confirmPayable: command('/v1/payables', 'payable.confirm'),
  listPayables: get('/v1/payables'),
  getPayable: get('/v1/payables/:payableId'),
  // Risk, answered by the risk service: enterprise data and scores, funders' products and the
  // products that fit a voucher, financing assessments, early-warning alerts.
  ingestEnterpriseRecords: post('/v1/enterprise-records'),
  importEnterpriseRecords: post('/v1/enterprise-records/import'),
  getEnterpriseScore: get('/v1/enterprises/:enterprise/score'),
  getEnterpriseRecords: get('/v1/enterprises/:enterprise/records'),
  listRiskParkedEvents: get('/v1/risk/parked-events'),
  publishProduct: { method: 'PUT', path: '/v1/products/:productId' },
  withdrawProduct: { method: 'DELETE', path: '/v1/products/:productId' },
  listProducts: get('/v1/products'),
  matchProducts: get('/v1/vouchers/:voucherId/products'),
  listAssessments: get('/v1/assessments'),
  getAssessment: get('/v1/assessments/:assessmentId'),
  rerunAssessment: post('/v1/assessments/:assessmentId/rerun'),
  listAlerts: get('/v1/alerts'),
  acknowledgeAlert: post('/v1/alerts/:alertId/acknowledge'),
  // Webhooks and the schedule, answered by the workflows service.
  registerWebhook: post('/v1/webhooks'),
  listWebhooks: get('/v1/webhooks'),
  deleteWebhook: { method: 'DELETE', path: '/v1/webhooks/:webhookId' },
  listWebhookDeliveries: get('/v1/webhooks/deliveries'),
  replayWebhookDelivery: post('/v1/webhooks/deliveries/:deliveryId/replay'),
  listSchedule: get('/v1/schedule'),
  getFinancingRegistry: get('/v1/financings/:voucherId/registry'),
  // Bank accounts, payment files (pain.001) and bank notifications (camt.054 / CSV), answered by the workflows service.
  registerBankAccount: { method: 'PUT', path: '/v1/bank-accounts/me' },
  getBankAccount: get('/v1/bank-accounts/:partyId'),
  listPaymentFiles: get('/v1/payment-files'),
  getPaymentFile: get('/v1/payment-files/:fileId'),
  importPaymentNotification: { method: 'POST', path: '/v1/payment-notifications', stream: true },
  // Voucher commands.
  issueVoucher: command('/v1/vouchers', 'voucher.issue'),
  acceptVoucher: voucherCommand('accept', 'voucher.accept'),
  rejectVoucher: voucherCommand('reject', 'voucher.reject'),
  cancelVoucher: voucherCommand('cancel', 'voucher.cancel'),
  transferVoucher: voucherCommand('transfer', 'voucher.transfer'),
  revokeTransfer: voucherCommand('revoke', 'voucher.revoke'),
  requestFinancing: voucherCommand('financing/request', 'financing.request'),
  withdrawFinancing: voucherCommand('financing/withdraw', 'financing.withdraw'),
  approveFinancing: voucherCommand('financing/approve', 'financing.approve'),
  rejectFinancing: voucherCommand('financing/reject', 'financing.reject'),
  settleVoucher: command('/v1/vouchers/:rootId/settle', 'voucher.settle', { rootId: 'rootId' }),
  freezeVoucher: voucherCommand('freeze', 'voucher.freeze'),
  unfreezeVoucher: voucherCommand('unfreeze', 'voucher.unfreeze'),
  expireAcceptance: voucherCommand('expire-acceptance', 'voucher.expireAcceptance'),
  markOverdue: command('/v1/vouchers/:rootId/mark-overdue', 'voucher.markOverdue', { rootId: 'rootId' }),
  // Voucher reads.
  listVouchers: get('/v1/vouchers'),
  getVoucher: get('/v1/vouchers/:voucherId'),
  getVoucherTree: get('/v1/vouchers/:voucherId/tree'),
  getVoucherHistory: get('/v1/vouchers/:voucherId/history'),
  getBalances: get('/v1/parties/:partyId/balances'),
  // The chain: blocks, proofs, and the outcome of a command (what a 202 points to).
  listBlocks: get('/v1/blocks'),
  getProof: get('/v1/operations/:opId/proof'),
  getCommandResult: get('/v1/commands/:actor/:nonce'),
  // Live events (server-sent events) of what concerns the caller.
  streamEvents: get('/v1/events'),
} as const satisfies Record<string, OperationSpec>;

export type OperationId = keyof typeof operations;

export const operationIds = Object.keys(operations) as OperationId[];

/** `/v1/vouchers/:voucherId/accept` with `{voucherId: 'x'}` → `/v1/vouchers/x/accept`. */
export function pathOf(path: string, params: Readonly<Record<string, string>>): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`path ${path} needs parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/** The operation id of the route a command type goes to. */
export const commandOperation: Readonly<Record<AnyCommandType, OperationId>> = Object.fromEntries(
  (Object.entries(operations) as [OperationId, OperationSpec][]).filter(([, o]) => o.command).map(([id, o]) => [o.command!, id]),
) as Record<AnyCommandType, OperationId>;
