/** Products: a funder publishes, revises and withdraws its own; a funder lists its own, the regulator all. */
import type { FastifyInstance } from 'fastify';
import { withTransaction, type Pool } from '@cascade/db';
import type { RiskContext } from '../../application/context.ts';
import { publishProduct, withdrawProduct } from '../../application/products.ts';
import type { ProductTerms } from '../../domain/products.ts';
import { productsOf } from '../../data-access/products.ts';
import { callerFrom, requireFunder } from './caller.ts';
import { riskRouteSchemas as s } from './schemas.ts';

export function productRoutes(app: FastifyInstance, pool: Pool, ctx: RiskContext): void {
  app.put<{ Params: { productId: string }; Body: ProductTerms }>('/v1/products/:productId', { schema: s.publishProduct }, async (request) => {
    const caller = await callerFrom(pool, request);
    requireFunder(caller);
    return withTransaction(pool, (c) => publishProduct(c, ctx, caller.partyId, request.params.productId, { ...request.body, eligibleIssuers: request.body.eligibleIssuers ?? null }));
  });

  app.delete<{ Params: { productId: string } }>('/v1/products/:productId', { schema: s.withdrawProduct }, async (request) => {
    const caller = await callerFrom(pool, request);
    requireFunder(caller);
    return withTransaction(pool, (c) => withdrawProduct(c, ctx, caller.partyId, request.params.productId));
  });

  app.get<{ Querystring: { funder?: string; afterFunder?: string; afterProduct?: string; limit?: number } }>(
    '/v1/products',
    { schema: s.listProducts },
    async (request) => {
      const caller = await callerFrom(pool, request);
      if (!caller.isRegulator) requireFunder(caller);
      // A funder sees its own products; the regulator anyone's.
      const funder = caller.isRegulator ? (request.query.funder ?? null) : caller.partyId;
      const after = request.query.afterFunder && request.query.afterProduct ? { funder: request.query.afterFunder, productId: request.query.afterProduct } : null;
      return { items: await productsOf(pool, funder, request.query.limit ?? 50, after) };
    },
  );
}
