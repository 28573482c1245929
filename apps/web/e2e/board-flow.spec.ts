import {
  afterCall,
  card,
  column,
  columnHeading,
  columnTitles,
  connectionIndicator,
  dragWithMouse,
  editInDialog,
  openTask,
  quickAdd,
  taskDialog,
} from './board-helpers';
import { expect, test } from './fixtures';
import { PASSWORD, uniqueEmail } from './rest-client';

test('a new user registers, builds a board, and finds it as they left it after a reload', async ({
  page,
}) => {
  // Register through the form: the one spec that signs up the way a person does.
  await page.goto('/register');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Name' }).fill('Nora New');
  await page.getByRole('textbox', { name: 'Email' }).fill(uniqueEmail('nora'));
  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  await page.getByRole('textbox', { name: 'New project name' }).fill('Garden shed');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('link', { name: 'Garden shed', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Garden shed' })).toBeVisible();
  await expect(connectionIndicator(page)).toHaveText('Live');

  for (const title of ['Pour the slab', 'Frame the walls', 'Fit the roof', 'Paint the door']) {
    await quickAdd(page, 'To do', title);
  }
  expect(await columnTitles(page, 'To do')).toEqual([
    'Pour the slab',
    'Frame the walls',
    'Fit the roof',
    'Paint the door',
  ]);

  // Edit one in the task dialog.
  await openTask(page, 'Paint the door');
  await taskDialog(page).getByLabel('Priority').selectOption('high');
  await editInDialog(page, {
    title: 'Paint the door green',
    description: 'Two coats, sand in between.',
  });
  await page.keyboard.press('Escape');
  await expect(taskDialog(page)).toBeHidden();
  await expect(card(column(page, 'To do'), 'Paint the door green')).toBeVisible();

  // Drag one to another (empty) column.
  await afterCall(page, 'tasks.move', () =>
    dragWithMouse(page, card(page, 'Frame the walls'), column(page, 'In progress')),
  );
  await expect(card(column(page, 'In progress'), 'Frame the walls')).toBeVisible();

  // Reorder within a column: the last card goes above the first.
  await afterCall(page, 'tasks.move', () =>
    dragWithMouse(page, card(page, 'Paint the door green'), card(page, 'Pour the slab'), 'above'),
  );
  await expect
    .poll(() => columnTitles(page, 'To do'))
    .toEqual(['Paint the door green', 'Pour the slab', 'Fit the roof']);

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Garden shed' })).toBeVisible();
  await expect(card(column(page, 'To do'), 'Paint the door green')).toBeVisible();
  expect(await columnTitles(page, 'To do')).toEqual([
    'Paint the door green',
    'Pour the slab',
    'Fit the roof',
  ]);
  expect(await columnTitles(page, 'In progress')).toEqual(['Frame the walls']);
  expect(await columnTitles(page, 'Done')).toEqual([]);
  await expect(columnHeading(page, 'To do')).toContainText('3');
  await expect(columnHeading(page, 'In progress')).toContainText('1');

  const dialog = await openTask(page, 'Paint the door green');
  await expect(dialog.getByLabel('Description')).toHaveValue('Two coats, sand in between.');
  await expect(dialog.getByLabel('Priority')).toHaveValue('high');
});
