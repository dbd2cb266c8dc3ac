/**
 * Sessions. Bootstrap without any shared password: a party logs in by signing a `session.login`
 * command with a key registered to it (the operator with the key its genesis names; every other
 * party with a key the operator registered for it), and gets a bearer token. The login is bound
 * to this chain, at most `loginAgeMaxMs` old, and its nonce is used once. The operator may also
 * issue a token to a registered party (for a client of that party's that cannot sign, or to hand
 * over access while its keys are set up). Tokens are listed and revoked by their party (the
 * operator may list and revoke anyone's, to offboard).
 */
import { Type } from 'typebox';
import { Problem, commonProblems } from '@cascade/errors';
import { CursorSchema, IssueTokenBodySchema, LoginBodySchema, LoginResponseSchema, PageLimitSchema, PartyIdSchema, TokenPageSchema, TokenSchema } from '@cascade/sdk/contract';
import { LoginReplayedError } from '../../data-access/tokens.ts';
import { idempotencyHeader, idempotencyKeyPattern, requestHash } from '../../edge/idempotency.ts';
import { checkChainAndTime, checkSignatures, type SignedBody } from '../../edge/command-checks.ts';
import { gatewayProblems } from '../../problems.ts';
import { allRoles, type RouteTable } from '../../route-table.ts';
import { ok, params, problems } from './common.ts';

/** A signed login older than this is refused: it is made for the moment it is sent. */
export const loginAgeMaxMs = 5 * 60_000;

