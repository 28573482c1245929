import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Config } from '../config';
import type { ApiPaths, SurfaceMap } from './surfaces';

/** Vite puts content-hashed files here: a new build gets new names, so they never change. */
const HASHED_ASSETS = '/assets/';

/**
 * A navigation the SPA's router answers: a GET for a page, not for a file or under a path of
 * the API (never the SPA's index.html there, even for a browser).
 */
function wantsPage(request: FastifyRequest, apiPaths: ApiPaths): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (apiPaths.isApiPath(request.url) || request.url.startsWith(HASHED_ASSETS)) return false;
  return request.headers.accept?.includes('text/html') ?? false;
}

export interface WebAppOptions {
  config: Pick<Config, 'webDistDir'>;
  apiPaths: ApiPaths;
  surfaces: SurfaceMap;
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
async function webApp(
  app: FastifyInstance,
  { config, apiPaths, surfaces }: WebAppOptions,
): Promise<void> {
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
    if (wantsPage(request, apiPaths)) return sendPage(reply);
    // A GET under a surface's prefix that its routes do not match (an over-long procedure
    // name) falls through to the wildcard route of the build: answered in that surface's body.
    return surfaces.bodyAt(request.url).notFound(request, reply);
  });
}

/** At the root, not encapsulated: its not-found handler is the server's. */
export const webAppPlugin = fastifyPlugin(webApp, { name: 'taskboard-web-app' });
