/**
 * The web console (`apps/console`), served as the static files Vite built, at `/`. Only the files
 * that exist when the gateway starts get routes (no wildcard), so nothing here can shadow `/v1`,
 * `/docs`, `/health`, `/ready` or `/metrics`; when the console was not built the gateway starts
 * without it and says so once.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '@cascade/logging';

/** Where `npm run build -w @cascade/console` (Vite) writes the console. */
export const consoleDistDirDefault = fileURLToPath(new URL('../../../../../apps/console/dist', import.meta.url));

export async function registerConsole(app: FastifyInstance, logger: Logger, distDir: string = consoleDistDirDefault): Promise<boolean> {
  if (!existsSync(`${distDir}/index.html`)) {
    logger.info({ distDir }, 'web console not built; serving the API only');
    return false;
  }
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      decorateReply: false,
      // Hashed asset names change with their content; index.html must be revalidated.
      setHeaders: (reply, filePath) => {
        reply.header('cache-control', filePath.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
      },
    });
  });
  return true;
}
