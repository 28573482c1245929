import type { Migration } from 'kysely';
import * as initial from './0001_initial';
import * as uniquePositions from './0002_unique_positions';
import * as createdTaskIndex from './0003_created_task_index';

/** Every migration, in order. Forward-only: add a file, never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_unique_positions': uniquePositions,
  '0003_created_task_index': createdTaskIndex,
};
