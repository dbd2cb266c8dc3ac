/**
 * Calls to the internal services (ledger, invoices, risk). Every call names the calling party in
 * a fresh internal token for that service's audience (`signInternalToken`), carries the trace id,
 * and is bounded by `upstreamTimeoutMs`. A service that does not answer is `upstreamUnavailable`.
 */
import { Problem } from '@cascade/errors';
import { traceHeader } from '@cascade/logging';
import { internalIdentityHeader, signInternalToken } from '@cascade/service';
import { gatewayProblems } from '../problems.ts';

export type InternalService = 'ledger' | 'invoices' | 'risk';

export interface UpstreamResponse {
  status: number;
  body: unknown;
}

/** Largest response body read from an internal service. */
export const upstreamBodyBytesMax = 8 * 1024 * 1024;

export class Upstreams {
  constructor(
    private readonly options: { urls: Record<InternalService, string>; key: Buffer; timeoutMs: number },
  ) {}

  async call(service: InternalService, input: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; caller: string; traceId: string; body?: unknown }): Promise<UpstreamResponse> {
    const url = new URL(input.path, this.options.urls[service]);
    let res: Response;
    try {
      res = await fetch(url, {
        method: input.method,
        headers: {
          [internalIdentityHeader]: signInternalToken(this.options.key, { sub: input.caller, aud: service }),
          [traceHeader]: input.traceId,
          ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: input.body === undefined ? undefined : JSON.stringify(input.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new Problem(gatewayProblems.upstreamUnavailable, `the ${service} service did not answer: ${(error as Error).name}`);
    }
    const text = await res.text();
    if (text.length > upstreamBodyBytesMax) throw new Problem(gatewayProblems.upstreamUnavailable, `the ${service} service answered more than ${upstreamBodyBytesMax} bytes`);
    let body: unknown = null;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new Problem(gatewayProblems.upstreamUnavailable, `the ${service} service answered something that is not JSON (status ${res.status})`);
      }
    }
    return { status: res.status, body };
  }
}
