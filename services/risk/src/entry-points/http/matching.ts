/** Which products fit a voucher, cheapest first: asked by its holder (or the regulator). */
import type { FastifyInstance } from 'fastify';
import type { Pool } from '@cascade/db';
import type { RiskContext } from '../../application/context.ts';
import { matchVoucher } from '../../application/products.ts';
import { callerFrom } from './caller.ts';
import { riskRouteSchemas as s } from './schemas.ts';

export function matchingRoutes(app: FastifyInstance, pool: Pool, ctx: RiskContext): void {
  app.get<{ Params: { voucherId: string }; Querystring: { maxAnnualRate?: string; maxFees?: string } }>(
    '/v1/vouchers/:voucherId/products',
    { schema: s.matchProducts },
    async (request) => {
      const caller = await callerFrom(pool, request);
      return matchVoucher(pool, ctx, request.params.voucherId, caller.partyId, caller.isRegulator, { maxAnnualRate: request.query.maxAnnualRate, maxFees: request.query.maxFees });
    },
  );
}
