/** Alerts: a funder lists and acknowledges those addressed to it; the regulator lists all. */
import type { FastifyInstance } from 'fastify';
import { withTransaction, type Pool } from '@cascade/db';
import { acknowledge } from '../../application/alerts.ts';
import type { RiskContext } from '../../application/context.ts';
import { alertById, alertsOf } from '../../data-access/alerts.ts';
import { callerFrom, requireFunder } from './caller.ts';
import { alert, pageLimit, partyId, uuid } from './schemas.ts';

export function alertRoutes(app: FastifyInstance, pool: Pool, ctx: RiskContext): void {
  app.get<{ Querystring: { open?: boolean; subject?: string; before?: string; limit?: number } }>(
    '/v1/alerts',
    {
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: { open: { type: 'boolean' }, subject: partyId, before: uuid, limit: pageLimit } },
        response: { 200: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: alert }, next: { type: ['string', 'null'] } } } },
      },
    },
    async (request) => {
      const caller = await callerFrom(pool, request);
      if (!caller.isRegulator) requireFunder(caller);
      const limit = request.query.limit ?? 50;
      const items = await alertsOf(pool, { funder: caller.isRegulator ? null : caller.partyId, subject: request.query.subject ?? null, open: request.query.open ?? null, before: request.query.before ?? null, limit });
      return { items, next: items.length === limit ? items.at(-1)!.alertId : null };
    },
  );

  app.post<{ Params: { alertId: string }; Body: { note?: string } }>(
    '/v1/alerts/:alertId/acknowledge',
    {
      schema: {
        params: { type: 'object', required: ['alertId'], properties: { alertId: uuid } },
        body: { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 500 } } },
        response: { 200: alert },
      },
    },
    async (request) => {
      const caller = await callerFrom(pool, request);
      await withTransaction(pool, (c) => acknowledge(c, ctx, request.params.alertId, caller.partyId, request.body?.note ?? ''));
      return (await alertById(pool, request.params.alertId))!;
    },
  );
}
