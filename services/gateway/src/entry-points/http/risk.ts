/**
 * Risk (DESIGN §4), answered by the risk service: enterprise data and scores, funders' financing
 * products and the products that fit a voucher, the assessment of every financing request, and
 * early-warning alerts. Every schema is the risk service's own (`riskRouteSchemas`).
 *
 * Access mirrors what the service enforces: enterprise data is fed by the operator or the
 * regulator (never by the enterprise it describes); an enterprise reads its own score and records,
 * the regulator and the operator anyone's; a funder publishes, withdraws and lists its own products
 * (the regulator lists all); a voucher's holder asks which products fit it (the service checks it
 * holds it; the regulator may ask for any); a funder reads the assessments of requests made to it
 * and the alerts addressed to it, and acknowledges them (the regulator reads all).
 */
import type { FastifyRequest } from 'fastify';
import { riskImportBodyBytesMax, riskRouteSchemas as s } from '@cascade/risk';
import { allRoles, queryString, tradingRoles, type RouteTable } from '../../route-table.ts';
import { forwardRoute, fromService } from './common.ts';

const param = (request: FastifyRequest, name: string) => encodeURIComponent((request.params as Record<string, string>)[name]!);
const q = (request: FastifyRequest) => queryString(request.query);
const token = 'token' as const;
const dataProviders = ['operator', 'regulator'] as const;
const funderOrRegulator = ['funder', 'regulator'] as const;

export const riskRoutes = {
  ingestEnterpriseRecords: forwardRoute({ service: 'risk', path: () => '/v1/enterprise-records', summary: 'Ingest enterprise records (registration, tax, judicial, credit bureau); each row is reported created, updated, unchanged or refused', tags: ['enterprises'], access: { auth: token, roles: dataProviders }, schema: fromService(s.ingestEnterpriseRecords) }),
  importEnterpriseRecords: forwardRoute({ service: 'risk', path: () => '/v1/enterprise-records/import', summary: 'Ingest enterprise records from a file’s text (CSV of one kind, or a JSON array; up to 4 MiB of text), with a per-row report', tags: ['enterprises'], access: { auth: token, roles: dataProviders }, schema: fromService(s.importEnterpriseRecords), bodyLimitBytes: riskImportBodyBytesMax }),
  getEnterpriseScore: forwardRoute({
    service: 'risk',
    path: (r) => `/v1/enterprises/${param(r, 'enterprise')}/score`,
    summary: "An enterprise's score, PD, grade and main reasons (the enterprise itself; the regulator and the operator: any)",
    tags: ['enterprises'],
    access: { auth: token, roles: allRoles, scope: { in: 'params', name: 'enterprise', seesAll: ['regulator', 'operator'] } },
    schema: fromService(s.getEnterpriseScore),
  }),
  getEnterpriseRecords: forwardRoute({
    service: 'risk',
    path: (r) => `/v1/enterprises/${param(r, 'enterprise')}/records${q(r)}`,
    summary: 'Every version of an enterprise’s records, newest first',
    tags: ['enterprises'],
    access: { auth: token, roles: allRoles, scope: { in: 'params', name: 'enterprise', seesAll: ['regulator', 'operator'] } },
    schema: fromService(s.getEnterpriseRecords),
  }),
  listRiskParkedEvents: forwardRoute({ service: 'risk', path: (r) => `/v1/parked-events${q(r)}`, summary: 'Events the risk service’s consumer set aside, and why', tags: ['enterprises'], access: { auth: token, roles: dataProviders }, schema: fromService(s.listParkedEvents) }),

  publishProduct: forwardRoute({ service: 'risk', path: (r) => `/v1/products/${param(r, 'productId')}`, summary: 'Publish (or revise: a new version) one of the caller’s financing products', tags: ['products'], access: { auth: token, roles: ['funder'] }, schema: fromService(s.publishProduct) }),
  withdrawProduct: forwardRoute({ service: 'risk', path: (r) => `/v1/products/${param(r, 'productId')}`, summary: 'Withdraw one of the caller’s products (a new version too)', tags: ['products'], access: { auth: token, roles: ['funder'] }, schema: fromService(s.withdrawProduct) }),
  listProducts: forwardRoute({
    service: 'risk',
    path: (r) => `/v1/products${q(r)}`,
    summary: 'The caller’s products (the regulator: anyone’s, ?funder=)',
    tags: ['products'],
    access: { auth: token, roles: funderOrRegulator, scope: { in: 'querystring', name: 'funder', seesAll: ['regulator'] } },
    schema: fromService(s.listProducts),
  }),
  matchProducts: forwardRoute({ service: 'risk', path: (r) => `/v1/vouchers/${param(r, 'voucherId')}/products${q(r)}`, summary: 'Which active products fit a voucher the caller holds, cheapest first, and why each other one does not', tags: ['products'], access: { auth: token, roles: [...tradingRoles, 'regulator'] }, schema: fromService(s.matchProducts) }),

  listAssessments: forwardRoute({ service: 'risk', path: (r) => `/v1/assessments${q(r)}`, summary: 'Assessments (FinancingAssessed) of financing requests made to the caller, newest first (the regulator: all)', tags: ['assessments'], access: { auth: token, roles: funderOrRegulator }, schema: fromService(s.listAssessments) }),
  getAssessment: forwardRoute({ service: 'risk', path: (r) => `/v1/assessments/${param(r, 'assessmentId')}`, summary: 'One assessment with the inputs it was made from', tags: ['assessments'], access: { auth: token, roles: funderOrRegulator }, schema: fromService(s.getAssessment) }),
  rerunAssessment: forwardRoute({ service: 'risk', path: (r) => `/v1/assessments/${param(r, 'assessmentId')}/rerun`, summary: 'Run an assessment again from its stored inputs and scorecard version; says whether the answer is the same', tags: ['assessments'], access: { auth: token, roles: funderOrRegulator }, schema: fromService(s.rerunAssessment) }),

  listAlerts: forwardRoute({ service: 'risk', path: (r) => `/v1/alerts${q(r)}`, summary: 'Early-warning alerts addressed to the caller, newest first (the regulator: all)', tags: ['alerts'], access: { auth: token, roles: funderOrRegulator }, schema: fromService(s.listAlerts) }),
  acknowledgeAlert: forwardRoute({ service: 'risk', path: (r) => `/v1/alerts/${param(r, 'alertId')}/acknowledge`, summary: 'Acknowledge an alert addressed to the caller, once', tags: ['alerts'], access: { auth: token, roles: ['funder'] }, schema: fromService(s.acknowledgeAlert) }),
} satisfies Partial<RouteTable>;
