/**
 * Who is calling an internal service. Only the gateway authenticates clients (bearer tokens);
 * it tells the ledger, invoices and risk services which party a request is for with a
 * short-lived internal token, an HMAC-SHA256 over its claims under a key the gateway and the
 * internal services share (`INTERNAL_AUTH_KEY`). A request without a valid token is refused, so
 * reaching an internal port is not enough to read as the regulator.
 *
 * Token: `v1.<base64url(claims JSON)>.<base64url(mac)>`, mac = HMAC(key, "cascade-internal:v1." +
 * claims part). Claims: `sub` (party id), `aud` (the service it is for), `iat` and `exp` (ms since
 * the epoch). The audience keeps a token minted for one service from being replayed at another.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Problem, commonProblems, problemContentType } from '@cascade/errors';

export const internalIdentityHeader = 'x-cascade-identity';
/** A token lives this long at most: it is minted per request, so it never needs to live longer. */
export const internalTokenTtlMsMax = 60_000;
/** Clocks of the gateway and a service may differ by this much. */
export const internalClockSkewMsMax = 5_000;
const tokenCharsMax = 2_048;
const macContext = 'cascade-internal:v1.';

export interface InternalClaims {
  /** The party the request is made for (a USCC), as the gateway authenticated it. */
  sub: string;
  /** The service the token is for: `ledger`, `invoices`, `risk`. */
  aud: string;
  iat: number;
  exp: number;
}

function mac(key: Buffer, claimsPart: string): Buffer {
  return createHmac('sha256', key).update(macContext + claimsPart).digest();
}

export function signInternalToken(key: Buffer, claims: { sub: string; aud: string }, nowMs = Date.now(), ttlMs = 30_000): string {
  if (ttlMs > internalTokenTtlMsMax) throw new Error(`an internal token lives at most ${internalTokenTtlMsMax} ms`);
  const body: InternalClaims = { sub: claims.sub, aud: claims.aud, iat: nowMs, exp: nowMs + ttlMs };
  const claimsPart = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `v1.${claimsPart}.${mac(key, claimsPart).toString('base64url')}`;
}

/** The claims of a valid token for `audience`, or a `Problem` saying what is wrong with it. */
export function verifyInternalToken(key: Buffer, token: string, audience: string, nowMs = Date.now()): InternalClaims {
  const refuse = (why: string) => new Problem(commonProblems.unauthenticated, `internal identity refused: ${why}`);
  if (token.length > tokenCharsMax) throw refuse('token too long');
  const [version, claimsPart, macPart, ...rest] = token.split('.');
  if (version !== 'v1' || !claimsPart || !macPart || rest.length > 0) throw refuse('not a v1 token');
  const expected = mac(key, claimsPart);
  const given = Buffer.from(macPart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse('bad signature');
  let claims: InternalClaims;
  try {
    claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8')) as InternalClaims;
  } catch {
    throw refuse('claims are not JSON');
  }
  if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 64) throw refuse('no subject');
  if (claims.aud !== audience) throw refuse(`token is for ${String(claims.aud)}, not ${audience}`);
  if (!Number.isFinite(claims.iat) || !Number.isFinite(claims.exp) || claims.exp - claims.iat > internalTokenTtlMsMax) throw refuse('bad lifetime');
  if (claims.iat > nowMs + internalClockSkewMsMax) throw refuse('issued in the future');
  if (claims.exp < nowMs - internalClockSkewMsMax) throw refuse('expired');
  return claims;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The party an internal request is for; set on every `/v1` route by `internalIdentity`. */
    caller: string;
  }
}

/**
 * Requires a valid internal token on every `/v1` route of a service (health, readiness and
 * metrics stay open: they say nothing about any party).
 */
export const internalIdentity = fp(async (app: FastifyInstance, options: { key: Buffer; audience: string }) => {
  app.decorateRequest('caller', '');
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/') && request.url !== '/v1') return;
    const token = request.headers[internalIdentityHeader];
    try {
      if (typeof token !== 'string') throw new Problem(commonProblems.unauthenticated, `internal routes take the caller from the gateway's ${internalIdentityHeader} header`);
      request.caller = verifyInternalToken(options.key, token, options.audience).sub;
    } catch (error) {
      const problem = error instanceof Problem ? error : new Problem(commonProblems.unauthenticated, 'internal identity refused');
      return reply.status(problem.status).type(problemContentType).send(problem.toDocument(request.url));
    }
  });
});

/** The calling party of an internal request (asserts the identity hook ran). */
export function callerOf(request: FastifyRequest): string {
  if (!request.caller) throw new Error('callerOf: the internalIdentity plugin is not registered on this route');
  return request.caller;
}
