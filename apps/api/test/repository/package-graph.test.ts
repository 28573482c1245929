// The workspace's package graph. turbo refuses to run any task when workspace packages depend on
// each other round a circle, devDependencies included, so a cycle here stops `pnpm test` and
// `pnpm build` for everyone. The shared test kit is where one is easiest to make: the API's own
// suites use it, so it may depend on no package that depends on the API.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiDir } from '../../src/testing';

const root = resolve(apiDir, '../..');

const manifestSchema = z.object({
  name: z.string(),
  dependencies: z.record(z.string(), z.string()).default({}),
  devDependencies: z.record(z.string(), z.string()).default({}),
});
type Manifest = z.infer<typeof manifestSchema>;

/** The package.json of every workspace package (pnpm-workspace.yaml: apps/*, packages/*, bench). */
function workspaceManifests(): Manifest[] {
  const dirs = ['apps', 'packages'].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(root, group, entry.name)),
  );
  return [...dirs, join(root, 'bench')].map((dir) =>
    manifestSchema.parse(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))),
  );
}

/** A circle of workspace packages through dependencies and devDependencies, or null. */
function findCycle(manifests: readonly Manifest[]): string[] | null {
  const names = new Set(manifests.map((manifest) => manifest.name));
  const edges = new Map(
    manifests.map((manifest) => [
      manifest.name,
      Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) =>
        names.has(name),
      ),
    ]),
  );
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (name: string): string[] | null => {
    const at = path.indexOf(name);
    if (at !== -1) return [...path.slice(at), name];
    if (done.has(name)) return null;
    path.push(name);
    for (const next of edges.get(name) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(name);
    return null;
  };
  for (const name of names) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return null;
}

describe('the workspace package graph', () => {
  const manifests = workspaceManifests();

  it('has no circle (turbo would refuse every task)', () => {
    expect(manifests.map((manifest) => manifest.name)).toContain('@taskboard/test-kit');
    expect(findCycle(manifests)).toBeNull();
  });

  it('finds a circle when there is one (the check above can fail)', () => {
    const kit = manifests.find((manifest) => manifest.name === '@taskboard/test-kit');
    if (!kit) throw new Error('no test kit in the workspace');
    const withApi = {
      ...kit,
      dependencies: { ...kit.dependencies, '@taskboard/server': 'workspace:*' },
    };
    const others = manifests.filter((manifest) => manifest !== kit);
    expect(findCycle([...others, withApi])).toEqual(
      expect.arrayContaining(['@taskboard/server', '@taskboard/test-kit']),
    );
  });

  it('has the test kit only as a devDependency: no product code ships with it', () => {
    const dependents = manifests.filter(
      (manifest) => '@taskboard/test-kit' in manifest.dependencies,
    );
    expect(dependents.map((manifest) => manifest.name)).toEqual([]);
  });
});
