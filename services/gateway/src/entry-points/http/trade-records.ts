/**
 * The trade behind the vouchers (四流合一, DESIGN §3), answered by the invoices service: contracts,
 * invoices (one at a time, or a file streamed through), deliveries, payments, and payables — which
 * the core enterprise confirms with a signed `payable.confirm` the invoices service decides. Every
 * schema is the invoices service's own (`invoicesRouteSchemas`).
 *
 * Access mirrors the service: a party records only what it is party to (buyer, seller, payer,
 * payee — the service checks it against the caller the gateway names); the trading roles record,
 * and the regulator reads everything too; the operator, which onboards parties, has no trade.
 * Only a core enterprise confirms a payable, as its debtor.
 */
import type { FastifyRequest } from 'fastify';
import { invoicesRouteSchemas as s } from '@cascade/invoices';
import { queryString, tradingRoles, type RouteTable } from '../../route-table.ts';
import { forwardRoute, fromService } from './common.ts';

const recorders = tradingRoles;
const readers = [...tradingRoles, 'regulator'] as const;
const param = (request: FastifyRequest, name: string) => encodeURIComponent((request.params as Record<string, string>)[name]!);
const q = (request: FastifyRequest) => queryString(request.query);
const token = 'token' as const;

export const tradeRecordRoutes = {
  recordContract: forwardRoute({ service: 'invoices', path: () => '/v1/contracts', summary: 'Record a contract (商流) between the caller and its counterparty', tags: ['contracts'], access: { auth: token, roles: recorders }, schema: fromService(s.recordContract) }),
  listContracts: forwardRoute({ service: 'invoices', path: (r) => `/v1/contracts${q(r)}`, summary: 'Contracts the caller is party to (the regulator: all)', tags: ['contracts'], access: { auth: token, roles: readers }, schema: fromService(s.listContracts) }),
  getContract: forwardRoute({ service: 'invoices', path: (r) => `/v1/contracts/${param(r, 'contractId')}`, summary: 'One contract the caller is party to', tags: ['contracts'], access: { auth: token, roles: readers }, schema: fromService(s.getContract, { from: 'id', to: 'contractId' }) }),

  registerInvoice: forwardRoute({ service: 'invoices', path: () => '/v1/invoices', summary: 'Register an invoice (信息流) the caller issued or received; the same code and number anywhere on the platform is refused', tags: ['invoices'], access: { auth: token, roles: recorders }, schema: fromService(s.registerInvoice) }),
  listInvoices: forwardRoute({ service: 'invoices', path: (r) => `/v1/invoices${q(r)}`, summary: 'Invoices the caller is party to, with their usage (一票一融) and tax verification (查验) status; filter by verification', tags: ['invoices'], access: { auth: token, roles: readers }, schema: fromService(s.listInvoices) }),
  getInvoice: forwardRoute({ service: 'invoices', path: (r) => `/v1/invoices/${param(r, 'invoiceId')}`, summary: 'One invoice with its usage and verification result', tags: ['invoices'], access: { auth: token, roles: readers }, schema: fromService(s.getInvoice, { from: 'id', to: 'invoiceId' }) }),
  importInvoices: forwardRoute({
    service: 'invoices',
    path: (r) => `/v1/invoice-imports${q(r)}`,
    summary: 'Import invoices from a CSV (text/csv) or JSON (application/json, one array) file in the body, streamed through to the invoices service; answers a summary with the refused rows. The Idempotency-Key covers the content type, length and Content-Digest, not the bytes',
    tags: ['invoices'],
    access: { auth: token, roles: recorders },
    schema: fromService(s.importInvoices),
  }),

  recordDelivery: forwardRoute({ service: 'invoices', path: () => '/v1/deliveries', summary: 'Record a delivery and its receipt (物流) under a contract the caller is party to', tags: ['deliveries'], access: { auth: token, roles: recorders }, schema: fromService(s.recordDelivery) }),
  listDeliveries: forwardRoute({ service: 'invoices', path: (r) => `/v1/deliveries${q(r)}`, summary: 'Deliveries under contracts the caller is party to', tags: ['deliveries'], access: { auth: token, roles: readers }, schema: fromService(s.listDeliveries) }),
  getDelivery: forwardRoute({ service: 'invoices', path: (r) => `/v1/deliveries/${param(r, 'deliveryId')}`, summary: 'One delivery', tags: ['deliveries'], access: { auth: token, roles: readers }, schema: fromService(s.getDelivery, { from: 'id', to: 'deliveryId' }) }),

  recordPayment: forwardRoute({ service: 'invoices', path: () => '/v1/payments', summary: 'Record a payment (资金流) the caller made or received', tags: ['payments'], access: { auth: token, roles: recorders }, schema: fromService(s.recordPayment) }),
  listPayments: forwardRoute({ service: 'invoices', path: (r) => `/v1/payments${q(r)}`, summary: 'Payments the caller made or received', tags: ['payments'], access: { auth: token, roles: readers }, schema: fromService(s.listPayments) }),
  getPayment: forwardRoute({ service: 'invoices', path: (r) => `/v1/payments/${param(r, 'paymentId')}`, summary: 'One payment record', tags: ['payments'], access: { auth: token, roles: readers }, schema: fromService(s.getPayment, { from: 'id', to: 'paymentId' }) }),

  confirmPayable: forwardRoute({
    service: 'invoices',
    path: () => '/v1/payables',
    summary: 'Confirm a payable against invoices the caller owes (signed `payable.confirm`, decided by the invoices service, which publishes the signed fact the ledger records); the same command again answers 200 with replayed: true',
    tags: ['payables'],
    access: { auth: token, roles: ['core'] },
    schema: fromService(s.confirmPayable),
    signedCommand: { type: 'payable.confirm' },
  }),
  listPayables: forwardRoute({ service: 'invoices', path: (r) => `/v1/payables${q(r)}`, summary: 'Payables the caller confirmed or is owed, with their four-flow score (四流合一), usage and status (confirmed → recorded by the ledger, or refused)', tags: ['payables'], access: { auth: token, roles: readers }, schema: fromService(s.listPayables) }),
  getPayable: forwardRoute({ service: 'invoices', path: (r) => `/v1/payables/${param(r, 'payableId')}`, summary: 'One payable with its invoices, four-flow score and reasons, and usage', tags: ['payables'], access: { auth: token, roles: readers }, schema: fromService(s.getPayable, { from: 'id', to: 'payableId' }) }),
} satisfies Partial<RouteTable>;
