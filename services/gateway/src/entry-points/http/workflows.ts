/**
 * Webhooks and the schedule, answered by the workflows service (docs/workflows.md). Every schema
 * is the service's own (`workflowsRouteSchemas`).
 *
 * Access mirrors what the service enforces: any registered party registers, lists and deletes its
 * own endpoints and reads and replays its own deliveries (the operator and the regulator read anyone's
 * deliveries; the operator replays anyone's); the schedule of time-driven actions is the operator's and the regulator's to read.
 * A voucher's financing registry record (中登网) is read by the holder and the funder named in the
 * request (the service answers 404 to any other trading party) and by the operator and the regulator.
 */
import type { FastifyRequest } from 'fastify';
import { registryRouteSchemas, workflowsRouteSchemas as s } from '@cascade/workflows';
import { allRoles, queryString, type RouteTable } from '../../route-table.ts';
import { forwardRoute, fromService } from './common.ts';

const param = (request: FastifyRequest, name: string) => encodeURIComponent((request.params as Record<string, string>)[name]!);
const access = { auth: 'token', roles: allRoles } as const;

export const workflowRoutes = {
  registerWebhook: forwardRoute({ service: 'workflows', path: () => '/v1/webhooks', summary: 'Register a URL the caller’s events are delivered to, signed with HMAC-SHA256; the secret is shown once', tags: ['webhooks'], access, schema: fromService(s.registerWebhook) }),
  listWebhooks: forwardRoute({ service: 'workflows', path: () => '/v1/webhooks', summary: 'The caller’s webhook endpoints (no secrets)', tags: ['webhooks'], access, schema: fromService(s.listWebhooks) }),
  deleteWebhook: forwardRoute({ service: 'workflows', path: (r) => `/v1/webhooks/${param(r, 'webhookId')}`, summary: 'Delete one of the caller’s endpoints; what it has not been sent is not sent', tags: ['webhooks'], access, schema: fromService(s.deleteWebhook, { from: 'id', to: 'webhookId' }) }),
  listWebhookDeliveries: forwardRoute({ service: 'workflows', path: (r) => `/v1/webhooks/deliveries${queryString(r.query)}`, summary: 'Deliveries of the caller’s events, ?state=dead for those that gave up (the operator and the regulator: all)', tags: ['webhooks'], access, schema: fromService(s.listWebhookDeliveries) }),
  replayWebhookDelivery: forwardRoute({ service: 'workflows', path: (r) => `/v1/webhooks/deliveries/${param(r, 'deliveryId')}/replay`, summary: 'Send an undelivered or dead delivery again', tags: ['webhooks'], access, schema: fromService(s.replayWebhookDelivery, { from: 'id', to: 'deliveryId' }) }),
  listSchedule: forwardRoute({ service: 'workflows', path: (r) => `/v1/schedule${queryString(r.query)}`, summary: 'Time-driven actions (acceptance expiry, maturity reminders, overdue marks) and their outcomes', tags: ['webhooks'], access: { auth: 'token', roles: ['operator', 'regulator'] }, schema: fromService(s.listSchedule) }),
  getFinancingRegistry: forwardRoute({ service: 'workflows', path: (r) => `/v1/financings/${param(r, 'voucherId')}/registry`, summary: 'The voucher’s latest financing and its registry (中登网) record: the search and its hits in force, the registration, the release', tags: ['financing'], access, schema: fromService(registryRouteSchemas.getFinancingRegistry) }),
} satisfies Partial<RouteTable>;
