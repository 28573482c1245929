// Moving cards with the keyboard alone, as the README says: Space picks a card up, Left and
// Right move it between columns, Up and Down within one, Space drops it; a screen reader
// hears the task's title and the column's name, never an id.
import type { Page } from '@playwright/test';
import { afterCall, card, columnTitles, openBoard } from './board-helpers';
import { expect, test } from './fixtures';
import { createProject, createTasks, getTask, registerUser } from './rest-client';

/** dnd-kit's live region: what a screen reader announces during a drag. */
function announcement(page: Page) {
  return page.locator('[id^="DndLiveRegion"]');
}

async function pickUp(page: Page, title: string) {
  await card(page, title).focus();
  await page.keyboard.press('Space');
  await expect(announcement(page)).toHaveText(new RegExp(`^Picked up “${title}”`));
  // dnd-kit's keyboard sensor starts listening for arrows in a setTimeout after the pick-up;
  // a timeout queued now runs after it. (No person types that fast; a loaded runner did.)
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

test('Space, arrows, Space: Right goes one column at a time, Up/Down a place, and it is announced by name', async ({
  url,
  openAs,
}) => {
  const owner = await registerUser(url, 'Kai Keys');
  const project = await createProject(url, owner, 'Keyboard drag');
  const [first, second] = await createTasks(url, owner, project.id, [
    { title: 'Sand the frame' },
    { title: 'Oil the hinges' },
    { title: 'Fit the glass' },
    { title: 'Hang the door', status: 'in-progress' },
  ]);
  if (!first || !second) throw new Error('no tasks');
  const page = await openAs(owner);
  await openBoard(page, project);

  // Space, ArrowRight, Space: into the next column at the same height, not down a place.
  await pickUp(page, 'Oil the hinges');
  await page.keyboard.press('ArrowRight');
  await expect(announcement(page)).toHaveText(
    '“Oil the hinges” is over In progress, position 2 of 2.',
  );
  await afterCall(page, 'tasks.move', () => page.keyboard.press('Space'));
  await expect(announcement(page)).toHaveText(
    '“Oil the hinges” was dropped into In progress, position 2 of 2.',
  );
  await expect
    .poll(() => columnTitles(page, 'In progress'))
    .toEqual(['Hang the door', 'Oil the hinges']);
  expect(await columnTitles(page, 'To do')).toEqual(['Sand the frame', 'Fit the glass']);
  expect((await getTask(url, owner, second.id)).status).toBe('in-progress');

  // Three Rights from To do: In progress, then Done, then still Done (no column skipped).
  await pickUp(page, 'Sand the frame');
  await page.keyboard.press('ArrowRight');
  await expect(announcement(page)).toHaveText(/is over In progress, position 1 of 3\.$/);
  await page.keyboard.press('ArrowRight');
  await expect(announcement(page)).toHaveText('“Sand the frame” is over Done, position 1 of 1.');
  await page.keyboard.press('ArrowRight');
  await afterCall(page, 'tasks.move', () => page.keyboard.press('Space'));
  await expect.poll(() => columnTitles(page, 'Done')).toEqual(['Sand the frame']);
  expect((await getTask(url, owner, first.id)).status).toBe('done');

  // Up within a column: above the card over it; then Left, at the same height.
  await pickUp(page, 'Oil the hinges');
  await page.keyboard.press('ArrowUp');
  await expect(announcement(page)).toHaveText(
    '“Oil the hinges” is over In progress, position 1 of 2.',
  );
  await afterCall(page, 'tasks.move', () => page.keyboard.press('Space'));
  await expect
    .poll(() => columnTitles(page, 'In progress'))
    .toEqual(['Oil the hinges', 'Hang the door']);
  await pickUp(page, 'Oil the hinges');
  await page.keyboard.press('ArrowLeft');
  await expect(announcement(page)).toHaveText('“Oil the hinges” is over To do, position 1 of 2.');
  await afterCall(page, 'tasks.move', () => page.keyboard.press('Space'));
  await expect.poll(() => columnTitles(page, 'To do')).toEqual(['Oil the hinges', 'Fit the glass']);

  // Escape puts it back; the announcement names it, and no announcement carried an id.
  await pickUp(page, 'Fit the glass');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Escape');
  await expect(announcement(page)).toHaveText(
    'Moving “Fit the glass” was cancelled; it stays in To do.',
  );
  expect(await columnTitles(page, 'To do')).toEqual(['Oil the hinges', 'Fit the glass']);
  await expect(announcement(page)).not.toHaveText(/[0-9a-f]{8}-[0-9a-f]{4}-/);
});
