/**
 * Assessments: a funder sees those of requests made to it, the regulator all. One assessment
 * comes with the inputs it was made from; re-running it applies the stored scorecard version to
 * the stored inputs and says whether the answer is the same.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from '@cascade/db';
import { Problem } from '@cascade/errors';
import { rerunAssessment } from '../../application/assess.ts';
import { riskProblems } from '../../application/problems.ts';
import { assessmentById, assessmentsOf, type StoredAssessment } from '../../data-access/assessments.ts';
import { callerFrom, requireFunder } from './caller.ts';
import { riskRouteSchemas as s } from './schemas.ts';

const summary = ({ inputs: _inputs, ...rest }: StoredAssessment) => rest;

export function assessmentRoutes(app: FastifyInstance, pool: Pool): void {
  const visible = async (request: FastifyRequest, id: string): Promise<StoredAssessment> => {
    const caller = await callerFrom(pool, request);
    const a = await assessmentById(pool, id);
    // Absent and not yours look the same, so ids cannot be probed.
    if (!a || (!caller.isRegulator && a.funder !== caller.partyId)) throw new Problem(riskProblems.assessmentNotFound, `no assessment ${id} visible to ${caller.partyId}`);
    return a;
  };

  app.get<{ Querystring: { voucherId?: string; before?: string; limit?: number } }>(
    '/v1/assessments',
    { schema: s.listAssessments },
    async (request) => {
      const caller = await callerFrom(pool, request);
      if (!caller.isRegulator) requireFunder(caller);
      const limit = request.query.limit ?? 50;
      const items = await assessmentsOf(pool, { funder: caller.isRegulator ? null : caller.partyId, voucherId: request.query.voucherId ?? null, before: request.query.before ?? null, limit });
      return { items: items.map(summary), next: items.length === limit ? items.at(-1)!.assessmentId : null };
    },
  );

  app.get<{ Params: { assessmentId: string } }>(
    '/v1/assessments/:assessmentId',
    { schema: s.getAssessment },
    async (request) => visible(request, request.params.assessmentId),
  );

  app.post<{ Params: { assessmentId: string } }>(
    '/v1/assessments/:assessmentId/rerun',
    { schema: s.rerunAssessment },
    async (request) => {
      const a = await visible(request, request.params.assessmentId);
      const { result, same } = await rerunAssessment(pool, a);
      return { assessmentId: a.assessmentId, same, stored: a.result, rerun: result };
    },
  );
}
