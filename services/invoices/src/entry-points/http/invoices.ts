/**
 * Invoices (信息流): register one, read one with its usage and verification, list the caller's,
 * and import many from a CSV or JSON file streamed in the request body.
 */
import { Transform } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { InvoiceInput } from '../../domain/index.ts';
import { ImportFileError, importInvoices, type ImportFormat, type ImportMode } from '../../application/import.ts';
import { invoiceFor, listScope, lists, registerInvoice } from '../../application/records.ts';
import type { InvoicesDeps } from '../../application/deps.ts';
import { asCaller, found } from './problems.ts';
import { invoicesRouteSchemas as s, nextOf } from './route-schemas.ts';

/** Stops a request body past `bytesMax` (the importer then reports the file as cut off). */
function byteLimit(bytesMax: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > bytesMax) return done(new ImportFileError(`the file is larger than ${bytesMax} bytes`));
      done(null, chunk);
    },
  });
}

export function invoiceRoutes(app: FastifyInstance, deps: InvoicesDeps, options: { importBytesMax: number }): void {
  app.post<{ Body: InvoiceInput }>(
    '/v1/invoices',
    { schema: { summary: 'Register an invoice the caller issued or received; the same code and number anywhere on the platform is refused', ...s.registerInvoice } },
    async (request, reply) => reply.status(201).send(await asCaller(request, (caller) => registerInvoice(deps, caller, request.body))),
  );

  app.get<{ Params: { id: string } }>('/v1/invoices/:id', { schema: s.getInvoice }, async (request) =>
    asCaller(request, async (caller) => found(await invoiceFor(deps, caller, request.params.id), 'invoice', request.params.id, caller)),
  );

  app.get<{ Querystring: { after?: string; limit?: number; verification?: string } }>('/v1/invoices', { schema: s.listInvoices }, async (request) =>
    asCaller(request, async (caller) => {
      const limit = request.query.limit ?? 50;
      const items = await lists.invoices(deps.pool, { party: await listScope(deps, caller), after: request.query.after ?? null, limit, verification: request.query.verification });
      return { items, next: nextOf(items, limit, (i) => i.invoiceId) };
    }),
  );

  // The import takes the body as a stream: its own content-type parsers, in their own scope.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(['text/csv', 'application/json'], (_request, payload, done) => done(null, payload));
    scope.post<{ Querystring: { format: ImportFormat; mode: ImportMode } }>(
      '/v1/invoice-imports',
      {
        schema: {
          summary: 'Import invoices from a CSV (text/csv) or JSON (application/json, one array) file in the body, streamed; answers a summary with the refused rows',
          ...s.importInvoices,
        },
      },
      async (request) =>
        asCaller(request, (caller) => {
          const body = request.body as NodeJS.ReadableStream;
          const limited = byteLimit(options.importBytesMax);
          body.on('error', (error) => limited.destroy(error as Error));
          body.pipe(limited);
          return importInvoices(deps, { caller, format: request.query.format, mode: request.query.mode, input: limited });
        }),
    );
  });
}
