/** Pieces every resource file uses: problem responses, params schemas, command route definitions. */
import { Type, type TSchema } from 'typebox';
import { commandPayloadSchemas, type CommandPayloadName } from '@cascade/events';
import { CommandAcceptedSchema, CommandPendingSchema, ProblemSchema, signedCommandSchema, type Role } from '@cascade/sdk/contract';
import type { RouteDefinition } from '../../route-table.ts';
import type { InternalService } from '../../edge/upstream.ts';

export const problems = { '4xx': ProblemSchema, '5xx': ProblemSchema } as const;

export function ok(schema: TSchema, extra: Record<string, TSchema> = {}) {
  return { 200: schema, ...extra, ...problems };
}

export const params = (...names: string[]) =>
  Type.Object(Object.fromEntries(names.map((n) => [n, Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' })])), { additionalProperties: false });

/** A route taking one signed command type, answered by the ledger. */
export function commandRoute(type: CommandPayloadName, summary: string, tags: string[], roles: readonly Role[], pathParams: string[] = []): RouteDefinition {
  return {
    summary: `${summary} (signed \`${type}\`)`,
    tags,
    access: { auth: 'token', roles },
    schema: {
      ...(pathParams.length > 0 ? { params: params(...pathParams) } : {}),
      body: signedCommandSchema(type, commandPayloadSchemas[type]),
      response: { 200: CommandAcceptedSchema, 202: CommandPendingSchema, ...problems },
    },
    answer: { kind: 'command' },
  };
}

/**
 * A route the gateway forwards to an internal service's HTTP API, as one entry: the service, its
 * path (built from the request), who may call it, and the schemas — imported from the service's
 * exported route schemas, so the OpenAPI document shows exactly what the service takes and
 * returns. The operation's method and public path are the contract's (`@cascade/sdk/contract`).
 *
 *   listInvoices: forwardRoute({ service: 'invoices', path: (r) => `/v1/invoices${queryString(r.query)}`,
 *     summary: 'Invoices the caller registered or is party to', tags: ['invoices'],
 *     access: { auth: 'token', roles: ['core', 'supplier', 'funder', 'regulator'] },
 *     schema: { querystring: invoiceListQuery, response: ok(invoicePage) } }),
 */
export function forwardRoute(def: Omit<RouteDefinition, 'answer'> & { service: InternalService; path: (request: import('fastify').FastifyRequest) => string; signedCommand?: { type: string; bind?: Record<string, string> } }): RouteDefinition {
  const { service, path, signedCommand, ...rest } = def;
  return { ...rest, answer: { kind: 'forward', service, path, ...(signedCommand ? { signedCommand } : {}) } };
}

/** A JSON Schema of an internal service (plain JSON Schema objects) as a route schema. */
export const json = (schema: object): TSchema => schema as TSchema;

/**
 * A service route's schemas for the gateway's route: its query, body and success responses as the
 * service declares them, its path parameter renamed to the public path's (`:id` → `:contractId`),
 * and the gateway's own problem schema for errors.
 */
export function fromService(
  schemas: { params?: object; querystring?: object; body?: object; response: Record<string, object> },
  rename: { from: string; to: string } | null = null,
): { params?: TSchema; querystring?: TSchema; body?: TSchema; response: Record<string, TSchema> } {
  const response = Object.fromEntries(Object.entries(schemas.response).filter(([code]) => /^[23]/.test(code)).map(([code, s]) => [code, json(s)]));
  let params = schemas.params as { required?: string[]; properties: Record<string, object> } | undefined;
  if (params && rename) {
    const { [rename.from]: schema, ...others } = params.properties;
    if (!schema) throw new Error(`the service's params have no ${rename.from}`);
    params = { ...params, required: (params.required ?? []).map((n) => (n === rename.from ? rename.to : n)), properties: { ...others, [rename.to]: schema } };
  }
  return {
    ...(params ? { params: json(params) } : {}),
    ...(schemas.querystring ? { querystring: json(schemas.querystring) } : {}),
    ...(schemas.body ? { body: json(schemas.body) } : {}),
    response: { ...response, ...problems },
  };
}
