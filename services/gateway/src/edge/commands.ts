/**
 * A signed command's way through the gateway, after its route's access and schema checks: the
 * checks of command-checks.ts in their order, the nonce (a replay is refused here, not at the
 * ledger), the Kafka key, the send, and the wait for the ledger's result — 200 with it, the
 * ledger's refusal as its problem, or 202 with the command's URL when the wait runs out.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '@cascade/errors';
import { ledgerCommandKey, voucherOfCommand } from '@cascade/events';
import type { OperationSpec } from '@cascade/sdk/contract';
import { problemContentType } from '@cascade/errors';
import { gatewayProblems } from '../problems.ts';
import type { GatewayContext, RouteDefinition } from '../route-table.ts';
import { applyLedgerEvent, registryEventTypes } from '../messaging/registry-consumer.ts';
import type { LedgerResult } from '../messaging/ledger-link.ts';
import type { Principal } from './auth.ts';
import { checkChain, checkRoute, checkSignatures, checkTime, type SignedBody } from './command-checks.ts';
import { commandRequestHash, idempotencyHeader } from './idempotency.ts';
import { checkRegistryBeforeApproval } from './registry-check.ts';

/** A nonce is remembered longer than the ledger accepts a command's createdAt (24 h by default). */
export const nonceTtlMs = 25 * 3_600_000;

export const nonceKey = (prefix: string, actor: string, nonce: string) => `${prefix}nonce:${actor}:${nonce}`;

export function pendingBody(actor: string, nonce: string) {
  return { status: 'pending' as const, actor, nonce, operation: `/v1/commands/${encodeURIComponent(actor)}/${encodeURIComponent(nonce)}` };
}

/** A ledger result as the public contract shows it. */
export function outcomeOf(r: LedgerResult) {
  const actor = r.actor ?? '';
  const nonce = r.nonce ?? '';
  if (r.status === 'refused') return { status: 'refused' as const, actor, nonce, problem: r.problem! };
  return {
    status: 'accepted' as const,
    actor,
    nonce,
    seq: r.seq!,
    opId: r.opId!,
    blockHeight: r.blockHeight!,
    ...(r.events ? { events: r.events } : {}),
    ...(r.eventsOmitted ? { eventsOmitted: true } : {}),
    ...(r.replayed ? { replayed: true } : {}),
  };
}

export async function handleCommand(ctx: GatewayContext, request: FastifyRequest, reply: FastifyReply, principal: Principal, op: OperationSpec, route: RouteDefinition): Promise<unknown> {
  const body = request.body as SignedBody;
  const c = body.command;
  checkRoute(body, { commandType: op.command!, bind: op.bind ?? {}, roles: route.access.roles }, request.params as Record<string, string>, principal);
  const now = Date.now();
  checkChain(c, ctx.genesis.chainId);
  const commandBytes = await checkSignatures(body, ctx.registry, now);
  // The hard stop at approval (edge/registry-check.ts), before the Idempotency-Key and the nonce
  // are claimed: refused, the same command may come again under the same key and be checked anew.
  if (c.type === 'financing.approve' && ctx.config.registryCheck !== 'off') {
    await checkRegistryBeforeApproval(ctx.upstreams, { voucherId: String(c.payload.voucherId), caller: principal.partyId, traceId: request.traceId, waitMs: ctx.config.registryWaitMs });
  }

  // The Idempotency-Key and the nonce in one script, after the signatures (a forged request
  // cannot take anybody's nonce). The nonce is the actor's: once forwarded, another request
  // carrying it is a replay; the same request again (same party and key, after a lost answer)
  // gets the stored answer, or passes on if it has none yet.
  const idempotencyKey = String(request.headers[idempotencyHeader]);
  const claim = await ctx.idempotency.claimCommand(principal.partyId, idempotencyKey, commandRequestHash(request.method, request.url, commandBytes, body as unknown as Record<string, unknown>), {
    key: nonceKey(ctx.config.redisPrefix, c.actor, c.nonce),
    scope: `${principal.partyId}:${idempotencyKey}`,
    ttlMs: nonceTtlMs,
  });
  if (claim.kind === 'nonceUsed') throw new Problem(gatewayProblems.nonceAlreadyUsed, `${c.actor} used nonce ${c.nonce} before; sign a new command with a fresh nonce`);
  if (claim.kind === 'replay') {
    void reply.status(claim.response.status).headers({ ...claim.response.headers, 'idempotent-replayed': 'true' }).serializer((p: unknown) => p as string);
    return reply.send(claim.response.body);
  }
  request.idempotencyClaim = claim;
  checkTime(c, ctx.clock().getTime(), ctx.config.commandAgeMaxMs);

  const voucherId = voucherOfCommand(c);
  const key = ledgerCommandKey(c, voucherId ? await ctx.registry.issuerOf(voucherId) : undefined);
  const wait = ctx.link.waitFor(c.actor, c.nonce, ctx.config.commandWaitMs);
  try {
    await ctx.link.submit(key, { command: c, signatures: body.signatures });
  } catch (error) {
    wait.cancel();
    throw new Problem(gatewayProblems.ledgerUnavailable, (error as Error).message);
  }
  const result = await wait.result;
  if (!result) {
    const pending = pendingBody(c.actor, c.nonce);
    void reply.status(202).header('location', pending.operation).header('retry-after', '1');
    return pending;
  }
  if (result.status === 'accepted' && result.events) await applyRegistryEvents(ctx, result.events);
  const outcome = outcomeOf(result);
  if (outcome.status === 'refused') {
    void reply.status(outcome.problem.status).type(problemContentType);
    return { ...outcome.problem, actor: c.actor, nonce: c.nonce };
  }
  return outcome;
}

/** Read-your-writes: the registry view takes a party or key from the result at once. */
async function applyRegistryEvents(ctx: GatewayContext, events: unknown[]): Promise<void> {
  const changed: string[] = [];
  for (const e of events as { type: string; data: Record<string, unknown> }[]) {
    if (registryEventTypes.has(e.type)) changed.push(...(await applyLedgerEvent(ctx.pool, e.type, e.data)));
  }
  if (changed.length > 0) await ctx.registry.announce(changed);
}
