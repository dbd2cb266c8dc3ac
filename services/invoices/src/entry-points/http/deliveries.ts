/** Deliveries and receipts (物流) under a contract: record one, read one, list the caller's. */
import type { FastifyInstance } from 'fastify';
import type { DeliveryInput } from '../../domain/index.ts';
import { deliveryFor, listScope, lists, recordDelivery } from '../../application/records.ts';
import type { InvoicesDeps } from '../../application/deps.ts';
import { asCaller, found } from './problems.ts';
import { invoicesRouteSchemas as s, nextOf } from './route-schemas.ts';

export function deliveryRoutes(app: FastifyInstance, deps: InvoicesDeps): void {
  app.post<{ Body: DeliveryInput }>(
    '/v1/deliveries',
    { schema: { summary: 'Record a delivery (and its receipt) under a contract the caller is party to', ...s.recordDelivery } },
    async (request, reply) => reply.status(201).send(await asCaller(request, (caller) => recordDelivery(deps, caller, request.body))),
  );

  app.get<{ Params: { id: string } }>('/v1/deliveries/:id', { schema: s.getDelivery }, async (request) =>
    asCaller(request, async (caller) => found(await deliveryFor(deps, caller, request.params.id), 'delivery', request.params.id, caller)),
  );

  app.get<{ Querystring: { after?: string; limit?: number; contractId?: string } }>('/v1/deliveries', { schema: s.listDeliveries }, async (request) =>
    asCaller(request, async (caller) => {
      const limit = request.query.limit ?? 50;
      const items = await lists.deliveries(deps.pool, { party: await listScope(deps, caller), after: request.query.after ?? null, limit, contractId: request.query.contractId });
      return { items, next: nextOf(items, limit, (d) => d.deliveryId) };
    }),
  );
}
