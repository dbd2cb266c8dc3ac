/** Payment records (资金流): record one, read one, list the caller's. */
import type { FastifyInstance } from 'fastify';
import type { PaymentInput } from '../../domain/index.ts';
import { listScope, lists, paymentFor, recordPayment } from '../../application/records.ts';
import type { InvoicesDeps } from '../../application/deps.ts';
import { asCaller, found } from './problems.ts';
import { invoicesRouteSchemas as s, nextOf } from './route-schemas.ts';

export function paymentRoutes(app: FastifyInstance, deps: InvoicesDeps): void {
  app.post<{ Body: PaymentInput }>(
    '/v1/payments',
    { schema: { summary: 'Record a payment the caller made or received', ...s.recordPayment } },
    async (request, reply) => reply.status(201).send(await asCaller(request, (caller) => recordPayment(deps, caller, request.body))),
  );

  app.get<{ Params: { id: string } }>('/v1/payments/:id', { schema: s.getPayment }, async (request) =>
    asCaller(request, async (caller) => found(await paymentFor(deps, caller, request.params.id), 'payment', request.params.id, caller)),
  );

  app.get<{ Querystring: { after?: string; limit?: number } }>('/v1/payments', { schema: s.listPayments }, async (request) =>
    asCaller(request, async (caller) => {
      const limit = request.query.limit ?? 50;
      const items = await lists.payments(deps.pool, { party: await listScope(deps, caller), after: request.query.after ?? null, limit });
      return { items, next: nextOf(items, limit, (p) => p.paymentId) };
    }),
  );
}
