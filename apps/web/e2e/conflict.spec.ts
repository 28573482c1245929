import type { Locator, Page } from '@playwright/test';
import { afterCall, editInDialog, openBoard, openTask, taskDialog } from './board-helpers';
import { expect, test } from './fixtures';
import {
  addMember,
  createProject,
  createTask,
  getTask,
  registerUser,
  type TestUser,
} from './rest-client';

const A_TEXT = 'Use the blue paint (Ann)';
const B_TEXT = 'Use the red paint (Ben)';

/**
 * Both members open the same task; Ben types while Ann saves first; Ben's save then meets a
 * newer version. Returns Ben's page with the conflict dialog showing.
 */
async function conflictingEdits(
  url: string,
  openAs: (user: TestUser) => Promise<Page>,
): Promise<{ ann: TestUser; benPage: Page; conflict: Locator; taskId: string }> {
  const ann = await registerUser(url, 'Ann Owner');
  const ben = await registerUser(url, 'Ben Editor');
  const project = await createProject(url, ann, 'Conflicts');
  await addMember(url, ann, project.id, ben, 'editor');
  const task = await createTask(url, ann, project.id, {
    title: 'Paint the fence',
    description: 'Colour to be decided',
  });

  const annPage = await openAs(ann);
  const benPage = await openAs(ben);
  await openBoard(annPage, project);
  await openBoard(benPage, project);
  await openTask(annPage, 'Paint the fence');
  await openTask(benPage, 'Paint the fence');
  await taskDialog(benPage).getByLabel('Description').fill(B_TEXT);

  await editInDialog(annPage, { description: A_TEXT });
  expect((await getTask(url, ann, task.id)).description).toBe(A_TEXT);

  const benDialog = taskDialog(benPage);
  await benDialog.getByRole('button', { name: 'Save changes' }).click();
  const conflict = benPage.getByRole('alertdialog', {
    name: 'This task was changed by someone else',
  });
  await expect(conflict).toBeVisible();
  // The other person's version is shown, so Ben can decide knowing what he overwrites.
  await expect(conflict).toContainText(A_TEXT);
  return { ann, benPage, conflict, taskId: task.id };
}

test('a conflicting edit: "Apply my changes" saves the second person’s text', async ({
  url,
  openAs,
}) => {
  const { ann, benPage, conflict, taskId } = await conflictingEdits(url, openAs);
  await afterCall(benPage, 'tasks.update', () =>
    conflict.getByRole('button', { name: 'Apply my changes' }).click(),
  );
  await expect(conflict).toBeHidden();
  expect((await getTask(url, ann, taskId)).description).toBe(B_TEXT);
});

test('a conflicting edit: "Discard mine" shows the first person’s text', async ({
  url,
  openAs,
}) => {
  const { ann, benPage, conflict, taskId } = await conflictingEdits(url, openAs);
  await conflict.getByRole('button', { name: 'Discard mine' }).click();
  await expect(conflict).toBeHidden();
  // The edit dialog closed when the conflict opened; reopened, it shows Ann's version.
  const dialog = taskDialog(benPage);
  await expect(dialog).toBeHidden();
  await openTask(benPage, 'Paint the fence');
  await expect(dialog.getByLabel('Description')).toHaveValue(A_TEXT);
  expect((await getTask(url, ann, taskId)).description).toBe(A_TEXT);
});
