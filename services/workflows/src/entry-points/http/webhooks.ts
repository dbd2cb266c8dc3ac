/**
 * Webhook endpoints and their deliveries, for the gateway to publish: a party registers the URLs
 * it wants events sent to (the secret that signs them is shown once), lists and deletes them,
 * lists its deliveries (the dead ones especially) and replays one. The operator and the regulator
 * may read every party's deliveries and the schedule of actions.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Problem, commonProblems, defineProblems } from '@cascade/errors';
import { callerOf } from '@cascade/service';
import { encryptSecret, newEndpointId, newSecret, type WorkflowsDeps } from '../../application/workflows.ts';
import * as store from '../../data-access/store.ts';
import { endpointUrlProblem } from '../../domain/webhooks.ts';

export const workflowsProblems = defineProblems({
  endpointUrlRefused: { title: 'The webhook URL is not one the platform calls', status: 422 },
  tooManyEndpoints: { title: 'The party has as many webhook endpoints as allowed', status: 409 },
  partyUnknown: { title: 'The caller is not a party the ledger registered', status: 403 },
});

const pageSizeMax = 200;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const endpointSchema = { type: 'object', required: ['id', 'url', 'createdAt'], additionalProperties: false, properties: { id: { type: 'string' }, url: { type: 'string' }, createdAt: { type: 'string' } } } as const;
const deliverySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'endpointId', 'partyId', 'eventId', 'eventType', 'state', 'attempts', 'nextAttemptAt', 'lastStatus', 'lastError', 'deliveredAt', 'createdAt'],
  properties: {
    id: { type: 'string' },
    endpointId: { type: 'string' },
    partyId: { type: 'string' },
    eventId: { type: 'string' },
    eventType: { type: 'string' },
    state: { enum: ['pending', 'enqueued', 'delivering', 'delivered', 'dead'] },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'string' },
    lastStatus: { type: ['integer', 'null'] },
    lastError: { type: ['string', 'null'] },
    deliveredAt: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
} as const;
const actionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind', 'dueAt', 'state', 'attempts', 'outcome'],
  properties: { id: { type: 'string' }, kind: { type: 'string' }, dueAt: { type: 'string' }, state: { type: 'string' }, attempts: { type: 'integer' }, outcome: { type: ['string', 'null'] } },
} as const;

const registerBody = { type: 'object', required: ['url'], additionalProperties: false, properties: { url: { type: 'string', minLength: 1, maxLength: 2_000 } } } as const;
const registered = { type: 'object', required: ['id', 'url', 'secret', 'createdAt'], additionalProperties: false, properties: { id: { type: 'string' }, url: { type: 'string' }, secret: { type: 'string' }, createdAt: { type: 'string' } } } as const;
const deliveriesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { state: { enum: ['pending', 'enqueued', 'delivering', 'delivered', 'dead'] }, after: { type: 'string', maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: pageSizeMax, default: 50 } },
} as const;
const scheduleQuery = { type: 'object', additionalProperties: false, properties: { state: { enum: ['pending', 'enqueued', 'done', 'cancelled', 'failed'] }, limit: { type: 'integer', minimum: 1, maximum: pageSizeMax, default: 50 } } } as const;
const idAnswer = (extra: Record<string, object>) => ({ type: 'object', required: ['id', ...Object.keys(extra)], additionalProperties: false, properties: { id: { type: 'string' }, ...extra } }) as const;

/** Route by route: the service declares its routes with these, and the gateway publishes them. */
export const workflowsRouteSchemas = {
  registerWebhook: { body: registerBody, response: { 201: registered } },
  listWebhooks: { response: { 200: { type: 'object', required: ['endpoints'], properties: { endpoints: { type: 'array', items: endpointSchema } } } } },
  deleteWebhook: { params: idParams, response: { 200: idAnswer({ deleted: { type: 'boolean' } }) } },
  listWebhookDeliveries: { querystring: deliveriesQuery, response: { 200: { type: 'object', required: ['deliveries'], properties: { deliveries: { type: 'array', items: deliverySchema } } } } },
  replayWebhookDelivery: { params: idParams, response: { 200: idAnswer({ state: { type: 'string' } }) } },
  listSchedule: { querystring: scheduleQuery, response: { 200: { type: 'object', required: ['actions'], properties: { actions: { type: 'array', items: actionSchema } } } } },
} as const;
const s = workflowsRouteSchemas;

