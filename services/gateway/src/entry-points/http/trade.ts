/**
 * Credit lines, and payables as the ledger recorded them from the invoices service's signed facts
 * (with what is left to issue on each) — `GET /v1/recorded-payables`. The payables as confirmed,
 * with their invoices and four-flow score, are the invoices service's `/v1/payables` (trade-records.ts).
 */
import { Type } from 'typebox';
import { CreditLinePageSchema, CursorSchema, PageLimitSchema, PartyIdSchema, PayablePageSchema } from '@cascade/sdk/contract';
import { queryString, type RouteTable } from '../../route-table.ts';
import { commandRoute, ok } from './common.ts';

export const tradeRoutes = {
  setCreditLine: commandRoute('creditLine.set', 'Grant or change a credit line to an issuer', ['credit lines'], ['funder']),
  listCreditLines: {
    summary: 'Credit lines the caller grants or draws on (the regulator: anyone)',
    tags: ['credit lines'],
    access: { auth: 'token', roles: ['core', 'funder', 'regulator'], scope: { in: 'querystring', name: 'party', seesAll: ['regulator'] } },
    schema: {
      querystring: Type.Object({ party: Type.Optional(PartyIdSchema), after: Type.Optional(CursorSchema), limit: Type.Optional(PageLimitSchema) }, { additionalProperties: false }),
      response: ok(CreditLinePageSchema),
    },
    answer: { kind: 'forward', service: 'ledger', path: (request) => `/v1/credit-lines${queryString(request.query)}` },
  },
  listRecordedPayables: {
    summary: 'Payables the ledger recorded (what vouchers can be issued on, and what is left of each) that the caller owes or is owed (the regulator: anyone)',
    tags: ['payables'],
    access: { auth: 'token', roles: ['core', 'supplier', 'funder', 'regulator'], scope: { in: 'querystring', name: 'party', seesAll: ['regulator'] } },
    schema: {
      querystring: Type.Object(
        { party: Type.Optional(PartyIdSchema), role: Type.Optional(Type.Union([Type.Literal('debtor'), Type.Literal('creditor'), Type.Literal('any')])), after: Type.Optional(CursorSchema), limit: Type.Optional(PageLimitSchema) },
        { additionalProperties: false },
      ),
      response: ok(PayablePageSchema),
    },
    answer: { kind: 'forward', service: 'ledger', path: (request) => `/v1/payables${queryString(request.query)}` },
  },
} satisfies Partial<RouteTable>;
