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
import { TEST_PASSWORD, uniqueEmail } from '@taskboard/test-kit';

test('a new user registers, builds a board, and finds it as they left it after a reload', async ({
  page,
}) => {
  // Register through the form: the one spec that signs up the way a person does.
  await page.goto('/register');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Name' }).fill('Nora New');
  await page.getByRole('textbox', { name: 'Email' }).fill(uniqueEmail('nora'));
  await page.getByRole('textbox', { name: 'Password' }).fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  await page.getByRole('textbox', { name: 'New project name' }).fill('Garden shed');
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('link', { name: 'Garden shed', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Garden shed' })).toBeVisible();
  await expect(connectionIndicator(page)).toHaveText('Live');

  const titles = ['Pour the slab', 'Frame the walls', 'Fit the roof', 'Paint the door'];
  for (const title of titles) await quickAdd(page, 'To do', title);
  // Where quick add puts a card (top or bottom) is the app's choice; all four must be there.
  expect([...(await columnTitles(page, 'To do'))].sort()).toEqual([...titles].sort());

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
  await expect(card(column(page, 'To do'), 'Frame the walls')).toHaveCount(0);

  // Reorder within a column: the bottom card goes above the top one.
  const before = await columnTitles(page, 'To do');
  const [top] = before;
  const bottom = before.at(-1);
  if (before.length !== 3 || top === undefined || bottom === undefined) {
    throw new Error(`expected three cards in To do, found ${JSON.stringify(before)}`);
  }
  const expected = [bottom, ...before.slice(0, -1)];
  await afterCall(page, 'tasks.move', () =>
    dragWithMouse(page, card(page, bottom), card(page, top), 'above'),
  );
  await expect.poll(() => columnTitles(page, 'To do')).toEqual(expected);

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Garden shed' })).toBeVisible();
  await expect(card(column(page, 'To do'), bottom)).toBeVisible();
  expect(await columnTitles(page, 'To do')).toEqual(expected);
  expect(await columnTitles(page, 'In progress')).toEqual(['Frame the walls']);
  expect(await columnTitles(page, 'Done')).toEqual([]);
  await expect(columnHeading(page, 'To do')).toHaveText(/\D3(\D|$)/);
  await expect(columnHeading(page, 'In progress')).toHaveText(/\D1(\D|$)/);
  await expect(columnHeading(page, 'Done')).toHaveText(/\D0(\D|$)/);

  const dialog = await openTask(page, 'Paint the door green');
  await expect(dialog.getByLabel('Description')).toHaveValue('Two coats, sand in between.');
  await expect(dialog.getByLabel('Priority')).toHaveValue('high');
});
