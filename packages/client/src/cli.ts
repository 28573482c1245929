#!/usr/bin/env node
import {
  taskPlacements,
  taskPlacementSchema,
  taskPriorities,
  taskPrioritySchema,
  taskStatuses,
  taskStatusSchema,
  type TaskPlacement,
  type TaskPriority,
  type TaskStatus,
} from '@taskboard/schema';
/**
 * `taskboard`: Taskboard from the command line, built on `@taskboard/client` — and the
 * example of how another internal app uses that client.
 */
import { parseArgs } from 'node:util';
import { readConfig, writeConfig, type CliConfig } from './cli-config';
import {
  createTaskboardClient,
  isTaskboardError,
  signIn,
  type Project,
  type Task,
  type TaskboardClient,
} from './index';

const USAGE = `Usage: taskboard <command> [options]

Commands:
  login [--url URL] [--email EMAIL] [--password-stdin]   sign in; the session is saved
  logout                                                 sign out and forget the session
  whoami                                                 the signed-in user
  projects                                               your projects
  tasks list <project> [--status S]                      a project's tasks (project: name or id)
  tasks add <project> <title…> [--priority P] [--status S] [--placement top|bottom]
                                                         (default bottom: the end of its column)
  tasks move <task-id> <status> [--after ID] [--before ID]
  tasks done <task-id>                                   move a task to done
  watch <project>                                        print the project's events as they happen

Options: --json (machine-readable output), --url URL (default: saved, $TASKBOARD_URL or
http://localhost:3000). $TASKBOARD_TOKEN overrides the saved session.`;

/** A mistake in how the command was called: exit code 2. */
class UsageError extends Error {}

function statusOf(value: string | undefined): TaskStatus {
  const status = taskStatusSchema.safeParse(value);
  if (!status.success) throw new UsageError(`Status must be one of ${taskStatuses.join(', ')}`);
  return status.data;
}

function priorityOf(value: string): TaskPriority {
  const priority = taskPrioritySchema.safeParse(value);
  if (!priority.success) {
    throw new UsageError(`Priority must be one of ${taskPriorities.join(', ')}`);
  }
  return priority.data;
}

function placementOf(value: string): TaskPlacement {
  const placement = taskPlacementSchema.safeParse(value);
  if (!placement.success) {
    throw new UsageError(`Placement must be one of ${taskPlacements.join(', ')}`);
  }
  return placement.data;
}

interface Output {
  json: boolean;
  print(line: string): void;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    else if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      json: { type: 'boolean' },
      status: { type: 'string' },
      priority: { type: 'string' },
      placement: { type: 'string' },
      after: { type: 'string' },
      before: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const saved = await readConfig();
  const url = values.url ?? process.env.TASKBOARD_URL ?? saved?.url ?? 'http://localhost:3000';
  const token = process.env.TASKBOARD_TOKEN ?? (saved?.url === url ? saved.token : undefined);
  const out: Output = {
    json: values.json === true,
    print: (line) => {
      console.log(line);
    },
  };

  if (command === 'login') {
    const email = values.email ?? process.env.TASKBOARD_EMAIL;
    if (!email) throw new UsageError('login needs --email (or $TASKBOARD_EMAIL)');
    const password = values['password-stdin']
      ? (await readStdin()).replace(/\r?\n$/, '')
      : process.env.TASKBOARD_PASSWORD;
    if (!password) throw new UsageError('login needs --password-stdin (or $TASKBOARD_PASSWORD)');
    const signedIn = await signIn(url, email, password);
    const config: CliConfig = { url, token: signedIn.token };
    await writeConfig(config);
    out.print(out.json ? JSON.stringify(signedIn.user) : `Signed in as ${signedIn.user.email}`);
    return 0;
  }

  if (!token) throw new UsageError('Not signed in: run `taskboard login` first');
  const api = createTaskboardClient({ url, token });

  switch (command) {
    case 'logout':
      await api.auth.logout.mutate();
      await writeConfig(null);
      out.print('Signed out');
      return 0;
    case 'whoami': {
      const me = await api.auth.me.query();
      out.print(out.json ? JSON.stringify(me) : `${me.name} <${me.email}>`);
      return 0;
    }
    case 'projects': {
      const projects = await api.projects.list.query();
      if (out.json) out.print(JSON.stringify(projects));
      else
        for (const project of projects)
          out.print(`${project.id}  ${(project.role ?? 'admin').padEnd(6)}  ${project.name}`);
      return 0;
    }
    case 'tasks':
      return tasksCommand(api, args, values, out);
    case 'watch':
      return watch(api, await findProject(api, args[0]), out);
    default:
      throw new UsageError(`Unknown command: ${command}`);
  }
}

