/**
 * The ledger's HTTP API is internal: the gateway authenticates the caller's bearer token and
 * names the party in `x-cascade-party`. Every read is filtered by that party's visibility.
 */
import type { FastifyRequest } from 'fastify';
import type { Pool } from '@cascade/db';
import { Problem, commonProblems } from '@cascade/errors';
import { partyById } from '../../data-access/reads.ts';
import type { Viewer } from '../../domain/visibility.ts';

export const viewerHeader = 'x-cascade-party';

export async function viewerOf(pool: Pool, request: FastifyRequest): Promise<Viewer> {
  const partyId = request.headers[viewerHeader];
  if (typeof partyId !== 'string' || partyId.length === 0 || partyId.length > 64) {
    throw new Problem(commonProblems.unauthenticated, `the ${viewerHeader} header must name the calling party`);
  }
  const party = await partyById(pool, partyId);
  if (!party) throw new Problem(commonProblems.forbidden, `party ${partyId} is not registered`);
  return { partyId, seesAll: party.roles.includes('regulator') };
}

export const viewerHeaderSchema = {
  type: 'object',
  required: [viewerHeader],
  properties: { [viewerHeader]: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;