/** The calling party and its roles as the ledger registered them; a party it never registered is refused. */
export async function rolesOfCaller(deps: Pick<WorkflowsDeps, 'pool'>, request: FastifyRequest): Promise<{ partyId: string; roles: string[]; seesAll: boolean; operator: boolean }> {
  const partyId = callerOf(request);
  const roles = await store.rolesOf(deps.pool, partyId);
  if (!roles) throw new Problem(workflowsProblems.partyUnknown, `party ${partyId} is not registered on the ledger`);
  return { partyId, roles, seesAll: roles.includes('regulator') || roles.includes('operator'), operator: roles.includes('operator') };
}

export function webhookRoutes(app: FastifyInstance, deps: WorkflowsDeps, allow: { http: boolean; privateHosts: boolean }): void {
  app.post<{ Body: { url: string } }>(
    '/v1/webhooks',
    { schema: s.registerWebhook },
    async (request, reply) => {
      const { partyId } = await rolesOfCaller(deps, request);
      const problem = endpointUrlProblem(request.body.url, allow);
      if (problem) throw new Problem(workflowsProblems.endpointUrlRefused, problem);
      if ((await store.endpointsOf(deps.pool, [partyId])).length >= store.endpointsPerPartyMax) {
        throw new Problem(workflowsProblems.tooManyEndpoints, `at most ${store.endpointsPerPartyMax} endpoints per party`);
      }
      const secret = newSecret();
      const endpoint = { id: newEndpointId(), partyId, url: request.body.url, secretEnc: encryptSecret(deps.secretsKey, secret), createdAt: deps.clock() };
      await store.createEndpoint(deps.pool, endpoint);
      return reply.status(201).send({ id: endpoint.id, url: endpoint.url, secret, createdAt: endpoint.createdAt.toISOString() });
    },
  );

  app.get('/v1/webhooks', { schema: s.listWebhooks }, async (request) => {
    const { partyId } = await rolesOfCaller(deps, request);
    const endpoints = await store.endpointsOf(deps.pool, [partyId]);
    return { endpoints: endpoints.map((e) => ({ id: e.id, url: e.url, createdAt: e.createdAt.toISOString() })) };
  });

  app.delete<{ Params: { id: string } }>('/v1/webhooks/:id', { schema: s.deleteWebhook }, async (request) => {
    const { partyId } = await rolesOfCaller(deps, request);
    if (!(await store.deleteEndpoint(deps.pool, request.params.id, partyId, deps.clock()))) throw new Problem(commonProblems.notFound, `no endpoint ${request.params.id} of ${partyId}`);
    return { id: request.params.id, deleted: true };
  });

  app.get<{ Querystring: { state?: string; after?: string; limit?: number } }>(
    '/v1/webhooks/deliveries',
    { schema: s.listWebhookDeliveries },
    async (request) => {
      const caller = await rolesOfCaller(deps, request);
      const rows = await store.listDeliveries(deps.pool, { partyId: caller.seesAll ? null : caller.partyId, state: request.query.state, after: request.query.after, limit: request.query.limit ?? 50 });
      return {
        deliveries: rows.map((d) => ({
          id: d.id,
          endpointId: d.endpointId,
          partyId: d.partyId,
          eventId: d.eventId,
          eventType: d.eventType,
          state: d.state,
          attempts: d.attempts,
          nextAttemptAt: d.nextAttemptAt.toISOString(),
          lastStatus: d.lastStatus,
          lastError: d.lastError,
          deliveredAt: d.deliveredAt?.toISOString() ?? null,
          createdAt: d.createdAt.toISOString(),
        })),
      };
    },
  );

  app.post<{ Params: { id: string } }>('/v1/webhooks/deliveries/:id/replay', { schema: s.replayWebhookDelivery }, async (request) => {
    const caller = await rolesOfCaller(deps, request);
    // The regulator reads everything but changes nothing: only the party and the operator replay.
    if (!(await store.replayDelivery(deps.pool, request.params.id, caller.operator ? null : caller.partyId, deps.clock()))) {
      throw new Problem(commonProblems.notFound, `no undelivered delivery ${request.params.id} for ${caller.partyId}`);
    }
    return { id: request.params.id, state: 'pending' };
  });

  app.get<{ Querystring: { state?: string; limit?: number } }>(
    '/v1/schedule',
    { schema: s.listSchedule },
    async (request) => {
      const caller = await rolesOfCaller(deps, request);
      if (!caller.seesAll) throw new Problem(commonProblems.forbidden, 'the schedule is the operator\'s and the regulator\'s to read');
      const rows = await store.listActions(deps.pool, { state: request.query.state, limit: request.query.limit ?? 50 });
      return { actions: rows.map((a) => ({ id: a.id, kind: a.kind, dueAt: a.dueAt.toISOString(), state: a.state, attempts: a.attempts, outcome: a.outcome })) };
    },
  );
}
