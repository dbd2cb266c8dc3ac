/**
 * RFC 9457 problem details with a stable `type` per error.
 *
 * Every error the platform returns to a client is a `Problem`. Its `type` is derived from a
 * camelCase code (`voucherAlreadySplit` → `urn:cascade:problem:voucher-already-split`), so the
 * code reads as a sentence in the source and the URI never changes once published.
 */

export const problemTypePrefix = 'urn:cascade:problem:';
export const problemContentType = 'application/problem+json';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** The camelCase code behind `type`, repeated for clients that prefer not to parse URIs. */
  code: string;
  [extension: string]: unknown;
}

export interface ProblemDefinition {
  code: string;
  title: string;
  status: number;
}

const codePattern = /^[a-z][a-zA-Z0-9]*$/;

export function problemTypeOf(code: string): string {
  if (!codePattern.test(code)) throw new Error(`problem code must be camelCase, got ${JSON.stringify(code)}`);
  return problemTypePrefix + code.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** A typed operational error that carries its problem document. */
export class Problem extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extensions: Record<string, unknown>;

  constructor(definition: ProblemDefinition, detail?: string, extensions: Record<string, unknown> = {}) {
    super(detail ? `${definition.code}: ${detail}` : definition.code);
    this.name = 'Problem';
    this.code = definition.code;
    this.status = definition.status;
    this.title = definition.title;
    this.detail = detail;
    this.extensions = extensions;
  }

  toDocument(instance?: string): ProblemDocument {
    return {
      ...this.extensions,
      type: problemTypeOf(this.code),
      title: this.title,
      status: this.status,
      code: this.code,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(instance === undefined ? {} : { instance }),
    };
  }
}

/**
 * A table of problem definitions keyed by code. Declaring them in one table per service keeps
 * the mapping from rejection to HTTP status in one place, as the style guide asks.
 */
export function defineProblems<const T extends Record<string, { title: string; status: number }>>(
  table: T,
): { [K in keyof T]: ProblemDefinition } {
  const out: Record<string, ProblemDefinition> = {};
  for (const [code, def] of Object.entries(table)) {
    problemTypeOf(code); // asserts the code's shape at load time
    if (!Number.isInteger(def.status) || def.status < 400 || def.status > 599) {
      throw new Error(`problem ${code} has a non-error status ${def.status}`);
    }
    out[code] = { code, title: def.title, status: def.status };
  }
  return out as { [K in keyof T]: ProblemDefinition };
}

/** Problems every service can return. */
export const commonProblems = defineProblems({
  validationFailed: { title: 'The request does not match its schema', status: 400 },
  notFound: { title: 'No such resource', status: 404 },
  unauthenticated: { title: 'Authentication is required', status: 401 },
  forbidden: { title: 'Not allowed for this party', status: 403 },
  conflict: { title: 'The request conflicts with the current state', status: 409 },
  payloadTooLarge: { title: 'The request body is too large', status: 413 },
  rateLimited: { title: 'Too many requests', status: 429 },
  notReady: { title: 'A dependency is not ready', status: 503 },
  internal: { title: 'Internal error', status: 500 },
});

export function isProblem(error: unknown): error is Problem {
  return error instanceof Problem;
}
