import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sendRestError } from '../http/rest-error';

/** swagger-ui's files, from the installed `swagger-ui-dist` (no CDN: many networks have none). */
const swaggerUiDir = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const;
type Asset = keyof typeof ASSETS;

function isAsset(name: string): name is Asset {
  return Object.hasOwn(ASSETS, name);
}

/** The page: swagger-ui's files and our own starter script (no inline script: CSP stays strict). */
function pageHtml(base: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Taskboard REST API</title>
    <link rel="stylesheet" href="${base}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${base}/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${base}/swagger-ui-bundle.js"></script>
    <script src="${base}/start.js"></script>
  </body>
</html>
`;
}

function startScript(documentUrl: string): string {
  return `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(documentUrl)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    withCredentials: true,
  });
});
`;
}

/**
 * The readable docs page of the OpenAPI document at `documentUrl`, at the prefix it is
 * registered with (`/api/docs`).
 */
export function docsPage(
  scope: FastifyInstance,
  { documentUrl }: { documentUrl: string },
  done: (error?: Error) => void,
): void {
  const cache = new Map<Asset, Buffer>();
  const page = pageHtml(scope.prefix);
  const start = startScript(documentUrl);

  scope.get('', (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page),
  );
  scope.get('/start.js', (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(start),
  );
  scope.get<{ Params: { file: string } }>('/:file', async (request, reply) => {
    const { file } = request.params;
    if (!isAsset(file)) {
      return sendRestError(reply, request, {
        code: 'NOT_FOUND',
        status: 404,
        message: 'No such file',
      });
    }
    let content = cache.get(file);
    if (!content) {
      content = await readFile(join(swaggerUiDir, file));
      cache.set(file, content);
    }
    return reply.type(ASSETS[file]).header('cache-control', 'public, max-age=86400').send(content);
  });
  done();
}
