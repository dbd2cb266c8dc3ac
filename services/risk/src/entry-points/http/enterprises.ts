/**
 * Enterprise data and scores. Data comes from the operator or the regulator — as JSON records,
 * or as a file (CSV of one kind, or a JSON array) with a per-row report. An enterprise sees its
 * own score and records; the regulator and the operator see any.
 */
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import { withTransaction, type Pool } from '@cascade/db';
import { Problem } from '@cascade/errors';
import type { RiskContext } from '../../application/context.ts';
import { importRowsMax, ingestRows } from '../../application/ingest.ts';
import { riskProblems } from '../../application/problems.ts';
import { scoreEnterprise } from '../../application/scoring.ts';
import { recordKinds } from '../../domain/records.ts';
import { shanghaiDate } from '../../domain/time.ts';
import { parkedEvents } from '../../data-access/parking.ts';
import { recordHistory } from '../../data-access/records.ts';
import { callerFrom, requireDataProvider, type Caller } from './caller.ts';
import { anyJson, featureValues, pageLimit, partyId } from './schemas.ts';

/** An import file's text, at most (characters; the route's body limit is a little above). */
export const importTextCharsMax = 4 * 1024 * 1024;
const importBodyBytesMax = importTextCharsMax * 2;

const importReport = {
  type: 'object',
  required: ['rows', 'created', 'updated', 'unchanged', 'refused', 'alerts', 'report'],
  properties: {
    rows: { type: 'integer' }, created: { type: 'integer' }, updated: { type: 'integer' }, unchanged: { type: 'integer' }, refused: { type: 'integer' }, alerts: { type: 'integer' },
    report: {
      type: 'array',
      items: {
        type: 'object',
        required: ['row', 'status'],
        properties: { row: { type: 'integer' }, status: { type: 'string' }, enterprise: { type: 'string' }, kind: { type: 'string' }, recordKey: { type: 'string' }, version: { type: 'integer' }, alerts: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' } },
      },
    },
  },
} as const;

const enterpriseParams = { type: 'object', required: ['enterprise'], properties: { enterprise: partyId } } as const;

function mayRead(caller: Caller, enterprise: string): void {
  if (caller.partyId !== enterprise && !caller.isRegulator && !caller.isOperator) throw new Problem(riskProblems.notYourEnterprise, `${caller.partyId} may not read ${enterprise}`);
}

function rowsOf(format: 'csv' | 'json', content: string): Record<string, unknown>[] {
  try {
    if (format === 'json') {
      const parsed = JSON.parse(content) as unknown;
      if (!Array.isArray(parsed) || !parsed.every((r) => r && typeof r === 'object' && !Array.isArray(r))) throw new Error('a JSON import is an array of objects');
      return parsed as Record<string, unknown>[];
    }
    return parse(content, { bom: true, columns: true, skip_empty_lines: true, trim: true }) as Record<string, unknown>[];
  } catch (error) {
    throw new Problem(riskProblems.importMalformed, (error as Error).message.slice(0, 300));
  }
}

export function enterpriseRoutes(app: FastifyInstance, pool: Pool, ctx: RiskContext): void {
  app.post<{ Body: { records: Record<string, unknown>[] } }>(
    '/v1/enterprise-records',
    {
      schema: {
        body: { type: 'object', additionalProperties: false, required: ['records'], properties: { records: { type: 'array', minItems: 1, maxItems: importRowsMax, items: { type: 'object' } } } },
        response: { 200: importReport },
      },
    },
    async (request) => {
      requireDataProvider(await callerFrom(pool, request));
      return withTransaction(pool, (c) => ingestRows(c, ctx, request.body.records));
    },
  );

  app.post<{ Body: { kind?: string; format: 'csv' | 'json'; content: string } }>(
    '/v1/enterprise-records/import',
    {
      bodyLimit: importBodyBytesMax,
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['format', 'content'],
          properties: { kind: { enum: [...recordKinds] }, format: { enum: ['csv', 'json'] }, content: { type: 'string', minLength: 1, maxLength: importTextCharsMax } },
        },
        response: { 200: importReport },
      },
    },
    async (request) => {
      requireDataProvider(await callerFrom(pool, request));
      const rows = rowsOf(request.body.format, request.body.content);
      if (rows.length > importRowsMax) throw new Problem(riskProblems.importRowsTooMany, `${rows.length} rows; one import carries at most ${importRowsMax}`);
      return withTransaction(pool, (c) => ingestRows(c, ctx, rows, request.body.kind));
    },
  );

  app.get<{ Params: { enterprise: string } }>(
    '/v1/enterprises/:enterprise/score',
    {
      schema: {
        params: enterpriseParams,
        response: {
          200: {
            type: 'object',
            required: ['enterprise', 'asOf', 'score', 'pd', 'grade', 'reasons', 'scorecardVersion', 'features'],
            properties: { enterprise: { type: 'string' }, asOf: { type: 'string' }, score: { type: 'number' }, pd: { type: 'number' }, grade: { type: 'string' }, reasons: { type: 'array', items: { type: 'string' } }, scorecardVersion: { type: 'string' }, features: featureValues },
          },
        },
      },
    },
    async (request) => {
      mayRead(await callerFrom(pool, request), request.params.enterprise);
      const asOf = shanghaiDate(ctx.now());
      const { features, result } = await scoreEnterprise(pool, ctx.card, request.params.enterprise, asOf);
      return { enterprise: request.params.enterprise, asOf, score: result.score, pd: Number(result.pd.toFixed(6)), grade: result.grade, reasons: result.reasons, scorecardVersion: result.version, features };
    },
  );

  app.get<{ Params: { enterprise: string }; Querystring: { limit?: number } }>(
    '/v1/enterprises/:enterprise/records',
    {
      schema: {
        params: enterpriseParams,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: pageLimit } },
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: { type: 'object', required: ['kind', 'recordKey', 'version', 'source', 'observedAt', 'receivedAt', 'data'], properties: { kind: { type: 'string' }, recordKey: { type: 'string' }, version: { type: 'integer' }, source: { type: 'string' }, observedAt: { type: 'string' }, receivedAt: { type: 'string' }, data: anyJson } } } },
          },
        },
      },
    },
    async (request) => {
      mayRead(await callerFrom(pool, request), request.params.enterprise);
      return { items: await recordHistory(pool, request.params.enterprise, request.query.limit ?? 50) };
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/v1/parked-events',
    {
      schema: {
        querystring: { type: 'object', additionalProperties: false, properties: { limit: pageLimit } },
        response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } } } } },
      },
    },
    async (request) => {
      requireDataProvider(await callerFrom(pool, request));
      return { items: await parkedEvents(pool, request.query.limit ?? 50) };
    },
  );
}
