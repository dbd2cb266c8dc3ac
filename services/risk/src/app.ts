/** The risk service's HTTP routes on the shared service app; never listens. */
import type { FastifyInstance } from 'fastify';
import type { Pool } from '@cascade/db';
import type { RiskContext } from './application/context.ts';
import { alertRoutes } from './entry-points/http/alerts.ts';
import { assessmentRoutes } from './entry-points/http/assessments.ts';
import { enterpriseRoutes } from './entry-points/http/enterprises.ts';
import { matchingRoutes } from './entry-points/http/matching.ts';
import { productRoutes } from './entry-points/http/products.ts';

export function registerRiskRoutes(app: FastifyInstance, pool: Pool, ctx: RiskContext): void {
  productRoutes(app, pool, ctx);
  matchingRoutes(app, pool, ctx);
  assessmentRoutes(app, pool);
  alertRoutes(app, pool, ctx);
  enterpriseRoutes(app, pool, ctx);
}
