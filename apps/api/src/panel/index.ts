import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sessionTokenOf } from '../context';
import type { HostDeps } from '../deps';
import { buildCatalogue, type CatalogueEntry } from './catalogue';

/** The router's catalogue: built on the first request for it (only the panel needs it). */
let built: CatalogueEntry[] | undefined;
function catalogue(): CatalogueEntry[] {
  built ??= buildCatalogue();
  return built;
}

const ASSETS = {
  'panel.js': 'text/javascript; charset=utf-8',
  'panel.css': 'text/css; charset=utf-8',
} as const;
type Asset = keyof typeof ASSETS;

function isAsset(name: string): name is Asset {
  return Object.hasOwn(ASSETS, name);
}

type Access = 'allowed' | 'signed-out' | 'not-admin';

/**
 * The tRPC panel (SPEC.md "Interfaces"): every procedure with its input schema and an example,
 * run as the signed-in user. In development (and tests) it is open — each procedure still
 * checks its own caller; in production only a signed-in admin gets the catalogue, and a
 * signed-in user who is not an admin gets no page at all. The page's files are ours, served
 * from here (no CDN), with no inline script so the CSP stays strict.
 */
export async function panel(scope: FastifyInstance, { deps }: { deps: HostDeps }): Promise<void> {
  const html = await readFile(new URL('./panel.html', import.meta.url), 'utf8');

  const accessOf = async (request: FastifyRequest): Promise<Access> => {
    if (deps.config.env !== 'production') return 'allowed';
    const token = sessionTokenOf(request);
    const auth = token ? await deps.sessions.validate(token) : null;
    if (!auth) return 'signed-out';
    return auth.user.role === 'admin' ? 'allowed' : 'not-admin';
  };

  const refuse = (reply: FastifyReply, access: Exclude<Access, 'allowed'>) =>
    reply
      .code(access === 'signed-out' ? 401 : 403)
      .header('cache-control', 'no-store')
      .send({
        error: {
          code: access === 'signed-out' ? 'UNAUTHORIZED' : 'FORBIDDEN',
          message:
            access === 'signed-out' ? 'Sign in as an admin first' : 'The panel is for admins only',
        },
      });

  scope.get('', async (request, reply) => {
    const access = await accessOf(request);
    if (access === 'not-admin') {
      return reply
        .code(403)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send('<!doctype html><title>Forbidden</title><p>The tRPC panel is for admins only.</p>');
    }
    // Signed out: the page itself offers the sign-in form.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });

  scope.get('/catalogue.json', async (request, reply) => {
    const access = await accessOf(request);
    if (access !== 'allowed') return refuse(reply, access);
    return reply
      .header('cache-control', 'no-store')
      .send({ environment: deps.config.env, procedures: catalogue() });
  });

  scope.get<{ Params: { file: string } }>('/:file', async (request, reply) => {
    const { file } = request.params;
    if (!isAsset(file))
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such file' } });
    const content = await readFile(new URL(`./${file}`, import.meta.url), 'utf8');
    return reply.type(ASSETS[file]).header('cache-control', 'no-cache').send(content);
  });
}
