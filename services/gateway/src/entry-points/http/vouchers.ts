/** Vouchers: every command of their life (DESIGN §2), and reads filtered by what the caller may see. */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { CursorSchema, PageLimitSchema, PartyIdSchema, UuidSchema, VoucherHistorySchema, VoucherPageSchema, VoucherSchema, VoucherStatusSchema, VoucherTreeSchema } from '@cascade/sdk/contract';
import { queryString, tradingRoles, type RouteDefinition, type RouteTable } from '../../route-table.ts';
import { commandRoute, ok, params } from './common.ts';

const tags = ['vouchers'];
const readers = [...tradingRoles, 'regulator'] as const;
const p = (request: FastifyRequest) => request.params as Record<string, string>;
const forward = (path: (request: FastifyRequest) => string): RouteDefinition['answer'] => ({ kind: 'forward', service: 'ledger', path });

export const voucherRoutes = {
  issueVoucher: commandRoute('voucher.issue', 'Issue a voucher to a supplier against confirmed payables', tags, ['core']),
  acceptVoucher: commandRoute('voucher.accept', 'Accept an offered voucher', tags, tradingRoles, ['voucherId']),
  rejectVoucher: commandRoute('voucher.reject', 'Reject an offered voucher; its value returns to the sender', tags, tradingRoles, ['voucherId']),
  cancelVoucher: commandRoute('voucher.cancel', 'Cancel an issue not yet accepted', tags, ['core'], ['voucherId']),
  transferVoucher: commandRoute('voucher.transfer', 'Transfer or split an active voucher', tags, tradingRoles, ['voucherId']),
  revokeTransfer: commandRoute('voucher.revoke', 'Take back a transfer not yet accepted', tags, tradingRoles, ['voucherId']),
  requestFinancing: commandRoute('financing.request', "Ask a funder to finance a voucher under one of its products", tags, tradingRoles, ['voucherId']),
  withdrawFinancing: commandRoute('financing.withdraw', 'Withdraw an open financing request', tags, tradingRoles, ['voucherId']),
  approveFinancing: commandRoute('financing.approve', 'Approve a financing request (the voucher moves to the funder)', tags, ['funder'], ['voucherId']),
  rejectFinancing: commandRoute('financing.reject', 'Reject a financing request', tags, ['funder'], ['voucherId']),
  settleVoucher: commandRoute('voucher.settle', 'Settle a tree at or after maturity against a payment', tags, ['core'], ['rootId']),
  freezeVoucher: commandRoute('voucher.freeze', 'Freeze a voucher and its subtree', tags, ['regulator'], ['voucherId']),
  unfreezeVoucher: commandRoute('voucher.unfreeze', 'Lift a freeze order', tags, ['regulator'], ['voucherId']),
  expireAcceptance: commandRoute('voucher.expireAcceptance', 'End an offer whose acceptance period is over', tags, ['operator'], ['voucherId']),
  markOverdue: commandRoute('voucher.markOverdue', 'Mark the unpaid leaves of a matured tree overdue', tags, ['operator'], ['rootId']),

  listVouchers: {
    summary: "List the caller's vouchers (the regulator: anyone's), filtered, one page at a time",
    tags,
    access: { auth: 'token', roles: readers, scope: { in: 'querystring', name: 'party', seesAll: ['regulator'] } },
    schema: {
      querystring: Type.Object(
        {
          party: Type.Optional(PartyIdSchema),
          role: Type.Optional(Type.Union([Type.Literal('holder'), Type.Literal('issuer'), Type.Literal('any')], { default: 'any' })),
          status: Type.Optional(VoucherStatusSchema),
          rootId: Type.Optional(UuidSchema),
          maturityBefore: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })),
          after: Type.Optional(CursorSchema),
          limit: Type.Optional(PageLimitSchema),
        },
        { additionalProperties: false },
      ),
      response: ok(VoucherPageSchema),
    },
    answer: forward((request) => `/v1/vouchers${queryString(request.query)}`),
  },
  getVoucher: { summary: 'One voucher, as the caller may see it', tags, access: { auth: 'token', roles: readers }, schema: { params: params('voucherId'), response: ok(VoucherSchema) }, answer: forward((r) => `/v1/vouchers/${p(r).voucherId}`) },
  getVoucherTree: { summary: "The visible nodes of a voucher's tree", tags, access: { auth: 'token', roles: readers }, schema: { params: params('voucherId'), response: ok(VoucherTreeSchema) }, answer: forward((r) => `/v1/vouchers/${p(r).voucherId}/tree`) },
  getVoucherHistory: { summary: 'The operations that touched a voucher', tags, access: { auth: 'token', roles: readers }, schema: { params: params('voucherId'), response: ok(VoucherHistorySchema) }, answer: forward((r) => `/v1/vouchers/${p(r).voucherId}/history`) },
} satisfies Partial<RouteTable>;
