import { card, column, columnHeading, countPattern, openBoard } from './board-helpers';
import { bigBoard, expect, test } from './fixtures';
import { BIG_BOARD_TASKS, getBoard, lastTaskOf } from './rest-client';

test('the 5,000-task board opens with its counts and scrolls to the last card', async ({
  url,
  openAs,
}) => {
  const { owner, projectId } = bigBoard();
  const board = await getBoard(url, owner, projectId);
  const counts = Object.fromEntries(board.columns.map((c) => [c.status, c.count]));
  expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(BIG_BOARD_TASKS);
  const firstTodo = board.columns.find((c) => c.status === 'todo')?.tasks[0];
  if (!firstTodo) throw new Error('the seeded To do column is empty');
  const lastTodo = await lastTaskOf(url, owner, projectId, 'todo');

  const page = await openAs(owner);
  await openBoard(page, board.project);
  await expect(columnHeading(page, 'To do')).toHaveText(countPattern(counts.todo ?? -1));
  await expect(columnHeading(page, 'In progress')).toHaveText(
    countPattern(counts['in-progress'] ?? -1),
  );
  await expect(columnHeading(page, 'Done')).toHaveText(countPattern(counts.done ?? -1));
  const todo = column(page, 'To do');
  await expect(card(todo, firstTodo.title)).toBeVisible();
  // Virtualized: the cards of about one screen (plus a few) in the DOM, not the 200 loaded.
  expect(await todo.locator('[data-task-id]').count()).toBeLessThan(40);

  // Scroll the column's own scroller to the bottom until the last card has loaded and shows.
  const lastCard = card(todo, lastTodo.title);
  await expect(async () => {
    await todo.evaluate((section) => {
      const scrollers = [section, ...section.querySelectorAll('*')].filter((element) => {
        const overflow = getComputedStyle(element).overflowY;
        return (
          (overflow === 'auto' || overflow === 'scroll') &&
          element.scrollHeight > element.clientHeight
        );
      });
      for (const scroller of scrollers) scroller.scrollTop = scroller.scrollHeight;
    });
    await expect(lastCard).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 45_000 });
  await expect(card(todo, firstTodo.title)).toHaveCount(0);
  expect(await todo.locator('[data-task-id]').count()).toBeLessThan(300);
});
