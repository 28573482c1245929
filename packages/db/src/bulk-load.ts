import { sql } from 'kysely';
import {
  taskPriorities,
  taskStatuses,
  type TaskPriority,
  type TaskStatus,
} from '@taskboard/schema';
import { positionsAfter } from './positions';
import { statusRank } from './tasks';
import type { Executor } from './types';

export interface BulkLoadOptions {
  projectId: string;
  count: number;
  createdById: string;
  /** Members to assign tasks to (about two thirds of tasks get one). */
  assigneeIds?: readonly string[];
  /** Rows per INSERT statement. */
  batchSize?: number;
  /** Same seed, same tasks. */
  seed?: number;
}

const verbs = [
  'Calibrate',
  'Replace',
  'Test',
  'Document',
  'Tune',
  'Order',
  'Inspect',
  'Design',
  'Print',
  'Measure',
  'Clean',
  'Upgrade',
  'Review',
  'Fix',
  'Wire',
  'Flash',
];
const objects = [
  'extruder',
  'hotend',
  'bed leveling',
  'Z-axis',
  'stepper drivers',
  'firmware',
  'PEI sheet',
  'cooling fan',
  'filament sensor',
  'belt tension',
  'thermistor',
  'PSU',
  'enclosure',
  'nozzle',
  'slicer profile',
  'input shaping',
  'bowden tube',
  'end stops',
];
const details = [
  'after the last failed print',
  'for PETG at 240 °C',
  'before the demo',
  'and write down the values',
  'on the second printer',
  'with the new spool',
  'per the BOM',
  'and compare with the reference part',
];

/** A small deterministic generator (mulberry32), so a seed reproduces the same board. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], next: () => number): T {
  const item = items[Math.floor(next() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

interface TaskSeed {
  project_id: string;
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  assignee_id: string | null;
  due_date: string | null;
  position: string;
  created_by_id: string;
  created_at: string;
}

/**
 * Fills a project with `count` realistic tasks, appended after each column's current last
 * card. Rows go in as one JSON parameter per batch (`jsonb_to_recordset`), which is fast on
 * PostgreSQL and PGlite alike. This is a seeding and benchmarking tool: it writes no project
 * events, as no user made these changes.
 */
export async function bulkLoadTasks(db: Executor, options: BulkLoadOptions): Promise<void> {
  const next = random(options.seed ?? 1);
  const batchSize = options.batchSize ?? 5_000;
  const assignees = options.assigneeIds ?? [];
  const statuses = Array.from({ length: options.count }, () => pick(taskStatuses, next));

  const positions = new Map<TaskStatus, string[]>();
  for (const status of taskStatuses) {
    const last = await db
      .selectFrom('tasks')
      .select('position')
      .where('projectId', '=', options.projectId)
      .where('statusRank', '=', statusRank[status])
      .orderBy('position', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const needed = statuses.filter((s) => s === status).length;
    positions.set(status, positionsAfter(last?.position ?? null, needed).reverse());
  }

  const now = Date.now();
  const day = 86_400_000;
  for (let start = 0; start < options.count; start += batchSize) {
    // PGlite runs on this thread and its queries settle as microtasks: without a turn of the
    // event loop between batches, an API running this (db:bulk-load while it holds DATA_DIR)
    // would answer nothing until the whole load is done.
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    const rows: TaskSeed[] = [];
    for (let i = start; i < Math.min(start + batchSize, options.count); i++) {
      const status = statuses[i] ?? 'todo';
      const position = positions.get(status)?.pop();
      if (position === undefined) throw new Error('ran out of positions');
      rows.push({
        project_id: options.projectId,
        title: `${pick(verbs, next)} ${pick(objects, next)} #${i + 1}`,
        description:
          next() < 0.5
            ? `${pick(verbs, next)} the ${pick(objects, next)} ${pick(details, next)}.`
            : '',
        status,
        priority: pick(taskPriorities, next),
        assignee_id: assignees.length > 0 && next() < 0.66 ? pick(assignees, next) : null,
        due_date:
          next() < 0.3 ? new Date(now + Math.floor((next() - 0.3) * 60) * day).toISOString() : null,
        position,
        created_by_id: options.createdById,
        created_at: new Date(now - (options.count - i) * 1000).toISOString(),
      });
    }
    await sql`
      insert into tasks (project_id, title, description, status, priority, assignee_id,
                         due_date, position, created_by_id, created_at, updated_at)
      select project_id, title, description, status, priority, assignee_id,
             due_date, position, created_by_id, created_at, created_at
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as t(
        project_id uuid, title text, description text, status text, priority text,
        assignee_id uuid, due_date timestamptz, position text, created_by_id uuid,
        created_at timestamptz)
    `.execute(db);
  }
  // Fresh statistics, or the planner may keep treating the table as tiny and skip its indexes.
  await sql`analyze tasks`.execute(db);
}
