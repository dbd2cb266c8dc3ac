/** Blocks, inclusion proofs, balances and command results. */
import type { FastifyInstance } from 'fastify';
import type { Pool } from '@cascade/db';
import { Problem, commonProblems } from '@cascade/errors';
import { balancesOf, blocksFrom, operationById, pageSizeMax, proofOf, resultOf, treeOf, vouchersTouchedBy } from '../../data-access/reads.ts';
import { disclosedForm } from '@cascade/chain';
import { proofDisclosure } from '../../domain/visibility.ts';
import { viewerOf } from './viewer.ts';

export function chainRoutes(app: FastifyInstance, pool: Pool): void {
  app.get<{ Querystring: { from?: number; limit?: number } }>(
    '/v1/blocks',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: pageSizeMax, default: 50 } },
        },
      },
    },
    // Block headers carry every batch's operation count and time: the platform's volume, which is
    // the regulator's to see. A party checking a proof needs no list: the proof carries its header.
    async (request) => {
      const viewer = await viewerOf(pool, request);
      if (!viewer.seesAll) throw new Problem(commonProblems.forbidden, `the block list is for the regulator; ${viewer.partyId} can check its operations with their proofs`);
      return { blocks: await blocksFrom(pool, request.query.from ?? 0, request.query.limit ?? 50) };
    },
  );

  app.get<{ Params: { opId: string } }>(
    '/v1/operations/:opId/proof',
    { schema: { params: { type: 'object', required: ['opId'], properties: { opId: { type: 'string', format: 'uuid' } } } } },
    async (request) => {
      const viewer = await viewerOf(pool, request);
      const op = await operationById(pool, request.params.opId);
      const notFound = new Problem(commonProblems.notFound, `no operation ${request.params.opId} visible to ${viewer.partyId}`);
      if (!op) throw notFound;
      // The proof carries the signed command: whole to those entitled to all of it; to a recipient
      // of a split with the other pieces hidden (the same Merkle path proves both forms).
      const disclosure =
        viewer.seesAll || op.actor === viewer.partyId
          ? { all: true as const }
          : op.rootId === null
            ? null
            : proofDisclosure(await treeOf(pool, op.rootId), await vouchersTouchedBy(pool, op.seq), op.actor, viewer, (op.record as { body?: unknown }).body);
      if (!disclosure) throw notFound;
      const proof = await proofOf(pool, op);
      if (!proof) throw new Problem(commonProblems.notFound, `operation ${request.params.opId} is not sealed in a block yet`);
      return disclosure.all ? proof : { ...proof, record: disclosedForm(proof.block.header.hashAlg, proof.record, disclosure.parts) };
    },
  );

  app.get<{ Params: { partyId: string } }>(
    '/v1/parties/:partyId/balances',
    { schema: { params: { type: 'object', required: ['partyId'], properties: { partyId: { type: 'string', maxLength: 64 } } } } },
    async (request) => {
      const viewer = await viewerOf(pool, request);
      if (!viewer.seesAll && viewer.partyId !== request.params.partyId) throw new Problem(commonProblems.forbidden, 'a party reads only its own balances');
      return { partyId: request.params.partyId, balances: await balancesOf(pool, request.params.partyId) };
    },
  );

  app.get<{ Params: { actor: string; nonce: string } }>(
    '/v1/results/:actor/:nonce',
    { schema: { params: { type: 'object', required: ['actor', 'nonce'], properties: { actor: { type: 'string', maxLength: 64 }, nonce: { type: 'string', maxLength: 128 } } } } },
    async (request) => {
      const viewer = await viewerOf(pool, request);
      if (!viewer.seesAll && viewer.partyId !== request.params.actor) throw new Problem(commonProblems.forbidden, 'a party reads only the results of its own commands');
      const result = await resultOf(pool, request.params.actor, request.params.nonce);
      if (!result) throw new Problem(commonProblems.notFound, `no result yet for ${request.params.actor}/${request.params.nonce}`);
      return result;
    },
  );
}