async function findProject(api: TaskboardClient, nameOrId: string | undefined): Promise<Project> {
  if (!nameOrId) throw new UsageError('Name the project (its name or id)');
  const projects = await api.projects.list.query({ includeArchived: true });
  const wanted = nameOrId.toLowerCase();
  const matches = projects.filter(
    (project) => project.id === nameOrId || project.name.toLowerCase() === wanted,
  );
  const [project] = matches;
  if (!project) throw new UsageError(`No project named ${nameOrId}`);
  if (matches.length > 1)
    throw new UsageError(`Several projects are named ${nameOrId}: use its id`);
  return project;
}

function formatTask(task: Task): string {
  return `${task.id}  ${task.status.padEnd(11)}  ${task.priority.padEnd(6)}  ${task.title}`;
}

async function tasksCommand(
  api: TaskboardClient,
  args: string[],
  values: {
    status?: string | undefined;
    priority?: string | undefined;
    placement?: string | undefined;
    after?: string | undefined;
    before?: string | undefined;
  },
  out: Output,
): Promise<number> {
  const [action, first, ...rest] = args;
  const show = (task: Task) => {
    out.print(out.json ? JSON.stringify(task) : formatTask(task));
  };
  switch (action) {
    case 'list': {
      const project = await findProject(api, first);
      const list = await api.tasks.list.query({
        projectId: project.id,
        limit: 100,
        ...(values.status !== undefined && { status: statusOf(values.status) }),
      });
      if (out.json) out.print(JSON.stringify(list));
      else for (const task of list.tasks) out.print(formatTask(task));
      return 0;
    }
    case 'add': {
      const project = await findProject(api, first);
      const title = rest.join(' ');
      if (!title) throw new UsageError('tasks add needs a title');
      show(
        await api.tasks.create.mutate({
          projectId: project.id,
          title,
          ...(values.priority !== undefined && { priority: priorityOf(values.priority) }),
          ...(values.status !== undefined && { status: statusOf(values.status) }),
          ...(values.placement !== undefined && { placement: placementOf(values.placement) }),
        }),
      );
      return 0;
    }
    case 'move':
    case 'done': {
      if (!first) throw new UsageError(`tasks ${action} needs a task id`);
      const status = action === 'done' ? 'done' : statusOf(rest[0]);
      show(
        await api.tasks.move.mutate({
          id: first,
          status,
          ...(values.after !== undefined && { afterId: values.after }),
          ...(values.before !== undefined && { beforeId: values.before }),
        }),
      );
      return 0;
    }
    default:
      throw new UsageError('tasks needs list, add, move or done');
  }
}

/** Prints each event of the project, one per line, until interrupted; resumes after drops. */
function watch(api: TaskboardClient, project: Project, out: Output): Promise<number> {
  return new Promise((resolve) => {
    const subscription = api.events.project.subscribe(
      { projectId: project.id },
      {
        // On stderr, so that stdout holds events only; after a reconnect it says so again.
        onStarted: () => {
          console.error(`Watching ${project.name} (Ctrl-C to stop)`);
        },
        onData: ({ data: event }) => {
          out.print(
            out.json
              ? JSON.stringify(event)
              : `${event.createdAt}  #${event.id}  ${event.type}  ${describe(event.payload)}`,
          );
        },
        onError: (error) => {
          console.error(errorLine(error));
          resolve(1);
        },
        onComplete: () => {
          resolve(0);
        },
      },
    );
    const stop = () => {
      subscription.unsubscribe();
      resolve(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function describe(payload: unknown): string {
  if (typeof payload !== 'object' || payload === null) return '';
  if ('task' in payload && typeof payload.task === 'object' && payload.task !== null) {
    const task = payload.task;
    const title = 'title' in task ? String(task.title) : '';
    const status = 'status' in task ? String(task.status) : '';
    return `${title} [${status}]`;
  }
  if ('id' in payload) return String(payload.id);
  return JSON.stringify(payload);
}

function errorLine(error: unknown): string {
  if (isTaskboardError(error)) return `error ${error.data.appCode}: ${error.message}`;
  if (error instanceof UsageError) return `taskboard: ${error.message}`;
  if (error instanceof Error) return `error: ${error.message}`;
  return 'error';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(errorLine(error));
    if (error instanceof UsageError) console.error('Run `taskboard --help` for usage.');
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
