/** The chain: its public facts, blocks, inclusion proofs, and the outcome of each command. */
import { Type } from 'typebox';
import { Problem, commonProblems } from '@cascade/errors';
import { BlockListSchema, ChainSchema, CommandOutcomeSchema, CommandPendingSchema, ProofSchema } from '@cascade/sdk/contract';
import { nonceKey, outcomeOf, pendingBody } from '../../edge/commands.ts';
import { allRoles, queryString, type RouteTable } from '../../route-table.ts';
import type { LedgerResult } from '../../messaging/ledger-link.ts';
import { ok, params } from './common.ts';

const tags = ['chain'];

export const chainRoutes = {
  getChain: {
    summary: "The ledger's chain id (what every command names), hash and block-signing key; needs no token",
    tags,
    access: { auth: 'public', roles: allRoles },
    schema: { response: ok(ChainSchema) },
    answer: {
      kind: 'local',
      handle: async (ctx) => ({ chainId: ctx.genesis.chainId, hashAlg: ctx.genesis.hashAlg, ledgerKey: ctx.genesis.ledgerKey, operator: ctx.genesis.operator.partyId }),
    },
  },
  listBlocks: {
    summary: 'Block headers (the regulator: they carry the platform’s volume)',
    tags,
    access: { auth: 'token', roles: ['regulator'] },
    schema: {
      querystring: Type.Object({ from: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
      response: ok(BlockListSchema),
    },
    answer: { kind: 'forward', service: 'ledger', path: (request) => `/v1/blocks${queryString(request.query)}` },
  },
  getProof: {
    summary: 'The inclusion proof of an operation the caller may see (verify offline: `cascade verify-proof`)',
    tags,
    access: { auth: 'token', roles: allRoles },
    schema: { params: params('opId'), response: ok(ProofSchema) },
    answer: { kind: 'forward', service: 'ledger', path: (request) => `/v1/operations/${(request.params as { opId: string }).opId}/proof` },
  },
  getCommandResult: {
    summary: "The outcome of one of the caller's commands: 200 once decided, 202 while the ledger has not decided",
    tags: ['commands'],
    access: { auth: 'token', roles: allRoles, scope: { in: 'params', name: 'actor', seesAll: ['regulator'] } },
    schema: { params: params('actor', 'nonce'), response: ok(CommandOutcomeSchema, { 202: CommandPendingSchema }) },
    answer: {
      kind: 'local',
      handle: async (ctx, request, reply, principal) => {
        const { actor, nonce } = request.params as { actor: string; nonce: string };
        const res = await ctx.upstreams.call('ledger', { method: 'GET', path: `/v1/results/${encodeURIComponent(actor)}/${encodeURIComponent(nonce)}`, caller: principal!.partyId, traceId: request.traceId });
        if (res.status === 200) return outcomeOf(res.body as LedgerResult);
        if (res.status !== 404) throw new Problem(commonProblems.internal, `the ledger answered ${res.status} for a command result`);
        // Not decided yet, or never sent: only a nonce this gateway forwarded is pending.
        if ((await ctx.redis.exists(nonceKey(ctx.config.redisPrefix, actor, nonce))) === 0) throw new Problem(commonProblems.notFound, `no command ${nonce} of ${actor} went through this gateway`);
        void reply.status(202).header('location', pendingBody(actor, nonce).operation).header('retry-after', '1');
        return pendingBody(actor, nonce);
      },
    },
  },
} satisfies Partial<RouteTable>;
