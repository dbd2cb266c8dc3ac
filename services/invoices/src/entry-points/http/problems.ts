/**
 * The one place where the domain's rejections become HTTP problems (RFC 9457, type
 * `urn:cascade:problem:<kebab-code>`, the status of `domain/rejections.ts`).
 */
import type { FastifyRequest } from 'fastify';
import { Problem, commonProblems, defineProblems } from '@cascade/errors';
import { callerOf } from '@cascade/service';
import { Refusal, rejections, type RejectionCode } from '../../domain/index.ts';

export const invoicesProblems = defineProblems(rejections) as Record<RejectionCode, { code: string; title: string; status: number }>;

export function problemOf(error: unknown): unknown {
  if (error instanceof Refusal) return new Problem(invoicesProblems[error.code], error.detail);
  return error;
}

/** Runs a use case for the caller of an internal request; a refusal becomes its problem. */
export async function asCaller<T>(request: FastifyRequest, fn: (caller: string) => Promise<T>): Promise<T> {
  const caller = callerOf(request);
  try {
    return await fn(caller);
  } catch (error) {
    throw problemOf(error);
  }
}

/** The same 404 for absent and invisible: ids cannot be probed. */
export function found<T>(value: T | undefined, what: string, id: string, caller: string): T {
  if (value === undefined) throw new Problem(commonProblems.notFound, `no ${what} ${id} visible to ${caller}`);
  return value;
}
