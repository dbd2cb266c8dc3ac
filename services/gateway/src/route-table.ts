/**
 * The gateway's route table: for every operation of the public contract (`@cascade/sdk/contract`
 * operations) who may call it and what answers it. Adding a route is one entry in a resource
 * file under entry-points/http; the table's type makes a missing operation a compile error, and
 * the authorization matrix test walks this table, so no route escapes it.
 *
 * Access is decided here, in this order, before any handler runs: a bearer token (unless the
 * route is public), a role the route admits, and the party scope (a path or query parameter that
 * names a party must name the caller, unless the caller's role sees everything on this route).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { OperationId, Role } from '@cascade/sdk/contract';
import type { Pool } from '@cascade/db';
import type { Logger } from '@cascade/logging';
import type { GatewayConfig, GatewayGenesis } from './config.ts';
import type { TokenStore } from './data-access/tokens.ts';
import type { Authenticator, Principal } from './edge/auth.ts';
import type { IdempotencyStore } from './edge/idempotency.ts';
import type { LiveStreams } from './edge/live-streams.ts';
import type { RateLimiter } from './edge/rate-limit.ts';
import type { GatewayRedis } from './edge/redis-scripts.ts';
import type { RegistryView } from './edge/registry-view.ts';
import type { InternalService, Upstreams } from './edge/upstream.ts';
import type { LedgerLink } from './messaging/ledger-link.ts';

export const allRoles: readonly Role[] = ['core', 'supplier', 'funder', 'regulator', 'operator'];
/** Parties that hold, receive or pay vouchers. */
export const tradingRoles: readonly Role[] = ['core', 'supplier', 'funder'];

export interface Access {
  /** `public`: no token (the chain's public facts, the login itself). */
  auth: 'public' | 'token';
  roles: readonly Role[];
  /** A parameter naming a party that must be the caller, unless the caller has a role in `seesAll`. */
  scope?: { in: 'params' | 'querystring'; name: string; seesAll: readonly Role[] };
}

export interface GatewayContext {
  /**
   * The time a signed command's createdAt is checked against: real time, or local mode's simulated
   * clock (CASCADE_CLOCK_FILE). Logins, tokens, caches and rate limits keep real time.
   */
  clock: () => Date;
  config: GatewayConfig;
  genesis: GatewayGenesis;
  pool: Pool;
  redis: GatewayRedis;
  logger: Logger;
  registry: RegistryView;
  tokens: TokenStore;
  auth: Authenticator;
  limiter: RateLimiter;
  idempotency: IdempotencyStore;
  link: LedgerLink;
  upstreams: Upstreams;
  /** This process's open live event streams (GET /v1/events). */
  live: LiveStreams;
}

export type RouteSchema = { params?: TSchema; querystring?: TSchema; body?: TSchema; response: Record<string, TSchema> };

export interface RouteDefinition {
  summary: string;
  tags: string[];
  access: Access;
  schema: RouteSchema;
  /** A larger body than GATEWAY_BODY_LIMIT_BYTES, for a route whose service takes one (a file's text). */
  bodyLimitBytes?: number;
  /**
   * The answer holds a secret shown once (an issued token): it is not stored for Idempotency-Key
   * replays, so the secret never rests in Redis; the route takes no Idempotency-Key.
   */
  answersSecret?: true;
  /**
   * How it is answered: a signed command to the ledger; a read forwarded to an internal service
   * (`path` builds the upstream path and query from the request); or the gateway's own handler.
   */
  answer:
    | { kind: 'command' }
    | {
        kind: 'forward';
        service: InternalService;
        path: (request: FastifyRequest) => string;
        /**
         * For a mutating route whose body is a signed command the service decides itself (the
         * invoices service's payable confirmation): the gateway's checks of command-checks.ts
         * (type, path binding, actor, role, chain, time, signatures) run before it is forwarded.
         */
        signedCommand?: { type: string; bind?: Readonly<Record<string, string>> };
      }
    | { kind: 'local'; handle: (ctx: GatewayContext, request: FastifyRequest, reply: FastifyReply, principal: Principal | null) => Promise<unknown> };
}

export type RouteTable = Record<OperationId, RouteDefinition>;

/** `?a=1&b=x` from the defined query parameters, for forwarding. */
export function queryString(query: unknown): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) if (v !== undefined && v !== null) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
