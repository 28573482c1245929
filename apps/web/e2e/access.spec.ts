import { afterCall, card, column, dragWithMouse, openBoard, taskDialog } from './board-helpers';
import { expect, test } from './fixtures';
import { addMember, createProject, createTasks, getTask, registerUser } from './rest-client';

test('a viewer cannot drag or edit', async ({ url, openAs }) => {
  const owner = await registerUser(url, 'Olga Owner');
  const viewer = await registerUser(url, 'Vic Viewer');
  const project = await createProject(url, owner, 'Read only');
  await addMember(url, owner, project.id, viewer, 'viewer');
  const [task] = await createTasks(url, owner, project.id, [
    { title: 'Inspect the boiler', description: 'Yearly service' },
    { title: 'Bleed the radiators' },
  ]);
  if (!task) throw new Error('no task');

  const page = await openAs(viewer);
  await openBoard(page, project);
  await expect(page.getByText('View only')).toBeVisible();
  await expect(card(page, 'Inspect the boiler')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Move / })).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: /^Add a task to / })).toHaveCount(0);

  // A drag does nothing: the card stays, and nothing reached the server.
  const moves: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('tasks.move')) moves.push(request.url());
  });
  await dragWithMouse(page, card(page, 'Inspect the boiler'), column(page, 'Done'));
  await expect(card(column(page, 'To do'), 'Inspect the boiler')).toBeVisible();
  await expect(card(column(page, 'Done'), 'Inspect the boiler')).toHaveCount(0);

  // A viewer opens a task to read it: the card must not claim to be disabled (aria-disabled
  // from the drag library), or clicks and assistive technology treat it as dead.
  await expect(card(page, 'Inspect the boiler')).toBeEnabled();
  await card(page, 'Inspect the boiler').click();
  const dialog = taskDialog(page);
  await expect(dialog).toBeVisible();
  for (const field of ['Title', 'Description', 'Status', 'Priority', 'Assignee', 'Due date']) {
    await expect(dialog.getByLabel(field, { exact: true }), field).toBeDisabled();
  }
  // No way to write: the dialog offers neither saving nor deleting.
  await expect(dialog.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Delete task' })).toHaveCount(0);

  // Checked last, seconds after the drag: no move was ever sent, and none was undone.
  expect(moves).toEqual([]);
  await expect(page.getByText('Move undone')).toHaveCount(0);
  const unchanged = await getTask(url, owner, task.id);
  expect(unchanged.status).toBe('todo');
  expect(unchanged.version).toBe(task.version);
});

test('a keyboard-only user moves a card to another column with its Move menu', async ({
  url,
  openAs,
}) => {
  const owner = await registerUser(url, 'Kim Keys');
  const project = await createProject(url, owner, 'Keyboard');
  const [, task] = await createTasks(url, owner, project.id, [
    { title: 'Label the drawers' },
    { title: 'Hang the shelves' },
  ]);
  if (!task) throw new Error('no task');

  const page = await openAs(owner);
  await openBoard(page, project);
  const moveButton = page.getByRole('button', { name: 'Move Hang the shelves', exact: true });
  const isFocused = (target: typeof moveButton) =>
    target.evaluate((element) => element === document.activeElement);

  // Tab through the page until the Move button has focus, as a keyboard user would.
  let tabs = 0;
  while (!(await isFocused(moveButton))) {
    tabs += 1;
    if (tabs > 80) throw new Error('80 Tabs did not reach "Move Hang the shelves"');
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  const target = page.getByRole('menuitem', { name: 'In progress', exact: true });
  await expect(target).toBeVisible();
  let arrows = 0;
  while (!(await isFocused(target))) {
    arrows += 1;
    if (arrows > 6) throw new Error('the arrows did not reach "In progress" in the Move menu');
    await page.keyboard.press('ArrowDown');
  }
  await afterCall(page, 'tasks.move', () => page.keyboard.press('Enter'));

  await expect(card(column(page, 'In progress'), 'Hang the shelves')).toBeVisible();
  await expect(card(column(page, 'To do'), 'Hang the shelves')).toHaveCount(0);
  expect((await getTask(url, owner, task.id)).status).toBe('in-progress');
});
