import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * The production-like stack of docker-compose.yml and its Dockerfile, checked without a
 * Docker engine (none runs here): Debian's `docker-compose` validates and resolves the file
 * (it must be installed: `.ci/run` installs it; this fails, never skips, without it).
 */
const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));

const serviceSchema = z.looseObject({
  image: z.string().optional(),
  build: z.looseObject({ context: z.string() }).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  depends_on: z.record(z.string(), z.looseObject({ condition: z.string() })).optional(),
  healthcheck: z.looseObject({ test: z.array(z.string()) }).optional(),
  ports: z.array(z.string()).optional(),
});
const composeSchema = z.looseObject({ services: z.record(z.string(), serviceSchema) });

describe('docker-compose.yml', () => {
  it('is valid, and wires the api to its PostgreSQL and Redis', async () => {
    const { stdout } = await run(
      'docker-compose',
      ['-f', join(root, 'docker-compose.yml'), 'config'],
      {
        cwd: root,
      },
    );
    const { services } = composeSchema.parse(parse(stdout));
    const api = services.api;
    expect(api?.build?.context).toBe(root.replace(/\/$/, ''));
    expect(api?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(api?.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(api?.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(api?.healthcheck?.test.join(' ')).toContain('/readyz');
    expect(api?.ports).toContain('127.0.0.1:3000:3000/tcp');
    for (const name of ['postgres', 'redis']) {
      expect(services[name]?.healthcheck, name).toBeDefined();
      expect(services[name]?.image, name).toMatch(/:\d/); // a pinned major version, not latest
    }
  });
});

describe('Dockerfile', () => {
  it('builds in stages and runs the API as a non-root user with a health check', async () => {
    const text = await readFile(join(root, 'Dockerfile'), 'utf8');
    const lines = text.split('\n').map((line) => line.trim());
    const stages = lines.filter((line) => line.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:20[\w.-]*(\s|$)/);
    const final = lines.slice(lines.lastIndexOf(stages.at(-1) ?? ''));
    expect(final).toContain('USER node');
    expect(final.some((line) => line.startsWith('HEALTHCHECK') && text.includes('/healthz'))).toBe(
      true,
    );
    expect(final).toContain('EXPOSE 3000');
    expect(text).toMatch(/WEB_DIST_DIR=\/app\/apps\/web\/dist/);
  });

  it('copies only paths that exist in the repository', async () => {
    const text = await readFile(join(root, 'Dockerfile'), 'utf8');
    const sources = [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) =>
      (match[1] ?? '').split(/\s+/),
    );
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) expect(existsSync(join(root, source)), source).toBe(true);
  });
});
