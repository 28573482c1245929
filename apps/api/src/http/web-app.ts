import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import { AppError } from '@taskboard/schema';
import { isTrpcPath } from './error-contract';
import { pathOf, sendRestError } from './rest-error';
import { sendTrpcError } from './trpc-error';

/** Paths the API answers itself: never the SPA's index.html, even for a browser. */
const API_PREFIXES = ['/trpc', '/api', '/panel', '/healthz', '/readyz', '/metrics'];
/** Vite puts content-hashed files here: a new build gets new names, so they never change. */
const HASHED_ASSETS = '/assets/';

function isApiPath(url: string): boolean {
  const path = pathOf(url);
  return API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** A navigation the SPA's router answers: a GET for a page, not for a file or the API. */
function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (isApiPath(request.url) || request.url.startsWith(HASHED_ASSETS)) return false;
  return request.headers.accept?.includes('text/html') ?? false;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Taskboard is not built</title></head>
<body><h1>The web app is not built yet</h1>
<p>Run <code>pnpm build</code> (or <code>pnpm start</code>, which builds it) and reload.</p>
<p>The API itself is up: <a href="/api/docs">REST docs</a>, <a href="/panel">tRPC panel</a>.</p>
</body></html>`;

/**
 * Serves apps/web's production build at `/` (SPEC.md "Interfaces"): hashed assets with a
 * year-long immutable cache, `index.html` revalidated on every load (it names the current
 * assets), and the SPA's own routes (`/projects/…`) answered with `index.html`. A missing
 * build does not stop the API: pages answer 503 with what to do, until the build is there
 * (files are looked up per request, so building needs no restart).
 */
export async function registerWebApp(app: FastifyInstance, config: Config): Promise<void> {
  const root = config.webDistDir;
  const built = () => existsSync(join(root, 'index.html'));
  if (!built()) app.log.warn({ webDistDir: root }, 'the web app is not built: run `pnpm build`');

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: false,
    // Files are looked up when asked for, so a rebuild under a running API is served; a
    // file that is not there falls through to the not-found handler below.
    wildcard: true,
    // Ours, below: immutable for hashed assets, revalidate for the rest.
    cacheControl: false,
    setHeaders: (response, path) => {
      const hashed = path.startsWith(join(root, 'assets'));
      response.setHeader(
        'cache-control',
        hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });

  const sendPage = (reply: FastifyReply) =>
    built()
      ? reply.header('cache-control', 'no-cache').sendFile('index.html')
      : reply
          .code(503)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(NOT_BUILT_PAGE);

  app.get('/', (_request, reply) => sendPage(reply));
  app.setNotFoundHandler((request, reply) => {
    if (wantsPage(request)) return sendPage(reply);
    // A path tRPC's routes do not match (an over-long procedure name, say) is tRPC's error.
    if (isTrpcPath(request.url)) {
      return sendTrpcError(reply, new AppError('NOT_FOUND', 'No such procedure'));
    }
    return sendRestError(reply, request, {
      code: 'NOT_FOUND',
      status: 404,
      message: `No ${request.method} ${pathOf(request.url)} here`,
    });
  });
}
