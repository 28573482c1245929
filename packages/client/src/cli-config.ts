import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `taskboard login` saves: where the API is and the session token for it. */
export interface CliConfig {
  url: string;
  token: string;
}

/** `$TASKBOARD_CONFIG`, else `$XDG_CONFIG_HOME/taskboard/config.json` (`~/.config/…`). */
export function configPath(): string {
  if (process.env.TASKBOARD_CONFIG) return process.env.TASKBOARD_CONFIG;
  const base = process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config');
  return join(base, 'taskboard', 'config.json');
}

export async function readConfig(): Promise<CliConfig | null> {
  let text: string;
  try {
    text = await readFile(configPath(), 'utf8');
  } catch {
    return null;
  }
  const value: unknown = JSON.parse(text);
  if (
    typeof value === 'object' &&
    value !== null &&
    'url' in value &&
    'token' in value &&
    typeof value.url === 'string' &&
    typeof value.token === 'string'
  ) {
    return { url: value.url, token: value.token };
  }
  return null;
}

/** Saves the session readable by its owner only (it is a password in all but name); null forgets it. */
export async function writeConfig(config: CliConfig | null): Promise<void> {
  const path = configPath();
  if (config === null) {
    await rm(path, { force: true });
    return;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}
