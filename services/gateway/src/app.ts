/**
 * The gateway's HTTP surface on the shared service app: strict JSON bodies, the OpenAPI 3.1
 * document generated from the route schemas (`/v1/openapi.json`, a browsable page at `/docs`),
 * and every route of the table with its edge concerns in order — token, rate limit, role and
 * party scope (onRequest, before a body is read), schema validation, Idempotency-Key
 * (preHandler), then the answer. Never listens.
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import client from 'prom-client';
import { parseJsonStrict } from '@cascade/crypto';
import { Problem, commonProblems, problemContentType } from '@cascade/errors';
import { operations, type OperationId, type OperationSpec } from '@cascade/sdk/contract';
import type { Principal } from './edge/auth.ts';
import { checkChainAndTime, checkRoute, checkSignatures, type SignedBody } from './edge/command-checks.ts';
import { handleCommand } from './edge/commands.ts';
import { idempotencyHeader, idempotencyKeyPattern, requestHash, type Claim } from './edge/idempotency.ts';
import { gatewayProblems } from './problems.ts';
import type { GatewayContext, RouteDefinition, RouteTable } from './route-table.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    idempotencyClaim: (Claim & { kind: 'claimed' }) | null;
  }
  interface FastifyContextConfig {
    operationId?: string;
  }
}

export const openApiPath = '/v1/openapi.json';

function toProblem(error: Error & { validation?: { instancePath?: string }[]; statusCode?: number; code?: string }): Problem {
  if (error instanceof Problem) return error;
  if (error.validation) {
    const onPayload = error.validation.some((v) => v.instancePath?.startsWith('/command/payload'));
    return new Problem(onPayload ? gatewayProblems.payloadMalformed : commonProblems.validationFailed, error.message);
  }
  if (error.statusCode === 413) return new Problem(commonProblems.payloadTooLarge, error.message);
  if (error.statusCode === 415) return new Problem(gatewayProblems.unsupportedMediaType, error.message);
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new Problem(gatewayProblems.bodyNotJson, error.message);
  if (error.statusCode !== undefined && error.statusCode < 500) return new Problem(commonProblems.validationFailed, error.message);
  // Redis or PostgreSQL not answering: a dependency, not a defect (the client may retry).
  if (/Stream isn't writeable|Connection is closed|ECONNREFUSED|connect ETIMEDOUT|timeout exceeded when trying to connect/.test(error.message)) return new Problem(commonProblems.notReady, 'a dependency of the gateway does not answer; retry shortly');
  return new Problem(commonProblems.internal, 'an internal error occurred; quote the trace id when reporting it');
}

/** Which requests the route lets through before its body is read: token, rate limit, role, scope. */
async function admit(ctx: GatewayContext, route: RouteDefinition, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  request.principal = null;
  if (route.access.auth === 'public') {
    ctx.limiter.apply(reply, await ctx.limiter.take(`ip:${request.ip}`, ctx.config.loginRateLimitPerWindow), 'address');
    return;
  }
  const principal = await ctx.auth.authenticate(request);
  ctx.limiter.apply(reply, await ctx.limiter.take(`token:${principal.tokenId}`, ctx.config.rateLimitPerWindow), 'token');
  // A token the operator issued was in the operator's hands: it reads as the party, and every
  // write (token-only ones included: a bank account, trade records, products, webhooks) needs the
  // party's own login.
  if (principal.readOnly && request.method !== 'GET') {
    throw new Problem(gatewayProblems.tokenReadOnly, `token ${principal.tokenId} was issued by the operator and only reads; ${principal.partyId} writes with a token from its own signed login (POST /v1/auth/login)`);
  }
  if (!principal.roles.some((r) => (route.access.roles as readonly string[]).includes(r))) {
    throw new Problem(gatewayProblems.actorLacksRole, `this operation is for ${route.access.roles.join(', ')}; ${principal.partyId} is ${principal.roles.join(', ')}`);
  }
  const scope = route.access.scope;
  if (scope) {
    const named = ((scope.in === 'params' ? request.params : request.query) as Record<string, unknown>)[scope.name];
    if (named !== undefined && named !== principal.partyId && !principal.roles.some((r) => (scope.seesAll as readonly string[]).includes(r))) {
      throw new Problem(gatewayProblems.partyOutOfScope, `${principal.partyId} may not act on ${String(named)} here`);
    }
  }
  request.principal = principal;
}

