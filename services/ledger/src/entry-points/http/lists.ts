/**
 * Lists with filters and cursor pagination: vouchers (as holder, as issuer, or either; by status,
 * tree and maturity), payables and credit lines. A party lists its own; the regulator anyone's.
 * Vouchers are shown as the tree view shows them (`visibleTree`): a holder does not see the
 * issuer's backing or payment references through a list either.
 */
import type { FastifyInstance } from 'fastify';
import type { Pool } from '@cascade/db';
import { Problem, commonProblems } from '@cascade/errors';
import { listCreditLines, listPayables, listVouchers, pageSizeMax, treeOf } from '../../data-access/reads.ts';
import { visibleTree } from '../../domain/visibility.ts';
import { viewerOf } from './viewer.ts';

const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
const partyId = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
const limit = { type: 'integer', minimum: 1, maximum: pageSizeMax, default: 50 } as const;
const statuses = ['pending_acceptance', 'active', 'consumed', 'pending_financing', 'financed', 'settled', 'overdue', 'frozen', 'rejected', 'revoked', 'cancelled'];

export function listRoutes(app: FastifyInstance, pool: Pool): void {
  /** The party a list is for: the caller's own unless the regulator names another. */
  const subjectOf = (viewer: { partyId: string; seesAll: boolean }, asked: string | undefined): string => {
    if (asked === undefined || asked === viewer.partyId) return viewer.partyId;
    if (!viewer.seesAll) throw new Problem(commonProblems.forbidden, `a party lists only its own; ${viewer.partyId} asked for ${asked}`);
    return asked;
  };

  app.get<{ Querystring: { party?: string; role?: 'holder' | 'issuer' | 'any'; status?: string; rootId?: string; maturityBefore?: string; after?: string; limit?: number } }>(
    '/v1/vouchers',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { party: partyId, role: { enum: ['holder', 'issuer', 'any'], default: 'any' }, status: { enum: statuses }, rootId: uuid, maturityBefore: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }, after: uuid, limit },
        },
      },
    },
    async (request) => {
      const viewer = await viewerOf(pool, request);
      const q = request.query;
      const subject = subjectOf(viewer, q.party);
      const size = q.limit ?? 50;
      const page = await listVouchers(pool, { partyId: subject, role: q.role ?? 'any', status: q.status, rootId: q.rootId, maturityBefore: q.maturityBefore, after: q.after, limit: size });
      // Each voucher as the viewer's tree view shows it; one tree read per tree on the page.
      const trees = new Map<string, Map<string, unknown>>();
      for (const rootId of new Set(page.map((v) => v.rootId))) trees.set(rootId, new Map(visibleTree(await treeOf(pool, rootId), viewer).map((v) => [v.voucherId, v])));
      const items = page.map((v) => trees.get(v.rootId)?.get(v.voucherId)).filter((v) => v !== undefined);
      return { items, next: page.length === size ? page.at(-1)!.voucherId : null };
    },
  );

  app.get<{ Querystring: { party?: string; role?: 'debtor' | 'creditor' | 'any'; after?: string; limit?: number } }>(
    '/v1/payables',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { party: partyId, role: { enum: ['debtor', 'creditor', 'any'], default: 'any' }, after: { type: 'string', maxLength: 128 }, limit } } } },
    async (request) => {
      const viewer = await viewerOf(pool, request);
      const subject = viewer.seesAll && request.query.party === undefined ? null : subjectOf(viewer, request.query.party);
      const size = request.query.limit ?? 50;
      const items = (await listPayables(pool, { partyId: subject, role: request.query.role ?? 'any', after: request.query.after, limit: size })) as { payableId: string }[];
      return { items, next: items.length === size ? items.at(-1)!.payableId : null };
    },
  );

  app.get<{ Querystring: { party?: string; after?: string; limit?: number } }>(
    '/v1/credit-lines',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { party: partyId, after: { type: 'string', maxLength: 130 }, limit } } } },
    async (request) => {
      const viewer = await viewerOf(pool, request);
      const subject = viewer.seesAll && request.query.party === undefined ? null : subjectOf(viewer, request.query.party);
      const size = request.query.limit ?? 50;
      const items = (await listCreditLines(pool, { partyId: subject, after: request.query.after, limit: size })) as { funder: string; issuer: string }[];
      return { items, next: items.length === size ? `${items.at(-1)!.funder}:${items.at(-1)!.issuer}` : null };
    },
  );
}
