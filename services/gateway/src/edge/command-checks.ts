/**
 * The checks a signed command passes at the gateway before anything is sent to Kafka, in this
 * fixed order (each refusal a named problem; the first that fails is the answer):
 *
 *   1. commandNotForRoute        the body's command type is the route's
 *   2. pathDoesNotMatchCommand   each path parameter equals the command field it names
 *   3. actorNotCaller            command.actor is the party the bearer token was issued to
 *   4. actorLacksRole            that party has a role the route admits (the operator onboards, never moves vouchers)
 *   5. chainMismatch             command.chain is this ledger's chain id
 *   6. signaturesMalformed, commandNotCanonicalizable, signerKeyUnknown, signatureAlgorithmMismatch,
 *      signatureInvalid, signatureMissing      every signature verifies against a registered,
 *      unrevoked key, and one of them is the actor's
 *   7. the Idempotency-Key and the nonce, claimed together (commands.ts): a request answered
 *      before gets its answer again; nonceAlreadyUsed when another request used the nonce
 *   8. commandExpired / commandFromTheFuture   createdAt within the window (after 7, so that a
 *      retry of an answered request gets its answer however old its command is)
 *
 * The body's shape and the payload's schema were checked before (route schemas). The ledger
 * checks signatures, chain, time and authority again: this is to keep cheap refusals off Kafka.
 */
import { canonicalBytes, verifySignature, type SignatureAlg } from '@cascade/crypto';
import { Problem } from '@cascade/errors';
import { gatewayProblems } from '../problems.ts';
import type { Principal } from './auth.ts';
import type { RegistryView } from './registry-view.ts';

export interface SignedBody {
  command: { type: string; chain: string; actor: string; nonce: string; createdAt: string; payload: Record<string, unknown> };
  signatures: { keyId: string; alg: string; sig: string }[];
}

/** How far ahead of the gateway's clock createdAt may be (the ledger allows the same by default). */
export const commandFutureSkewMs = 5 * 60_000;

export interface RouteCheck {
  commandType: string;
  bind: Readonly<Record<string, string>>;
  roles: readonly string[];
}

export function checkRoute(body: SignedBody, route: RouteCheck, params: Record<string, string>, principal: Principal): void {
  const c = body.command;
  if (c.type !== route.commandType) throw new Problem(gatewayProblems.commandNotForRoute, `this route takes ${route.commandType}, the body carries ${c.type}`);
  for (const [param, field] of Object.entries(route.bind)) {
    const value = field === 'actor' ? c.actor : c.payload[field];
    if (value !== params[param]) throw new Problem(gatewayProblems.pathDoesNotMatchCommand, `path parameter ${param} is ${params[param]}, the command's ${field} is ${String(value)}`);
  }
  if (c.actor !== principal.partyId) throw new Problem(gatewayProblems.actorNotCaller, `the token is ${principal.partyId}'s; the command's actor is ${c.actor}`);
  if (!principal.roles.some((r) => route.roles.includes(r))) throw new Problem(gatewayProblems.actorLacksRole, `${route.commandType} needs one of the roles ${route.roles.join(', ')}; ${principal.partyId} is ${principal.roles.join(', ')}`);
}

export function checkChainAndTime(c: SignedBody['command'], chainId: string, now: number, ageMaxMs: number): void {
  checkChain(c, chainId);
  checkTime(c, now, ageMaxMs);
}

export function checkChain(c: SignedBody['command'], chainId: string): void {
  if (c.chain !== chainId) throw new Problem(gatewayProblems.chainMismatch, `this ledger's chain is ${chainId}, the command names ${c.chain}`);
}

export function checkTime(c: SignedBody['command'], now: number, ageMaxMs: number): void {
  const at = Date.parse(c.createdAt);
  if (!Number.isFinite(at)) throw new Problem(gatewayProblems.payloadMalformed, 'createdAt is not an instant');
  if (at < now - ageMaxMs) throw new Problem(gatewayProblems.commandExpired, `createdAt ${c.createdAt} is more than ${ageMaxMs / 1000} s old`);
  if (at > now + commandFutureSkewMs) throw new Problem(gatewayProblems.commandFromTheFuture, `createdAt ${c.createdAt} is more than ${commandFutureSkewMs / 1000} s ahead of the gateway clock`);
}

/**
 * Verifies every signature of a command (or of a login) against the registry view; returns the
 * command's canonical bytes (what was verified).
 */
export async function checkSignatures(body: SignedBody, registry: RegistryView, now = Date.now()): Promise<Uint8Array> {
  const seen = new Set<string>();
  for (const s of body.signatures) {
    if (seen.has(s.keyId)) throw new Problem(gatewayProblems.signaturesMalformed, `key ${s.keyId} signs twice`);
    seen.add(s.keyId);
  }
  let message: Uint8Array;
  try {
    message = canonicalBytes(body.command);
  } catch (error) {
    throw new Problem(gatewayProblems.commandNotCanonicalizable, (error as Error).message);
  }
  let byActor = false;
  for (const s of body.signatures) {
    const key = await registry.key(s.keyId, now);
    if (!key || key.revokedAt !== null) throw new Problem(gatewayProblems.signerKeyUnknown, `key ${s.keyId} is not a registered, unrevoked key`);
    if (key.alg !== s.alg) throw new Problem(gatewayProblems.signatureAlgorithmMismatch, `key ${s.keyId} is ${key.alg}, the signature says ${s.alg}`);
    if (!verifySignature(key.alg as SignatureAlg, Buffer.from(key.publicKey, 'hex'), message, s.sig)) throw new Problem(gatewayProblems.signatureInvalid, `the signature by ${s.keyId} does not verify over the canonical bytes of the command`);
    if (key.partyId === body.command.actor) byActor = true;
  }
  if (!byActor) throw new Problem(gatewayProblems.signatureMissing, `no signature is by a key of ${body.command.actor}`);
  return message;
}
