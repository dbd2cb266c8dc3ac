/**
 * The ledger's HTTP API is internal: the gateway authenticates the caller's bearer token and
 * names the party in a short-lived internal token (`@cascade/service`'s internal identity, checked
 * on every `/v1` route before a handler runs). Every read is filtered by that party's visibility.
 */
import type { FastifyRequest } from 'fastify';
import type { Pool } from '@cascade/db';
import { Problem, commonProblems } from '@cascade/errors';
import { callerOf } from '@cascade/service';
import { partyById } from '../../data-access/reads.ts';
import type { Viewer } from '../../domain/visibility.ts';

export async function viewerOf(pool: Pool, request: FastifyRequest): Promise<Viewer> {
  const partyId = callerOf(request);
  const party = await partyById(pool, partyId);
  if (!party) throw new Problem(commonProblems.forbidden, `party ${partyId} is not registered`);
  return { partyId, seesAll: party.roles.includes('regulator') };
}
