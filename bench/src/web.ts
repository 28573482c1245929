import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext } from '@playwright/test';
import { z } from 'zod';
import { chromiumLaunchOptions, startApiProcess } from '@taskboard/server/testing';
import { bulkLoadTasks } from '@taskboard/db';
import { createDisposableDatabase } from '@taskboard/db/testing';
import { createProject, registerUser } from '@taskboard/test-kit';
import { ms, percentiles, printTable, ratio } from './table';

const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const distDir = join(repoDir, 'apps/web/dist');

/** The budget for the JavaScript a first visit loads, gzipped (KiB, the strict reading). */
const BUNDLE_BUDGET_BYTES = 200 * 1024;
const BIG_BOARD = 5_000;
const SMALL_BOARD = 20;
const SAMPLES = 7;

/**
 * Runs in every page before its own scripts: notes when the first card (`[data-task-id]`)
 * enters the DOM and when the frame showing it has been painted (a task queued from the next
 * animation frame runs after that frame's paint). Times are from navigation start.
 */
const FIRST_CARD_PROBE = `(() => {
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-task-id]')) return;
    observer.disconnect();
    window.__firstCardInDom = performance.now();
    requestAnimationFrame(() => setTimeout(() => { window.__firstCardPainted = performance.now(); }, 0));
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

/** Builds apps/web when there is no build to measure. */
function ensureWebBuild(): void {
  if (existsSync(join(distDir, 'index.html'))) return;
  console.log('\napps/web/dist is missing: building it (pnpm --filter @taskboard/web build)');
  const built = spawnSync('pnpm', ['--filter', '@taskboard/web', 'build'], {
    cwd: repoDir,
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('building apps/web failed');
}

/** The initial JavaScript of the build: index.html's entry script and its modulepreloads. */
async function initialScripts(dir: string): Promise<{ file: string; raw: number; gzip: number }[]> {
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  const sources = [
    ...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g),
    ...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g),
  ].map((match) => match[1] ?? '');
  const unique = [...new Set(sources.filter((source) => source !== ''))];
  return Promise.all(
    unique.map(async (source) => {
      const content = await readFile(join(dir, source.replace(/^\//, '')));
      return { file: source, raw: content.length, gzip: gzipSync(content).length };
    }),
  );
}

/** One load of a board in a fresh tab: times from navigation start, in milliseconds. */
async function loadBoard(context: BrowserContext, url: string) {
  const page = await context.newPage();
  try {
    await page.goto(url);
    // Not page.waitForFunction: it evals its predicate, which the app's CSP forbids.
    await page.locator('[data-task-id]').first().waitFor({ timeout: 60_000 });
    while ((await page.evaluate('window.__firstCardPainted')) === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const times = z
      .object({ inDom: z.number(), painted: z.number(), fcp: z.number().nullable() })
      .parse(
        await page.evaluate(`({
          inDom: window.__firstCardInDom,
          painted: window.__firstCardPainted,
          fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        })`),
      );
    return times;
  } finally {
    await page.close();
  }
}

/**
 * The web app (issue #5): time to the first painted card of the seeded 5,000-task board
 * against a 20-task board in the same run (the baseline: same app, same cards, little data),
 * median of several loads in Chromium with a warm HTTP cache (as a returning user); and the
 * initial JavaScript, gzipped, against the 200 KB budget. Needs PostgreSQL like the others.
 */
export async function benchWeb(serverUrl: string): Promise<void> {
  ensureWebBuild();
  // A copy of the build: a rebuild meanwhile would replace the hashed files being served.
  const served = await mkdtemp(join(tmpdir(), 'taskboard-web-bench-'));
  await cp(distDir, served, { recursive: true });
  try {
    await measure(serverUrl, served);
  } finally {
    await rm(served, { recursive: true, force: true });
  }
}

async function measure(serverUrl: string, served: string): Promise<void> {
  const scripts = await initialScripts(served);
  const total = scripts.reduce(
    (sum, script) => ({ raw: sum.raw + script.raw, gzip: sum.gzip + script.gzip }),
    { raw: 0, gzip: 0 },
  );
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  printTable(
    `Web app: initial JavaScript of apps/web/dist (entry script + modulepreloads), gzip (node:zlib, level 6)`,
    ['file', 'raw', 'gzip', 'of budget'],
    [
      ...scripts.map((script) => [script.file, kib(script.raw), kib(script.gzip), '']),
      ['total', kib(total.raw), kib(total.gzip), ratio(total.gzip, BUNDLE_BUDGET_BYTES)],
      [
        'budget (issue #5)',
        '',
        kib(BUNDLE_BUDGET_BYTES),
        total.gzip <= BUNDLE_BUDGET_BYTES ? 'within' : 'OVER',
      ],
    ],
  );

  const database = await createDisposableDatabase({ engine: 'postgres', serverUrl });
  const api = await startApiProcess({ DATABASE_URL: database.url ?? '', WEB_DIST_DIR: served });
  const browser = await chromium.launch({
    ...chromiumLaunchOptions,
  });
  try {
    const { token, user } = await registerUser(api.url, 'Web Bench');
    const boards: { label: string; count: number; id: string }[] = [];
    for (const count of [SMALL_BOARD, BIG_BOARD]) {
      const project = await createProject(api.url, { token }, `${count} tasks`);
      await bulkLoadTasks(database.db, {
        projectId: project.id,
        count,
        createdById: user.id,
        assigneeIds: [user.id],
      });
      boards.push({ label: `${count.toLocaleString('en')} tasks`, count, id: project.id });
    }

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([
      { name: 'taskboard_session', value: token, url: api.url, httpOnly: true },
    ]);
    await context.addInitScript(FIRST_CARD_PROBE);
    const samples = new Map<string, { inDom: number[]; painted: number[]; fcp: number[] }>();
    for (const board of boards) samples.set(board.id, { inDom: [], painted: [], fcp: [] });
    // A warm-up load of each (fills the HTTP cache), then alternate so noise hits both alike.
    for (const board of boards) await loadBoard(context, `${api.url}/projects/${board.id}`);
    for (let i = 0; i < SAMPLES; i++) {
      for (const board of boards) {
        const times = await loadBoard(context, `${api.url}/projects/${board.id}`);
        const sample = samples.get(board.id);
        sample?.inDom.push(times.inDom);
        sample?.painted.push(times.painted);
        if (times.fcp !== null) sample?.fcp.push(times.fcp);
      }
    }
    await context.close();

    const median = (values: number[] | undefined) => percentiles(values ?? []).p50;
    const [small] = boards;
    const baseline = median(samples.get(small?.id ?? '')?.painted);
    printTable(
      `Web app: time to first painted card, from navigation start (median of ${SAMPLES} loads, ` +
        `Chromium, warm cache, production build served by the API on PostgreSQL)`,
      ['board', 'first contentful paint', 'first card in DOM', 'first card painted', 'vs 20 tasks'],
      boards.map((board) => {
        const sample = samples.get(board.id);
        const painted = median(sample?.painted);
        return [
          board.label + (board.count === SMALL_BOARD ? ' (baseline)' : ''),
          ms(median(sample?.fcp)),
          ms(median(sample?.inDom)),
          ms(painted),
          board.count === SMALL_BOARD ? '' : ratio(painted, baseline),
        ];
      }),
    );
  } finally {
    await browser.close();
    await api.stop();
    await database.dispose();
  }
}
