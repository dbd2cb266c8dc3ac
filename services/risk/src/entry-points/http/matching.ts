/** Which products fit a voucher, cheapest first: asked by its holder (or the regulator). */
import type { FastifyInstance } from 'fastify';
import type { Pool } from '@cascade/db';
import type { RiskContext } from '../../application/context.ts';
import { matchVoucher } from '../../application/products.ts';
import { callerFrom } from './caller.ts';
import { amount, cost, rate, uuid } from './schemas.ts';

const reasonList = { type: 'array', items: { type: 'object', required: ['code', 'text'], properties: { code: { type: 'string' }, text: { type: 'string' } } } } as const;

export function matchingRoutes(app: FastifyInstance, pool: Pool, ctx: RiskContext): void {
  app.get<{ Params: { voucherId: string }; Querystring: { maxAnnualRate?: string; maxFees?: string } }>(
    '/v1/vouchers/:voucherId/products',
    {
      schema: {
        params: { type: 'object', required: ['voucherId'], properties: { voucherId: uuid } },
        querystring: { type: 'object', additionalProperties: false, properties: { maxAnnualRate: rate, maxFees: amount } },
        response: {
          200: {
            type: 'object',
            required: ['voucherId', 'asOf', 'issuerGrade', 'eligible', 'ineligible'],
            properties: {
              voucherId: { type: 'string' },
              asOf: { type: 'string' },
              issuerGrade: { type: 'string' },
              eligible: { type: 'array', items: { type: 'object', required: ['funder', 'productId', 'name', 'version', 'cost'], properties: { funder: { type: 'string' }, productId: { type: 'string' }, name: { type: 'string' }, version: { type: 'integer' }, cost } } },
              ineligible: { type: 'array', items: { type: 'object', required: ['funder', 'productId', 'name', 'reasons'], properties: { funder: { type: 'string' }, productId: { type: 'string' }, name: { type: 'string' }, reasons: reasonList } } },
            },
          },
        },
      },
    },
    async (request) => {
      const caller = await callerFrom(pool, request);
      return matchVoucher(pool, ctx, request.params.voucherId, caller.partyId, caller.isRegulator, { maxAnnualRate: request.query.maxAnnualRate, maxFees: request.query.maxFees });
    },
  );
}
