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
import { shanghaiDate } from '../../domain/time.ts';
import { parkedEvents } from '../../data-access/parking.ts';
import { recordHistory } from '../../data-access/records.ts';
import { callerFrom, requireDataProvider, type Caller } from './caller.ts';
import { importBodyBytesMax, importTextCharsMax, riskRouteSchemas as s } from './schemas.ts';

export { importTextCharsMax };

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
    { schema: s.ingestEnterpriseRecords },
    async (request) => {
      requireDataProvider(await callerFrom(pool, request));
      return withTransaction(pool, (c) => ingestRows(c, ctx, request.body.records));
    },
  );

  app.post<{ Body: { kind?: string; format: 'csv' | 'json'; content: string } }>(
    '/v1/enterprise-records/import',
    {
      bodyLimit: importBodyBytesMax,
      schema: s.importEnterpriseRecords,
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
    { schema: s.getEnterpriseScore },
    async (request) => {
      mayRead(await callerFrom(pool, request), request.params.enterprise);
      const asOf = shanghaiDate(ctx.now());
      const { features, result } = await scoreEnterprise(pool, ctx.card, request.params.enterprise, asOf);
      return { enterprise: request.params.enterprise, asOf, score: result.score, pd: Number(result.pd.toFixed(6)), grade: result.grade, reasons: result.reasons, scorecardVersion: result.version, features };
    },
  );

  app.get<{ Params: { enterprise: string }; Querystring: { limit?: number } }>(
    '/v1/enterprises/:enterprise/records',
    { schema: s.getEnterpriseRecords },
    async (request) => {
      mayRead(await callerFrom(pool, request), request.params.enterprise);
      return { items: await recordHistory(pool, request.params.enterprise, request.query.limit ?? 50) };
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/v1/parked-events',
    { schema: s.listParkedEvents },
    async (request) => {
      requireDataProvider(await callerFrom(pool, request));
      return { items: await parkedEvents(pool, request.query.limit ?? 50) };
    },
  );
}
