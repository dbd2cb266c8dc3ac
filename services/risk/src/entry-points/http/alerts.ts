/** Alerts: a funder lists and acknowledges those addressed to it; the regulator lists all. */
import type { FastifyInstance } from 'fastify';
import { withTransaction, type Pool } from '@cascade/db';
import { acknowledge } from '../../application/alerts.ts';
import type { RiskContext } from '../../application/context.ts';
import { alertById, alertsOf } from '../../data-access/alerts.ts';
import { callerFrom, requireFunder } from './caller.ts';
import { riskRouteSchemas as s } from './schemas.ts';

export function alertRoutes(app: FastifyInstance, pool: Pool, ctx: RiskContext): void {
  app.get<{ Querystring: { open?: boolean; subject?: string; before?: string; limit?: number } }>(
    '/v1/alerts',
    { schema: s.listAlerts },
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
    { schema: s.acknowledgeAlert },
    async (request) => {
      const caller = await callerFrom(pool, request);
      await withTransaction(pool, (c) => acknowledge(c, ctx, request.params.alertId, caller.partyId, request.body?.note ?? ''));
      return (await alertById(pool, request.params.alertId))!;
    },
  );
}
