import {
  card,
  column,
  columnTitles,
  connectionIndicator,
  deleteWithDialog,
  editInDialog,
  moveWithMenu,
  networkSwitch,
  openBoard,
  openTask,
  quickAdd,
  taskDialog,
} from './board-helpers';
import { expect, test } from './fixtures';
import { addMember, createProject, createTasks, registerUser } from './rest-client';

test('a member cut off while the other makes changes sees them all on reconnect', async ({
  url,
  openAs,
}) => {
  const ann = await registerUser(url, 'Ann Owner');
  const ben = await registerUser(url, 'Ben Editor');
  const project = await createProject(url, ann, 'Offline board');
  await addMember(url, ann, project.id, ben, 'editor');
  await createTasks(url, ann, project.id, [
    { title: 'Check the gutters' },
    { title: 'Oil the hinges' },
    { title: 'Replace the bulb' },
  ]);

  const annPage = await openAs(ann);
  const benPage = await openAs(ben);
  const network = await networkSwitch(benPage.context());
  await openBoard(annPage, project);
  await openBoard(benPage, project);

  await network.cut();
  await expect(connectionIndicator(benPage)).toHaveText(/^(Offline|Reconnecting…)$/);

  await quickAdd(annPage, 'To do', 'Fix the gate');
  await moveWithMenu(annPage, 'Check the gutters', 'Done');
  await openTask(annPage, 'Oil the hinges');
  await editInDialog(annPage, { title: 'Oil the hinges and the lock' });
  await annPage.keyboard.press('Escape');
  await expect(taskDialog(annPage)).toBeHidden();
  await deleteWithDialog(annPage, 'Replace the bulb');

  // Cut off, Ben's board still shows what it had (no live updates reached it).
  await expect(card(benPage, 'Replace the bulb')).toBeVisible();
  await expect(connectionIndicator(benPage)).toHaveText(/^(Offline|Reconnecting…)$/);

  await network.restore();
  // Reconnecting may wait out a retry delay; catching up must then be complete.
  await expect(connectionIndicator(benPage)).toHaveText('Live', { timeout: 30_000 });
  await expect(card(column(benPage, 'To do'), 'Fix the gate')).toBeVisible();
  await expect(card(column(benPage, 'Done'), 'Check the gutters')).toBeVisible();
  await expect(card(benPage, 'Oil the hinges and the lock')).toBeVisible();
  await expect(card(benPage, 'Replace the bulb')).toHaveCount(0);
  expect(await columnTitles(benPage, 'To do')).toEqual(await columnTitles(annPage, 'To do'));
  expect(await columnTitles(benPage, 'Done')).toEqual(await columnTitles(annPage, 'Done'));
});
