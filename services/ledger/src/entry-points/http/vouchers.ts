/** Vouchers: one, a tree, a history, a party's list — each filtered by visibility. */
import type { FastifyInstance } from 'fastify';
import type { Pool } from '@cascade/db';
import { Problem, commonProblems } from '@cascade/errors';
import { historyOf, pageSizeMax, treeOf, voucherById, vouchersOfParty } from '../../data-access/reads.ts';
import { visibleTree } from '../../domain/visibility.ts';
import { listRoutes } from './lists.ts';
import { viewerOf } from './viewer.ts';

const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;

export function voucherRoutes(app: FastifyInstance, pool: Pool): void {
  // The filtered lists (lists.ts) are registered from here so app.ts stays as it is while the
  // ledger's core is reworked; they belong in registerLedgerRoutes beside the others.
  listRoutes(app, pool);
  const visible = async (viewerParty: Awaited<ReturnType<typeof viewerOf>>, voucherId: string) => {
    const v = await voucherById(pool, voucherId);
    // Absent and invisible look the same, so ids cannot be probed.
    const notFound = new Problem(commonProblems.notFound, `no voucher ${voucherId} visible to ${viewerParty.partyId}`);
    if (!v) throw notFound;
    const tree = visibleTree(await treeOf(pool, v.rootId), viewerParty);
    const mine = tree.find((x) => x.voucherId === voucherId);
    if (!mine) throw notFound;
    return { voucher: mine, tree };
  };

  app.get<{ Params: { id: string } }>('/v1/vouchers/:id', { schema: { params: idParams } }, async (request) => {
    const viewer = await viewerOf(pool, request);
    return (await visible(viewer, request.params.id)).voucher;
  });

  app.get<{ Params: { id: string } }>('/v1/vouchers/:id/tree', { schema: { params: idParams } }, async (request) => {
    const viewer = await viewerOf(pool, request);
    const { voucher, tree } = await visible(viewer, request.params.id);
    return { rootId: voucher.rootId, nodes: tree };
  });

  app.get<{ Params: { id: string } }>('/v1/vouchers/:id/history', { schema: { params: idParams } }, async (request) => {
    const viewer = await viewerOf(pool, request);
    const { tree } = await visible(viewer, request.params.id);
    // Name an operation's actor only where the visible tree names that party too.
    const named = new Set<string>([viewer.partyId]);
    for (const v of tree) for (const p of [v.holder, v.sender, v.issuer]) if (p !== null) named.add(p);
    const operations = (await historyOf(pool, request.params.id)).map((o) => (named.has(o.actor) ? o : { ...o, actor: null }));
    return { voucherId: request.params.id, operations };
  });

  app.get<{ Params: { partyId: string }; Querystring: { status?: string; after?: string; limit?: number } }>(
    '/v1/parties/:partyId/vouchers',
    {
      schema: {
        params: { type: 'object', required: ['partyId'], properties: { partyId: { type: 'string', maxLength: 64 } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { enum: ['pending_acceptance', 'active', 'consumed', 'pending_financing', 'financed', 'settled', 'overdue', 'frozen', 'rejected', 'revoked', 'cancelled'] },
            after: uuid,
            limit: { type: 'integer', minimum: 1, maximum: pageSizeMax, default: 50 },
          },
        },
      },
    },
    async (request) => {
      const viewer = await viewerOf(pool, request);
      if (!viewer.seesAll && viewer.partyId !== request.params.partyId) throw new Problem(commonProblems.forbidden, 'a party lists only its own vouchers');
      const limit = request.query.limit ?? 50;
      const items = await vouchersOfParty(pool, { partyId: request.params.partyId, status: request.query.status, after: request.query.after, limit });
      return { items, next: items.length === limit ? items.at(-1)!.voucherId : null };
    },
  );
}
