/** Route-level schema pieces shared by the resource files: error responses, params, pages. */
import { pageOf, problemSchema, uuid } from '../../schemas.ts';

/** Every route answers its errors as problem+json. */
export const errors = { '4xx': problemSchema, '5xx': problemSchema } as const;

export const idParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: uuid } } as const;

export const uuidPageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { after: uuid, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
} as const;

export { pageOf };

/** The next-page cursor: the last id when the page is full. */
export function nextOf<T>(items: T[], limit: number, idOf: (t: T) => string): string | null {
  return items.length === limit && items.length > 0 ? idOf(items.at(-1)!) : null;
}

// What the gateway's OpenAPI document reads from each route besides its schemas (the keys
// @fastify/swagger reads); fastify itself ignores them.
declare module 'fastify' {
  interface FastifySchema {
    summary?: string;
    description?: string;
  }
}
