// The demo board of `pnpm db:seed`: a demo account and a "3D printer" project with a realistic
// board. Safe to run twice: an existing demo account is left as it is.
import {
  addMember,
  createInbox,
  createProject,
  createTask,
  createUser,
  getUserByEmail,
  moveTask,
  runUnitOfWork,
  type DatabaseCommand,
  type UnitOfWork,
} from '@taskboard/db';
import { z } from 'zod';
import type { MemberRole, TaskPriority, TaskStatus, User } from '@taskboard/schema';
import { createPasswordHasher } from '../auth/passwords';

export const DEMO_PASSWORD = 'printer-demo-2026';

const people: { email: string; name: string; role: MemberRole }[] = [
  { email: 'demo@taskboard.dev', name: 'Demo Owner', role: 'owner' },
  { email: 'grace@taskboard.dev', name: 'Grace Editor', role: 'editor' },
  { email: 'linus@taskboard.dev', name: 'Linus Editor', role: 'editor' },
  { email: 'viv@taskboard.dev', name: 'Viv Viewer', role: 'viewer' },
];

type Seed = [
  title: string,
  status: TaskStatus,
  priority: TaskPriority,
  assignee: number | null,
  dueInDays: number | null,
  description?: string,
];

/** Due dates relative to today; negative ones are overdue. */
const tasks: Seed[] = [
  ['Order 0.4 mm hardened steel nozzles', 'todo', 'medium', 1, 5],
  [
    'Calibrate e-steps on the new extruder',
    'todo',
    'high',
    0,
    -2,
    'Measure 100 mm of filament, adjust, repeat until within 0.5 mm.',
  ],
  ['Design a cable chain for the X gantry', 'todo', 'low', 2, 21],
  ['Write the PETG slicer profile', 'todo', 'medium', 1, 10],
  [
    'Replace the worn Y-axis belt',
    'todo',
    'high',
    2,
    -5,
    'The belt skips at 150 mm/s; the spare is in drawer B.',
  ],
  ['Test input shaping with the accelerometer', 'todo', 'medium', null, 14],
  ['Add a filament runout sensor', 'todo', 'low', null, null],
  ['Document the bed levelling procedure', 'todo', 'low', 3, 30],
  ['Source a 24 V 350 W power supply', 'todo', 'medium', 0, 7],
  ['Print the enclosure hinges in ASA', 'todo', 'low', null, null],
  ['Tune PID for the hotend at 240 °C', 'in-progress', 'high', 0, 1],
  [
    'Flash Klipper on the mainboard',
    'in-progress',
    'high',
    2,
    -1,
    'Blocked on the USB cable; use the spare from the lab.',
  ],
  ['Model the part-cooling duct v3', 'in-progress', 'medium', 1, 3],
  ['Wire the thermal runaway relay', 'in-progress', 'high', 2, 2],
  ['Benchmark Benchy print times', 'in-progress', 'low', 3, 9],
  ['Assemble the Z-axis lead screws', 'done', 'high', 2, -10],
  ['Mount the PEI spring steel sheet', 'done', 'medium', 1, -8],
  ['Install the BLTouch probe', 'done', 'high', 0, -12],
  ['Print calibration cubes', 'done', 'low', 1, -6],
  ['Check the frame for squareness', 'done', 'medium', 2, -15],
  ['Update the BOM spreadsheet', 'done', 'low', 0, -4],
  ['Clean the extruder gears', 'done', 'low', null, -3],
];

async function seedUsers(uow: UnitOfWork, passwordHash: string): Promise<User[]> {
  const users: User[] = [];
  for (const person of people) {
    const existing = await getUserByEmail(uow.trx, person.email);
    if (existing) {
      users.push(existing);
      continue;
    }
    const user = await createUser(uow.trx, {
      email: person.email,
      name: person.name,
      passwordHash,
    });
    await createInbox(uow, user.id);
    users.push(user);
  }
  return users;
}

async function seedBoard(uow: UnitOfWork, passwordHash: string): Promise<void> {
  const users = await seedUsers(uow, passwordHash);
  const [owner, ...others] = users;
  if (!owner) throw new Error('no demo owner');
  const project = await createProject(uow, {
    name: '3D printer',
    description: 'Building the lab’s CoreXY printer: frame, motion, electronics, firmware.',
    ownerId: owner.id,
  });
  for (const [index, user] of others.entries()) {
    await addMember(uow, project.id, user.id, people[index + 1]?.role ?? 'viewer');
  }
  const day = 86_400_000;
  const created = [];
  for (const [title, status, priority, assignee, dueInDays, description] of tasks) {
    const task = await createTask(uow, {
      projectId: project.id,
      title,
      description: description ?? '',
      status,
      priority,
      assigneeId: assignee === null ? null : (users[assignee]?.id ?? null),
      dueDate: dueInDays === null ? null : new Date(Date.now() + dueInDays * day).toISOString(),
      createdById: owner.id,
    });
    created.push(task);
  }
  // One card moved to the top of "in progress", so the log holds more than creations.
  const [first, , , , , , , , , , second] = created;
  if (first && second) {
    await moveTask(uow, first.id, { status: 'in-progress', beforeId: second.id });
  }
}

export const seedCommand: DatabaseCommand<Record<string, never>> = {
  name: 'seed',
  args: z.object({}).strict(),
  async run(handle, _args, out) {
    if (await getUserByEmail(handle.db, 'demo@taskboard.dev')) {
      out.print('The demo account exists already; nothing to do.');
    } else {
      const passwordHash = await createPasswordHasher().hash(DEMO_PASSWORD);
      await runUnitOfWork(handle.db, null, (uow) => seedBoard(uow, passwordHash));
      out.print('Seeded the "3D printer" project.');
    }
    out.print('');
    out.print(`Sign in with any of these (password for all: ${DEMO_PASSWORD}):`);
    for (const person of people) out.print(`  ${person.email.padEnd(22)} ${person.role}`);
    return 0;
  },
};