const strictJson = fp(async (app: FastifyInstance, options: { bodyLimitBytes: number }) => {
  // A body with a repeated member name is refused: JSON.parse would keep the last value, and the
  // bytes a client signed and the object checked could differ.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: options.bodyLimitBytes }, (_request, body, done) => {
    try {
      done(null, parseJsonStrict(body as string));
    } catch (error) {
      done(new Problem(gatewayProblems.bodyNotJson, (error as Error).message), undefined);
    }
  });
});

export async function registerGatewayRoutes(app: FastifyInstance, ctx: GatewayContext, table: RouteTable, registry?: client.Registry): Promise<void> {
  app.decorateRequest('principal', null);
  app.decorateRequest('idempotencyClaim', null);
  await app.register(strictJson, { bodyLimitBytes: ctx.config.bodyLimitBytes });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Cascade API', version: '1.0.0', description: 'Supply-chain finance on digital receivable vouchers. Every mutating request carries Idempotency-Key and a signed command (DESIGN §6); errors are RFC 9457 problem+json with a stable type.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from POST /v1/auth/login' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get(openApiPath, { schema: { hide: true } }, async () => app.swagger());

  const seconds = new client.Histogram({
    name: 'cascade_gateway_http_request_seconds',
    help: 'time to answer a request, by operation and status',
    labelNames: ['operation', 'method', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: registry ? [registry] : [],
  });
  new client.Gauge({
    name: 'cascade_gateway_commands_sent_total',
    help: 'commands sent to ledger.commands, and the produce requests that carried them',
    labelNames: ['what'],
    registers: registry ? [registry] : [],
    collect() {
      this.set({ what: 'commands' }, ctx.link.stats.commands);
      this.set({ what: 'batches' }, ctx.link.stats.batches);
    },
  });

  const responseAjv = ctx.config.responseValidation ? new Ajv({ strict: false, allErrors: false }) : null;
  // The shared app's error handler knows no gateway codes; this context has its own.
  await app.register(async (scope) => {
    scope.setErrorHandler((error: Error, request, reply) => {
      const problem = toProblem(error);
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
      void reply.status(problem.status).type(problemContentType).send({ ...problem.toDocument(request.url), traceId: request.traceId });
    });
    // Body validation: no coercion and no removal — what is checked is exactly what was signed.
    const strictAjv = new Ajv({ strict: false, coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false });
    const queryAjv = new Ajv({ strict: false, coerceTypes: true, removeAdditional: false, useDefaults: true, allErrors: false });
    scope.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strictAjv : queryAjv).compile(schema));

    const addRoute = (target: FastifyInstance, id: OperationId, route: RouteDefinition) => {
      const op: OperationSpec = operations[id];
      const mutating = op.method !== 'GET' && id !== 'login' && !route.answersSecret;
      const validators = responseAjv ? Object.fromEntries(Object.entries(route.schema.response).map(([code, s]) => [code, responseAjv.compile(s)])) : null;
      target.route({
        method: op.method,
        url: op.path,
        bodyLimit: route.bodyLimitBytes ?? ctx.config.bodyLimitBytes,
        config: { operationId: id },
        schema: {
          operationId: id,
          summary: route.summary,
          tags: route.tags,
          ...(route.access.auth === 'token' ? { security: [{ bearer: [] }] } : {}),
          ...(mutating ? { headers: { type: 'object', properties: { [idempotencyHeader]: { type: 'string', minLength: 1, maxLength: 128 } }, required: [idempotencyHeader] } } : {}),
          ...route.schema,
        },
        onRequest: async (request, reply) => {
          if (mutating && !idempotencyKeyPattern.test(String(request.headers[idempotencyHeader] ?? ''))) {
            // Checked before the token too: a client without the header has a bug, not a session problem.
            throw new Problem(gatewayProblems.idempotencyKeyRequired, 'send Idempotency-Key: <1–128 visible ASCII characters>, the same on every retry of this request');
          }
          await admit(ctx, route, request, reply);
        },
        // A signed command claims its key with its nonce, once its signatures verified (commands.ts).
        preHandler: !mutating || route.answer.kind === 'command' ? undefined : async (request, reply) => {
          const key = String(request.headers[idempotencyHeader]);
          // A streamed file is not read before it is forwarded: its request is named by its type,
          // length and the client's Content-Digest (RFC 9530), not by its bytes.
          const hashed = op.stream ? { contentType: request.headers['content-type'] ?? null, contentLength: request.headers['content-length'] ?? null, contentDigest: request.headers['content-digest'] ?? null } : request.body;
          const claim = await ctx.idempotency.claim(request.principal!.partyId, key, requestHash(request.method, request.url, hashed));
          if (claim.kind === 'replay') {
            void reply.status(claim.response.status).headers({ ...claim.response.headers, 'idempotent-replayed': 'true' }).serializer((p: unknown) => p as string);
            return reply.send(claim.response.body);
          }
          request.idempotencyClaim = claim;
        },
        preSerialization: validators
          ? async (_request, reply, payload) => {
              const v = validators[String(reply.statusCode)] ?? validators[`${String(reply.statusCode)[0]}xx`];
              if (v && !v(payload)) throw new Error(`response does not match its schema: ${responseAjv!.errorsText(v.errors)}`);
              return payload;
            }
          : undefined,
        onSend: !mutating ? undefined : async (request, reply, payload) => {
          const claim = request.idempotencyClaim;
          if (!claim) return payload;
          request.idempotencyClaim = null;
          // A transient failure (5xx) gives the key up, so a retry runs again; anything else is the
          // answer. If Redis fails here the answer still goes out; the claim's lease then runs out
          // and a retry is handled again (the ledger commits the nonce once either way).
          try {
            if (reply.statusCode >= 500) await ctx.idempotency.release(claim);
            else await ctx.idempotency.complete(claim, reply.statusCode, reply.getHeaders(), String(payload));
          } catch (error) {
            request.log.warn({ err: (error as Error).message }, 'could not store the answer of an Idempotency-Key');
          }
          return payload;
        },
        onResponse: async (request, reply) => {
          seconds.observe({ operation: id, method: op.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
        },
        handler: async (request, reply) => {
          if (route.answer.kind === 'command') return handleCommand(ctx, request, reply, request.principal!, op, route);
          if (route.answer.kind === 'local') return route.answer.handle(ctx, request, reply, request.principal);
          const signed = route.answer.signedCommand;
          if (signed) {
            const body = request.body as SignedBody;
            checkRoute(body, { commandType: signed.type, bind: signed.bind ?? {}, roles: route.access.roles }, request.params as Record<string, string>, request.principal!);
            checkChainAndTime(body.command, ctx.genesis.chainId, ctx.clock().getTime(), ctx.config.commandAgeMaxMs);
            await checkSignatures(body, ctx.registry);
          }
          const upstream = { path: route.answer.path(request), caller: request.principal!.partyId, traceId: request.traceId };
          const res = op.stream
            ? await ctx.upstreams.stream(route.answer.service, { ...upstream, method: 'POST', contentType: String(request.headers['content-type']), body: request.body as Readable, bytesMax: ctx.config.importBytesMax, timeoutMs: ctx.config.importTimeoutMs })
            : await ctx.upstreams.call(route.answer.service, { ...upstream, method: op.method, ...(op.method === 'GET' || request.body === undefined ? {} : { body: request.body }) });
          if (res.status >= 400) {
            // The service's refusal, as its problem (a 5xx of its own is ours to report).
            if (res.status >= 500) throw new Problem(gatewayProblems.upstreamUnavailable, `the ${route.answer.service} service answered ${res.status}`);
            return reply.status(res.status).type(problemContentType).send({ ...(res.body as object), traceId: request.traceId });
          }
          // A document that is not JSON (a payment file's XML) goes out as the service answered it.
          if (res.contentType) void reply.type(res.contentType);
          return reply.status(res.status).send(res.body);
        },
      });
    };

    const entries = Object.entries(table) as [OperationId, RouteDefinition][];
    for (const [id, route] of entries) if (!(operations[id] as OperationSpec).stream) addRoute(scope, id, route);
    // A streamed file (a bulk import) is forwarded as it arrives: these routes take the body as a
    // stream, in a context of their own, instead of parsing it as strict JSON.
    await scope.register(async (streaming) => {
      streaming.removeAllContentTypeParsers();
      streaming.addContentTypeParser(['text/csv', 'application/json', 'application/xml', 'text/xml'], (_request, payload, done) => done(null, payload));
      for (const [id, route] of entries) if ((operations[id] as OperationSpec).stream) addRoute(streaming, id, route);
    });
  });
}
