import type { Migration } from 'kysely';
import * as initial from './0001_initial';
import * as uniquePositions from './0002_unique_positions';

/** Every migration, in order. Forward-only: add a file, never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_unique_positions': uniquePositions,
};
