/** The invoices service's HTTP routes on the shared service app; never listens. */
import type { FastifyInstance } from 'fastify';
import type { InvoicesDeps } from '../../application/deps.ts';
import { contractRoutes } from './contracts.ts';
import { deliveryRoutes } from './deliveries.ts';
import { invoiceRoutes } from './invoices.ts';
import { payableRoutes } from './payables.ts';
import { paymentRoutes } from './payments.ts';

export function registerInvoicesRoutes(app: FastifyInstance, deps: InvoicesDeps, options: { importBytesMax: number }): void {
  contractRoutes(app, deps);
  invoiceRoutes(app, deps, options);
  deliveryRoutes(app, deps);
  paymentRoutes(app, deps);
  payableRoutes(app, deps);
}
