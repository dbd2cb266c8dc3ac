/**
 * Calls to the internal services (ledger, invoices, risk, workflows). Every call names the calling party in
 * a fresh internal token for that service's audience (`signInternalToken`), carries the trace id,
 * and is bounded by `upstreamTimeoutMs`. A service that does not answer is `upstreamUnavailable`.
 */
import { Transform, type Readable } from 'node:stream';
import { Problem, commonProblems } from '@cascade/errors';
import { traceHeader } from '@cascade/logging';
import { internalIdentityHeader, signInternalToken } from '@cascade/service';
import { gatewayProblems } from '../problems.ts';

export type InternalService = 'ledger' | 'invoices' | 'risk' | 'workflows';

export interface UpstreamResponse {
  status: number;
  body: unknown;
  /** Set for a 2xx document that is not JSON (`application/xml`): `body` is then its text. */
  contentType?: string;
}

/** Content types a service may answer other than JSON, passed through as text. */
const documentTypePattern = /^application\/xml\b/i;

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
    return this.read(service, res);
  }

  /**
   * A request whose body is a file streamed through as it arrives (a bulk import): never held in
   * memory, cut off past `bytesMax` (the service then reports the file as unreadable at that point).
   */
  async stream(service: InternalService, input: { method: 'POST'; path: string; caller: string; traceId: string; contentType: string; body: Readable; bytesMax: number; timeoutMs: number }): Promise<UpstreamResponse> {
    const url = new URL(input.path, this.options.urls[service]);
    let seen = 0;
    let tooLarge = false;
    const limited = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        if (seen > input.bytesMax) {
          tooLarge = true;
          return done(new Error(`the file is larger than ${input.bytesMax} bytes`));
        }
        done(null, chunk);
      },
    });
    input.body.on('error', (error) => limited.destroy(error));
    input.body.pipe(limited);
    let res: Response;
    try {
      res = await fetch(url, {
        method: input.method,
        headers: { [internalIdentityHeader]: signInternalToken(this.options.key, { sub: input.caller, aud: service }), [traceHeader]: input.traceId, 'content-type': input.contentType },
        body: limited as unknown as ReadableStream,
        duplex: 'half',
        signal: AbortSignal.timeout(input.timeoutMs),
      } as RequestInit & { duplex: 'half' });
    } catch (error) {
      if (tooLarge) throw new Problem(commonProblems.payloadTooLarge, `the file is larger than ${input.bytesMax} bytes (GATEWAY_IMPORT_BYTES_MAX)`);
      throw new Problem(gatewayProblems.upstreamUnavailable, `the ${service} service did not take the file: ${(error as Error).name}`);
    }
    return this.read(service, res);
  }

  private async read(service: InternalService, res: Response): Promise<UpstreamResponse> {
    const text = await res.text();
    if (text.length > upstreamBodyBytesMax) throw new Problem(gatewayProblems.upstreamUnavailable, `the ${service} service answered more than ${upstreamBodyBytesMax} bytes`);
    const contentType = res.headers.get('content-type') ?? '';
    if (res.status < 300 && documentTypePattern.test(contentType)) return { status: res.status, body: text, contentType };
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
