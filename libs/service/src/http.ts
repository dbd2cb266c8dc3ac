/**
 * The HTTP shell every service shares, as fastify plugins: trace ids in and out, problem+json
 * for every error, `/health` (the process is alive), `/ready` (its dependencies answer) and
 * `/metrics` (Prometheus).
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import client from 'prom-client';
import { Problem, commonProblems, problemContentType } from '@cascade/errors';
import { traceHeader, traceIdFrom, withTrace, type Logger } from '@cascade/logging';

export type ReadinessCheck = () => Promise<void>;

export interface ServiceAppOptions {
  name: string;
  logger: Logger;
  /** Named dependency checks; `/ready` answers 200 only when every one resolves. */
  readiness: Record<string, ReadinessCheck>;
  registry?: client.Registry;
  bodyLimitBytes?: number;
  fastify?: FastifyServerOptions;
}

export const bodyLimitBytesDefault = 1_048_576;
export const readinessTimeoutMs = 2_000;

declare module 'fastify' {
  interface FastifyRequest {
    traceId: string;
  }
}

const tracing = fp(async (app: FastifyInstance) => {
  app.decorateRequest('traceId', '');
  app.addHook('onRequest', (request, reply, done) => {
    request.traceId = traceIdFrom(request.headers[traceHeader]);
    reply.header(traceHeader, request.traceId);
    withTrace(request.traceId, done);
  });
});

const problems = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, request, reply) => {
    let problem: Problem;
    const statusCode = error.statusCode ?? 500;
    if (error instanceof Problem) problem = error;
    else if (error.validation) {
      problem = new Problem(commonProblems.validationFailed, error.message);
    } else if (statusCode === 413) {
      problem = new Problem(commonProblems.payloadTooLarge, error.message);
    } else if (statusCode < 500) {
      problem = new Problem(commonProblems.validationFailed, error.message);
    } else {
      request.log.error({ err: error }, 'unhandled error');
      problem = new Problem(commonProblems.internal, 'an internal error occurred; quote the trace id when reporting it', { traceId: request.traceId });
    }
    void reply.status(problem.status).type(problemContentType).send(problem.toDocument(request.url));
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = new Problem(commonProblems.notFound, `no route ${request.method} ${request.url}`);
    void reply.status(404).type(problemContentType).send(problem.toDocument(request.url));
  });
});

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export function buildServiceApp(options: ServiceAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes ?? bodyLimitBytesDefault,
    ...options.fastify,
  });
  const registry = options.registry ?? new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: `cascade_${options.name}_` });
  void app.register(tracing);
  void app.register(problems);

  app.get('/health', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' }, service: { type: 'string' } } } } } }, async () => ({ status: 'ok', service: options.name }));

  app.get('/ready', async (_request, reply) => {
    const results: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      Object.entries(options.readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check(), readinessTimeoutMs);
          results[name] = 'ok';
        } catch (error) {
          ready = false;
          results[name] = (error as Error).message;
        }
      }),
    );
    if (!ready) {
      const problem = new Problem(commonProblems.notReady, 'one or more dependencies do not answer', { checks: results });
      return reply.status(503).type(problemContentType).send(problem.toDocument('/ready'));
    }
    return { status: 'ready', service: options.name, checks: results };
  });

  app.get('/metrics', async (_request, reply) => {
    void reply.type(registry.contentType);
    return registry.metrics();
  });
  return app;
}
