/** Contracts (商流): record one, read one, list the caller's. */
import type { FastifyInstance } from 'fastify';
import type { ContractInput } from '../../domain/index.ts';
import { contractFor, listScope, lists, recordContract } from '../../application/records.ts';
import type { InvoicesDeps } from '../../application/deps.ts';
import { asCaller, found } from './problems.ts';
import { invoicesRouteSchemas as s, nextOf } from './route-schemas.ts';

export function contractRoutes(app: FastifyInstance, deps: InvoicesDeps): void {
  app.post<{ Body: ContractInput }>(
    '/v1/contracts',
    { schema: { summary: 'Record a contract between the caller and its counterparty', ...s.recordContract } },
    async (request, reply) => reply.status(201).send(await asCaller(request, (caller) => recordContract(deps, caller, request.body))),
  );

  app.get<{ Params: { id: string } }>('/v1/contracts/:id', { schema: s.getContract }, async (request) =>
    asCaller(request, async (caller) => found(await contractFor(deps, caller, request.params.id), 'contract', request.params.id, caller)),
  );

  app.get<{ Querystring: { after?: string; limit?: number } }>('/v1/contracts', { schema: s.listContracts }, async (request) =>
    asCaller(request, async (caller) => {
      const limit = request.query.limit ?? 50;
      const items = await lists.contracts(deps.pool, { party: await listScope(deps, caller), after: request.query.after ?? null, limit });
      return { items, next: nextOf(items, limit, (c) => c.contractId) };
    }),
  );
}
