// Live column counts on the seeded 5,000-task board, with several boards open: a change by
// another client to a card none of them loaded (each column loads its first 200) is counted
// from the event alone (its previous values say which column lost the card), so the open
// boards send the server nothing at all, and their counts are right.
import type { Page, Request } from '@playwright/test';
import type { TaskPriority, TaskStatus } from '@taskboard/schema';
import {
  columnHeading,
  connectionIndicator,
  countPattern,
  openBoard,
  type ColumnName,
} from './board-helpers';
import { bigBoard, expect, test } from './fixtures';
import {
  addMember,
  countTasks,
  createTask,
  deleteTask,
  getBoard,
  lastTaskOf,
  moveTask,
  registerUser,
} from './rest-client';

const COLUMNS: [ColumnName, TaskStatus][] = [
  ['To do', 'todo'],
  ['In progress', 'in-progress'],
  ['Done', 'done'],
];

/** Every tRPC call over HTTP a page makes from now on (the live feed is a WebSocket). */
function recordCalls(page: Page): Request[] {
  const calls: Request[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/trpc/')) calls.push(request);
  });
  return calls;
}

test('a move and a delete of cards no open board loaded: zero requests from the other boards, right counts', async ({
  url,
  openAs,
}) => {
  const { owner, projectId } = bigBoard();
  const project = (await getBoard(url, owner, projectId)).project;
  const viewer = await registerUser(url, 'Vic Viewer');
  await addMember(url, owner, projectId, viewer, 'viewer');
  // Beyond the first 200 of their columns: the last card of To do, and a card added at the
  // end of In progress (deleted below, so the board keeps its 5,000 tasks).
  const far = await lastTaskOf(url, owner, projectId, 'todo');
  const doomed = await createTask(url, owner, projectId, {
    title: 'Past the loaded cards',
    status: 'in-progress',
    priority: far.priority,
  });

  const priority: TaskPriority = far.priority;
  const boards = [
    { page: await openAs(owner), path: `/projects/${projectId}`, priority: undefined },
    { page: await openAs(viewer), path: `/projects/${projectId}`, priority: undefined },
    // A filtered view counts only its matches: it too must tell which column lost one.
    { page: await openAs(owner), path: `/projects/${projectId}?priority=${priority}`, priority },
  ];
  /** What each board's headings must say: the server's own counts, read through REST. */
  const expectCounts = async () => {
    for (const board of boards) {
      for (const [name, status] of COLUMNS) {
        const count = await countTasks(url, owner, projectId, {
          status,
          ...(board.priority ? { priority: board.priority } : {}),
        });
        await expect(columnHeading(board.page, name)).toHaveText(countPattern(count));
      }
    }
  };
  for (const board of boards) {
    if (board.priority) {
      await board.page.goto(board.path);
      await expect(board.page.getByRole('combobox', { name: 'Priority' })).toHaveValue(priority);
      await expect(connectionIndicator(board.page)).toHaveText('Live');
    } else {
      await openBoard(board.page, project);
    }
  }
  await expectCounts();
  const calls = boards.map((board) => recordCalls(board.page));

  // Another client (REST, as a script or another app would) moves the far card to Done, where
  // it lands past the loaded cards too, and deletes the other one.
  await moveTask(url, owner, far.id, { status: 'done' });
  await deleteTask(url, owner, doomed.id);
  await expectCounts();
  // The headings above only changed through the live events; nothing was asked of the server.
  expect(calls.map((made) => made.map((request) => request.url()))).toEqual([[], [], []]);

  // Leave the seeded board as it was for the other specs (its total, and To do's count).
  await moveTask(url, owner, far.id, { status: 'todo' });
});
