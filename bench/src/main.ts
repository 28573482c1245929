// `pnpm bench`: every benchmark, each printing its figures beside a baseline from the same run.
// PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server of these machines.
import { benchApi } from './api';
import { benchDatabaseScale } from './db-scale';
import { benchFanOut } from './fanout';
import { benchWeb } from './web';

const serverUrl =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

await benchDatabaseScale(serverUrl);
await benchApi(serverUrl);
await benchFanOut(serverUrl);
await benchWeb(serverUrl);
