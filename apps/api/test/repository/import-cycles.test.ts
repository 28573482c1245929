// No module of the workspace imports itself round a circle (issue 11: the session files and the
// web router with its pages did). A circle makes load order matter, so a value read at import
// time can be undefined in one entry point and not another, and it ties files that should be
// separable. Type-only imports count too: they tie the files together just the same.
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { apiDir } from '../../src/testing';

const root = resolve(apiDir, '../..');

/** Every TypeScript source of the apps and packages (not their tests, builds or dependencies). */
function workspaceSources(): string[] {
  const groups = ['apps', 'packages'].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(root, group, entry.name, 'src')),
  );
  return groups.flatMap((dir) => sourcesIn(dir));
}

function sourcesIn(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourcesIn(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [realpathSync(path)] : [];
  });
}

/** The workspace's import graph, resolved as the compiler resolves it (tsconfig.base.json). */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    resolveJsonModule: true,
    jsx: ts.JsxEmit.ReactJSX,
  };
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles.flatMap(({ fileName }) => {
      const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule;
      if (!resolved) return [];
      const target = realpathSync(resolved.resolvedFileName);
      return known.has(target) ? [target] : [];
    });
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The graph's circles: its strongly connected components of more than one file, or a self-import (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
      found.push(component.map((file) => relative(root, file)).sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph', () => {
  it('finds a circle when there is one (the check itself)', () => {
    const a = join(root, 'a.ts');
    const b = join(root, 'b.ts');
    const c = join(root, 'c.ts');
    expect(
      circles(
        new Map([
          [a, [b]],
          [b, [a, c]],
          [c, []],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts']]);
  });

  it('of the apps and packages has no circle', () => {
    const files = workspaceSources();
    const graph = importGraph(files);
    // The graph is real: the API's entry reaches the data layer through @taskboard/db.
    const server = realpathSync(join(apiDir, 'src/server.ts'));
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get(server)?.some((file) => dirname(file).endsWith(join('db', 'src')))).toBe(true);
    expect(circles(graph)).toEqual([]);
  });
});
