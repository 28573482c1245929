// `pnpm bench [name ...]`: every benchmark (or the named ones: db, api, fanout, web), each
// printing its figures beside a baseline from the same run.
// PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server of these machines.
import { benchApi } from './api';
import { benchDatabaseScale } from './db-scale';
import { benchFanOut } from './fanout';
import { benchWeb } from './web';

const serverUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

const benchmarks: Record<string, (url: string) => Promise<void>> = {
  db: benchDatabaseScale,
  api: benchApi,
  fanout: benchFanOut,
  web: benchWeb,
};

const named = process.argv.slice(2);
const unknown = named.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benchmarks).join(', ')}`,
  );
  process.exit(1);
}
for (const [name, run] of Object.entries(benchmarks)) {
  if (named.length === 0 || named.includes(name)) await run(serverUrl);
}
