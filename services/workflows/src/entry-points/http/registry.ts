/**
 * A voucher's financing registration record, for the gateway to publish and to check before an
 * approval: `GET /v1/financings/{voucherId}/registry` answers the latest financing request of the
 * voucher — the search (its hits, those in force among them: what the bank is shown and what
 * stops an approval), the registration, the release. The funder named in the request and the
 * holder read it; the regulator and the operator read any. To anyone else the financing is
 * unknown (404).
 */
import type { FastifyInstance } from 'fastify';
import { Problem, commonProblems } from '@cascade/errors';
import { callerOf } from '@cascade/service';
import type { WorkflowsDeps } from '../../application/workflows.ts';
import * as reg from '../../data-access/registry.ts';
import * as store from '../../data-access/store.ts';
import { activeHits } from '../../domain/registry.ts';
import { workflowsProblems } from './webhooks.ts';

const party = { type: 'object', required: ['name', 'uscc'], additionalProperties: false, properties: { name: { type: 'string' }, uscc: { type: 'string' } } } as const;
const prior = {
  type: 'object',
  additionalProperties: false,
  required: ['registrationNumber', 'kind', 'registeredAt', 'expiresOn', 'grantor', 'securedParty', 'collateralDescription', 'status'],
  properties: {
    registrationNumber: { type: 'string' },
    kind: { enum: ['transfer', 'pledge'] },
    registeredAt: { type: 'string' },
    expiresOn: { type: 'string' },
    grantor: party,
    securedParty: party,
    amount: { type: 'string' },
    collateralDescription: { type: 'string' },
    status: { enum: ['active', 'released', 'expired'] },
  },
} as const;
const stepState = { enum: ['none', 'pending', 'enqueued', 'done', 'cancelled', 'failed'] } as const;
const step = (extra: Record<string, object>) =>
  ({ type: 'object', additionalProperties: false, required: ['state', 'outcome', ...Object.keys(extra)], properties: { state: stepState, outcome: { type: ['string', 'null'] }, ...extra } }) as const;
const nullableString = { type: ['string', 'null'] } as const;

export const registryRecordSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['voucherId', 'financingId', 'state', 'holder', 'funder', 'amount', 'requestedAt', 'registryStatus', 'search', 'registration', 'release'],
  properties: {
    voucherId: { type: 'string' },
    financingId: { type: 'string' },
    state: { enum: ['requested', 'funded', 'rejected', 'withdrawn', 'paidOff'] },
    holder: { type: 'string' },
    funder: { type: 'string' },
    amount: { type: 'string' },
    requestedAt: { type: 'string' },
    registryStatus: { enum: ['new', 'searched', 'registered', 'released'] },
    search: step({ searchReportNumber: nullableString, searchedAt: nullableString, hits: { type: 'array', items: prior }, activeHits: { type: 'array', items: prior } }),
    registration: step({ registrationNumber: nullableString, registeredAt: nullableString, expiresOn: nullableString }),
    release: step({ releasedAt: nullableString }),
  },
} as const;

export const registryRouteSchemas = {
  getFinancingRegistry: {
    params: { type: 'object', required: ['voucherId'], additionalProperties: false, properties: { voucherId: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } } },
    response: { 200: registryRecordSchema },
  },
} as const;

type Answer = Record<string, unknown> | null;

/** The record as the API shows it. */
export function registryRecordOf(f: reg.FinancingRow, steps: reg.StepRow[]) {
  const of = (operation: string) => steps.find((s) => s.operation === operation);
  const stateOf = (operation: string) => ({ state: of(operation)?.state ?? 'none', outcome: of(operation)?.outcome ?? null });
  const search = f.search as { searchReportNumber: string; searchedAt: string; registrations: never[] } | null;
  const registration = f.registration as Answer;
  const release = f.release as Answer;
  return {
    voucherId: f.voucherId,
    financingId: f.financingId,
    state: f.state,
    holder: f.holder,
    funder: f.funder,
    amount: f.amount,
    requestedAt: f.requestedAt.toISOString(),
    registryStatus: f.registryStatus,
    search: { ...stateOf('search'), searchReportNumber: search?.searchReportNumber ?? null, searchedAt: search?.searchedAt ?? null, hits: search?.registrations ?? [], activeHits: activeHits(search) },
    registration: {
      ...stateOf('register'),
      registrationNumber: (registration?.registrationNumber as string | undefined) ?? null,
      registeredAt: (registration?.registeredAt as string | undefined) ?? null,
      expiresOn: (registration?.expiresOn as string | undefined) ?? null,
    },
    release: { ...stateOf('release'), releasedAt: (release?.releasedAt as string | undefined) ?? null },
  };
}

export function registryRoutes(app: FastifyInstance, deps: WorkflowsDeps): void {
  app.get<{ Params: { voucherId: string } }>('/v1/financings/:voucherId/registry', { schema: registryRouteSchemas.getFinancingRegistry }, async (request) => {
    const partyId = callerOf(request);
    const roles = await store.rolesOf(deps.pool, partyId);
    if (!roles) throw new Problem(workflowsProblems.partyUnknown, `party ${partyId} is not registered on the ledger`);
    const f = await reg.latestFinancingOf(deps.pool, request.params.voucherId);
    const seesAll = roles.includes('regulator') || roles.includes('operator');
    if (!f || !(seesAll || f.holder === partyId || f.funder === partyId)) throw new Problem(commonProblems.notFound, `no financing of voucher ${request.params.voucherId} known to ${partyId}`);
    return registryRecordOf(f, await reg.stepsOf(deps.pool, f.financingId));
  });
}
