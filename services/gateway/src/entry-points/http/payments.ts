/**
 * Settlement bank accounts, payment files and bank notifications, answered by the workflows
 * service (docs/workflows.md, "Payment files"). Every schema is the service's own
 * (`paymentsRouteSchemas`).
 *
 * Access mirrors what the service enforces: an enterprise (core, supplier, funder) registers its
 * own account; a party reads its own account, the operator and the regulator anyone's; a paying
 * party lists and fetches its own files (the operator and the regulator: all); an enterprise
 * imports its bank's notification against its own entries, the operator against any.
 */
import type { FastifyRequest } from 'fastify';
import { paymentsRouteSchemas as s } from '@cascade/workflows';
import { allRoles, queryString, tradingRoles, type RouteTable } from '../../route-table.ts';
import { forwardRoute, fromService } from './common.ts';

const param = (request: FastifyRequest, name: string) => encodeURIComponent((request.params as Record<string, string>)[name]!);
/** A camt.054 the service reads whole: at most its 32 MiB. */
const notificationBytesMax = 32 * 1024 * 1024;

export const paymentRoutes = {
  registerBankAccount: forwardRoute({ service: 'workflows', path: () => '/v1/bank-accounts/me', summary: 'Register or replace the caller’s settlement bank account (account number or IBAN; CNAPS bank code or BIC; account name)', tags: ['payments'], access: { auth: 'token', roles: tradingRoles }, schema: fromService(s.registerBankAccount) }),
  getBankAccount: forwardRoute({
    service: 'workflows',
    path: (r) => `/v1/bank-accounts/${param(r, 'partyId')}`,
    summary: 'A party’s registered settlement account: the caller’s own (the operator and the regulator: anyone’s)',
    tags: ['payments'],
    access: { auth: 'token', roles: allRoles, scope: { in: 'params', name: 'partyId', seesAll: ['operator', 'regulator'] } },
    schema: fromService(s.getBankAccount),
  }),
  listPaymentFiles: forwardRoute({ service: 'workflows', path: (r) => `/v1/payment-files${queryString(r.query)}`, summary: 'The caller’s pain.001 payment files with their entries, and the entries it pays or is paid that wait for a bank account (the operator and the regulator: all)', tags: ['payments'], access: { auth: 'token', roles: allRoles }, schema: fromService(s.listPaymentFiles) }),
  getPaymentFile: forwardRoute({ service: 'workflows', path: (r) => `/v1/payment-files/${param(r, 'fileId')}`, summary: 'One payment file’s pain.001.001.09 XML (application/xml), byte for byte as written', tags: ['payments'], access: { auth: 'token', roles: allRoles }, schema: fromService(s.getPaymentFile, { from: 'id', to: 'fileId' }) }),
  importPaymentNotification: forwardRoute({
    service: 'workflows',
    path: () => '/v1/payment-notifications',
    summary: 'Import a bank notification — camt.054.001.08 (application/xml) or the bank CSV (text/csv) — streamed through; answers what it paid, partly paid and left unmatched, with reasons. The same file again answers the same report',
    tags: ['payments'],
    access: { auth: 'token', roles: [...tradingRoles, 'operator'] },
    bodyLimitBytes: notificationBytesMax,
    schema: fromService(s.importPaymentNotification),
  }),
} satisfies Partial<RouteTable>;
