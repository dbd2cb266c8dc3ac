/** Parties: onboarding by the operator, the directory, each party's keys and balances. */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Problem, commonProblems } from '@cascade/errors';
import { BalancesSchema, CursorSchema, DirectoryPageSchema, PageLimitSchema, PartyPageSchema, PartySchema } from '@cascade/sdk/contract';
import { directoryPageMax, keysOfParty, listParties, searchParties, type PartyRecord } from '../../data-access/registry.ts';
import { allRoles, type RouteTable } from '../../route-table.ts';
import type { Pool } from '@cascade/db';
import { commandRoute, ok, params } from './common.ts';

const tags = ['parties'];

async function withKeys(pool: Pool, p: PartyRecord) {
  const keys = await keysOfParty(pool, p.partyId);
  return { ...p, keys: keys.map((k) => ({ keyId: k.keyId, alg: k.alg, publicKey: k.publicKey, revokedAt: k.revokedAt })) };
}

export const partyRoutes = {
  registerParty: commandRoute('party.register', 'Onboard a party with its roles and public keys', tags, ['operator']),
  addKey: commandRoute('key.add', 'Add a signing key to the calling party', tags, allRoles, ['partyId']),
  revokeKey: commandRoute('key.revoke', 'Revoke one of the calling party’s keys', tags, allRoles, ['partyId', 'keyId']),
  changePolicy: commandRoute('policy.change', "Change the ledger's policy limits", ['policy'], ['operator']),
  listParties: {
    summary: 'Every registered party (operator and regulator)',
    tags,
    access: { auth: 'token', roles: ['operator', 'regulator'] },
    schema: { querystring: Type.Object({ after: Type.Optional(CursorSchema), limit: Type.Optional(PageLimitSchema) }, { additionalProperties: false }), response: ok(PartyPageSchema) },
    answer: {
      kind: 'local',
      handle: async (ctx, request) => {
        const q = request.query as { after?: string; limit?: number };
        const limit = q.limit ?? 50;
        const page = await listParties(ctx.pool, q.after ?? null, limit);
        return { items: await Promise.all(page.map((p) => withKeys(ctx.pool, p))), next: page.length === limit ? page.at(-1)!.partyId : null };
      },
    },
  },
  searchDirectory: {
    summary: 'Search the directory by (part of) a name, or the start of a party id or USCC: who a counterparty is, without keys (every signed-in party)',
    tags,
    access: { auth: 'token', roles: allRoles },
    schema: {
      querystring: Type.Object(
        {
          q: Type.String({ minLength: 2, maxLength: 100, description: 'part of the name, or the start of the party id or USCC: two characters at least' }),
          after: Type.Optional(CursorSchema),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: directoryPageMax, default: 20 })),
        },
        { additionalProperties: false },
      ),
      response: ok(DirectoryPageSchema),
    },
    answer: {
      kind: 'local',
      handle: async (ctx, request) => {
        const q = request.query as { q: string; after?: string; limit?: number };
        const limit = q.limit ?? 20;
        // Answered from the gateway's own view of the registry (as listParties and getParty are): the
        // ledger's read API has no name search, and the view is what every token is checked against.
        const page = await searchParties(ctx.pool, q.q.trim() || q.q, q.after ?? null, limit);
        return { items: page.map((p) => ({ partyId: p.partyId, uscc: p.uscc, name: p.name, roles: p.roles })), next: page.length === limit ? page.at(-1)!.partyId : null };
      },
    },
  },
  getParty: {
    summary: 'A registered party: name, roles and public keys (the directory every participant may read)',
    tags,
    access: { auth: 'token', roles: allRoles },
    schema: { params: params('partyId'), response: ok(PartySchema) },
    answer: {
      kind: 'local',
      handle: async (ctx, request: FastifyRequest) => {
        const { partyId } = request.params as { partyId: string };
        const party = await ctx.registry.party(partyId);
        if (!party) throw new Problem(commonProblems.notFound, `no party ${partyId}`);
        return withKeys(ctx.pool, party);
      },
    },
  },
  getBalances: {
    summary: "Double-entry balances of a party's accounts",
    tags,
    access: { auth: 'token', roles: allRoles, scope: { in: 'params', name: 'partyId', seesAll: ['regulator'] } },
    schema: { params: params('partyId'), response: ok(BalancesSchema) },
    answer: { kind: 'forward', service: 'ledger', path: (request) => `/v1/parties/${(request.params as { partyId: string }).partyId}/balances` },
  },
} satisfies Partial<RouteTable>;
