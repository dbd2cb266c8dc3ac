/** The ledger's HTTP routes on the shared service app; never listens. */
import type { FastifyInstance } from 'fastify';
import type { Pool } from '@cascade/db';
import { chainRoutes } from './entry-points/http/chain.ts';
import { voucherRoutes } from './entry-points/http/vouchers.ts';

export function registerLedgerRoutes(app: FastifyInstance, pool: Pool): void {
  voucherRoutes(app, pool);
  chainRoutes(app, pool);
}
