// After `tsc -p tsconfig.build.json`: the workspace packages' declarations sit under
// dist/types/<their folder>; point their bare `@taskboard/*` imports at those files, and give
// dist/ its entry declaration, so the packed package has every type without the monorepo.
// Relative imports get the `.js` extension that ESM resolution (NodeNext) requires; the
// sources, resolved as a bundler does, leave it out.
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { URL } from 'node:url';

const root = new URL('../dist/types/', import.meta.url).pathname;
const packages = {
  '@taskboard/api': 'apps/api/src/index.js',
  '@taskboard/schema': 'packages/schema/src/index.js',
  '@taskboard/db': 'packages/db/src/index.js',
};

async function* declarations(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* declarations(path);
    else if (entry.name.endsWith('.d.ts')) yield path;
  }
}

for await (const file of declarations(root)) {
  const text = await readFile(file, 'utf8');
  const linked = text.replace(
    /(from |import\()(['"])(@taskboard\/[\w-]+)\2/g,
    (match, lead, quote, name) => {
      const target = packages[name];
      if (!target) throw new Error(`${file}: no declarations for ${name}`);
      let path = relative(dirname(file), join(root, target));
      if (!path.startsWith('.')) path = `./${path}`;
      return `${lead}${quote}${path}${quote}`;
    },
  );
  const withExtensions = linked.replace(
    /(from |import\()(['"])(\.{1,2}\/[^'"]*)\2/g,
    (match, lead, quote, spec) => {
      if (spec.endsWith('.js')) return match;
      const base = join(dirname(file), spec);
      if (existsSync(`${base}.d.ts`)) return `${lead}${quote}${spec}.js${quote}`;
      if (existsSync(join(base, 'index.d.ts'))) return `${lead}${quote}${spec}/index.js${quote}`;
      throw new Error(`${file}: cannot resolve ${spec}`);
    },
  );
  if (withExtensions !== text) await writeFile(file, withExtensions);
}

await writeFile(
  new URL('../dist/index.d.ts', import.meta.url),
  "export * from './types/packages/client/src/index.js';\n",
);
