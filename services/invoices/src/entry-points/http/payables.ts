/**
 * Payables: the core enterprise's signed confirmation (DESIGN §6 body, `payable.confirm`), and
 * reads of what it confirmed or is owed, with the four-flow result it was confirmed with.
 */
import type { FastifyInstance } from 'fastify';
import { Problem, commonProblems } from '@cascade/errors';
import { confirmPayable, type SignedPayableCommand } from '../../application/payables.ts';
import { listScope, viewerOf } from '../../application/records.ts';
import type { InvoicesDeps } from '../../application/deps.ts';
import { listPayables, payableById } from '../../data-access/payables.ts';
import { sees } from '../../domain/index.ts';
import { asCaller, found } from './problems.ts';
import { invoicesRouteSchemas as s, nextOf } from './route-schemas.ts';

export function payableRoutes(app: FastifyInstance, deps: InvoicesDeps): void {
  app.post<{ Body: SignedPayableCommand }>(
    '/v1/payables',
    {
      schema: {
        summary: 'Confirm a payable with a command signed by the debtor (core enterprise); the same command again answers 200 with replayed: true',
        ...s.confirmPayable,
      },
    },
    async (request, reply) => {
      const result = await asCaller(request, (caller) => confirmPayable(deps, caller, request.body));
      return reply.status(result.replayed ? 200 : 201).send(result);
    },
  );

  app.get<{ Params: { id: string } }>('/v1/payables/:id', { schema: s.getPayable }, async (request) =>
    asCaller(request, async (caller) => {
      const [viewer, p] = await Promise.all([viewerOf(deps, caller), payableById(deps.pool, request.params.id)]);
      return { ...found(p && sees(viewer, p.debtor, p.creditor) ? p : undefined, 'payable', request.params.id, caller), replayed: false };
    }),
  );

  app.get<{ Querystring: { after?: string; limit?: number } }>('/v1/payables', { schema: s.listPayables }, async (request) =>
    asCaller(request, async (caller) => {
      const viewer = await viewerOf(deps, caller);
      if (!viewer) throw new Problem(commonProblems.forbidden, `${caller} is not registered on the ledger`);
      const limit = request.query.limit ?? 50;
      const items = (await listPayables(deps.pool, { party: await listScope(deps, caller), after: request.query.after ?? null, limit })).map((p) => ({ ...p, replayed: false }));
      return { items, next: nextOf(items, limit, (p) => p.payableId) };
    }),
  );
}
