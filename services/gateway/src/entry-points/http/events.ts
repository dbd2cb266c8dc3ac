/**
 * The live event stream: `GET /v1/events`, server-sent events (text/event-stream) of the ledger
 * events that concern the caller, each with what the caller may see (the webhooks' rules), as this
 * gateway process reads them from ledger.events. A browser's EventSource cannot send the bearer
 * token, so clients read it with fetch. Comments (`: heartbeat`) every 15 s; an `end` event with
 * its reason before the gateway closes it (token revoked or expired, reader too slow). Events that
 * happen while no stream is open are not kept: a client reloads what it shows when it reconnects.
 */
import { Type } from 'typebox';
import { allRoles, type RouteTable } from '../../route-table.ts';
import { problems } from './common.ts';

export const eventRoutes = {
  streamEvents: {
    summary: 'Live events (server-sent events) of what concerns the caller: its vouchers, financings and trees, as the webhooks would tell it; a few streams per token and per party at most (429 beyond)',
    tags: ['events'],
    access: { auth: 'token', roles: allRoles },
    schema: {
      querystring: Type.Object({}, { additionalProperties: false }),
      response: {
        200: Type.Unsafe<string>({
          description: 'text/event-stream: `id` (the event id), `event` (the ledger event type) and `data` ({id, type, occurredAt, data}); `event: end` with {reason} before the gateway closes it',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        }),
        ...problems,
      },
    },
    answer: {
      kind: 'local',
      handle: async (ctx, request, reply, principal) => {
        ctx.live.attach(principal!, reply.raw, reply.getHeaders());
        // The stream is written by LiveStreams from here on, not by fastify.
        reply.hijack();
      },
    },
  },
} satisfies Partial<RouteTable>;