export const sessionRoutes = {
  login: {
    summary: 'Log in with a signed `session.login` command; returns a bearer token (shown once)',
    tags: ['sessions'],
    access: { auth: 'public', roles: allRoles },
    schema: { body: LoginBodySchema, response: { 201: LoginResponseSchema, ...problems } },
    answer: {
      kind: 'local',
      handle: async (ctx, request, reply) => {
        const body = request.body as SignedBody & { command: { payload: { label?: string; ttlSeconds?: number } } };
        const now = new Date();
        checkChainAndTime(body.command, ctx.genesis.chainId, now.getTime(), loginAgeMaxMs);
        await checkSignatures(body, ctx.registry, now.getTime());
        const party = await ctx.registry.party(body.command.actor);
        if (!party) throw new Problem(gatewayProblems.signerKeyUnknown, `party ${body.command.actor} is not registered`);
        const ttlSeconds = Math.min(body.command.payload.ttlSeconds ?? ctx.config.tokenTtlSecondsDefault, ctx.config.tokenTtlSecondsMax);
        try {
          const { token, row } = await ctx.tokens.issue({ partyId: party.partyId, loginNonce: body.command.nonce, label: body.command.payload.label ?? null, now, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) });
          void reply.status(201);
          return { token, tokenId: row.tokenId, partyId: party.partyId, roles: party.roles, expiresAt: row.expiresAt };
        } catch (error) {
          if (error instanceof LoginReplayedError) throw new Problem(gatewayProblems.nonceAlreadyUsed, 'this login was used before; sign a new one with a fresh nonce');
          throw error;
        }
      },
    },
  },
  issueToken: {
    summary: 'The operator issues a bearer token to a registered party (shown once, stored only hashed; lifetime capped by the maximum)',
    tags: ['sessions'],
    access: { auth: 'token', roles: ['operator'] },
    answersSecret: true,
    schema: { body: IssueTokenBodySchema, response: { 201: LoginResponseSchema, ...problems } },
    answer: {
      kind: 'local',
      handle: async (ctx, request, reply, principal) => {
        const body = request.body as { partyId: string; label?: string; ttlSeconds?: number };
        // The gateway's view of the registry (from ledger.events) is what every token is checked
        // against; a party it does not hold could not use the token, so none is issued.
        const party = await ctx.registry.party(body.partyId);
        if (!party) throw new Problem(gatewayProblems.unknownParty, `no party ${body.partyId} is registered`);
        // A token it issued, the operator holds until it hands it over: one for the regulator (who
        // reads everything) or another operator would give the operator more than its own role.
        const privileged = party.roles.filter((r) => r === 'regulator' || r === 'operator');
        if (privileged.length > 0) throw new Problem(gatewayProblems.tokenNotForEnterprise, `${body.partyId} is a ${privileged.join(' and ')}: it logs in with its own key (POST /v1/auth/login)`);
        // The same Idempotency-Key again (a retry after a lost answer) is told the token was issued,
        // and which: its secret was in the lost answer only, and is kept by no one.
        const key = request.headers[idempotencyHeader];
        if (key !== undefined && (typeof key !== 'string' || !idempotencyKeyPattern.test(key))) throw new Problem(gatewayProblems.idempotencyKeyRequired, 'an Idempotency-Key is 1–128 visible ASCII characters');
        const hash = requestHash('POST', '/v1/tokens', body);
        const answerReplay = async (): Promise<never> => {
          const earlier = await ctx.tokens.issuedUnder(principal!.partyId, key as string);
          if (earlier && earlier.requestSha256 !== hash) throw new Problem(gatewayProblems.idempotencyKeyReused, 'this Idempotency-Key was used to issue a token for another request');
          throw new Problem(gatewayProblems.tokenAlreadyIssued, `token ${earlier?.tokenId ?? '(being issued)'} was issued under this Idempotency-Key; its secret was shown once. If that answer was lost, revoke the token (DELETE /v1/tokens/${earlier?.tokenId ?? ':id'}) and issue another with a new key`);
        };
        if (typeof key === 'string' && (await ctx.tokens.issuedUnder(principal!.partyId, key))) await answerReplay();
        const now = new Date();
        const ttlSeconds = Math.min(body.ttlSeconds ?? ctx.config.tokenTtlSecondsDefault, ctx.config.tokenTtlSecondsMax);
        let issued: Awaited<ReturnType<typeof ctx.tokens.issue>>;
        try {
          issued = await ctx.tokens.issue({ partyId: party.partyId, loginNonce: null, issuedBy: principal!.partyId, ...(typeof key === 'string' ? { idempotency: { key, requestSha256: hash } } : {}), label: body.label ?? null, now, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) });
        } catch (error) {
          // Two requests with the key at once: the unique index lets one issue.
          if ((error as { code?: string }).code === '23505' && typeof key === 'string') return answerReplay();
          throw error;
        }
        const { token, row } = issued;
        // Who issued which token to whom, for the audit trail; never the token itself.
        request.log.info({ tokenId: row.tokenId, partyId: party.partyId, issuedBy: principal!.partyId, expiresAt: row.expiresAt }, 'token issued by the operator');
        void reply.status(201);
        return { token, tokenId: row.tokenId, partyId: party.partyId, roles: party.roles, expiresAt: row.expiresAt };
      },
    },
  },
  listTokens: {
    summary: "The caller's tokens, newest first (the operator: anyone's, with ?party)",
    tags: ['sessions'],
    access: { auth: 'token', roles: allRoles, scope: { in: 'querystring', name: 'party', seesAll: ['operator'] } },
    schema: { querystring: Type.Object({ party: Type.Optional(PartyIdSchema), after: Type.Optional(CursorSchema), limit: Type.Optional(PageLimitSchema) }, { additionalProperties: false }), response: ok(TokenPageSchema) },
    answer: {
      kind: 'local',
      handle: async (ctx, request, _reply, principal) => {
        const q = request.query as { party?: string; after?: string; limit?: number };
        const limit = q.limit ?? 50;
        const items = await ctx.tokens.list(q.party ?? principal!.partyId, q.after ?? null, limit);
        return { items, next: items.length === limit ? items.at(-1)!.tokenId : null };
      },
    },
  },
  revokeToken: {
    summary: 'Revoke a token at once, in every gateway process',
    tags: ['sessions'],
    access: { auth: 'token', roles: allRoles },
    schema: { params: params('tokenId'), response: ok(TokenSchema) },
    answer: {
      kind: 'local',
      handle: async (ctx, request, _reply, principal) => {
        const { tokenId } = request.params as { tokenId: string };
        const notFound = new Problem(commonProblems.notFound, `no token ${tokenId} of ${principal!.partyId}`);
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(tokenId)) throw notFound;
        const row = await ctx.tokens.find(tokenId);
        // Absent and another party's look the same (ids cannot be probed); the operator offboards.
        if (!row || (row.partyId !== principal!.partyId && !principal!.roles.includes('operator'))) throw notFound;
        const revoked = (await ctx.tokens.revoke(tokenId, new Date()))!;
        ctx.auth.forget(tokenId);
        await ctx.registry.announce([`token:${tokenId}`]);
        return revoked;
      },
    },
  },
} satisfies Partial<RouteTable>;
