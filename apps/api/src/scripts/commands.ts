// Every database command the API runs for the scripts while it holds the embedded database.
import { bulkLoadCommand, migrateCommand, registerCommand } from '@taskboard/db';
import { seedCommand } from './demo-board';
import { setRoleCommand } from './role-command';

export const databaseCommands = [
  registerCommand(seedCommand),
  registerCommand(setRoleCommand),
  registerCommand(bulkLoadCommand),
  registerCommand(migrateCommand),
];
