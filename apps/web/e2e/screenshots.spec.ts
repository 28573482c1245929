import { fileURLToPath } from 'node:url';
import { openBoard, openTask, taskDialog } from './board-helpers';
import { adminUser, DESKTOP, MOBILE, expect, test } from './fixtures';
import { addMember, createProject, createTasks, registerUser } from './rest-client';

/** Artifacts for people to look at (git-ignored, like all of test-results). */
const SCREENSHOTS = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));
const day = 86_400_000;

for (const [label, viewport] of [
  ['desktop', DESKTOP],
  ['mobile', MOBILE],
] as const) {
  test(`screenshots at ${label} width (${viewport.width}×${viewport.height})`, async ({
    url,
    browser,
    openAs,
  }) => {
    const signedOut = await browser.newContext({ baseURL: url, viewport });
    const signInPage = await signedOut.newPage();
    await signInPage.goto('/sign-in');
    await expect(signInPage.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await signInPage.screenshot({ path: `${SCREENSHOTS}sign-in-${label}.png`, fullPage: true });
    await signedOut.close();

    const owner = await registerUser(url, 'Petra Printer');
    const mate = await registerUser(url, 'Sam Slicer');
    const project = await createProject(url, owner, '3D printer');
    await addMember(url, owner, project.id, mate, 'editor');
    const soon = (days: number) => new Date(Date.now() + days * day).toISOString();
    await createTasks(url, owner, project.id, [
      {
        title: 'Calibrate e-steps on the new extruder',
        priority: 'high',
        assigneeId: owner.id,
        dueDate: soon(-2),
        description: 'Measure 100 mm of filament, adjust, repeat.',
      },
      {
        title: 'Order 0.4 mm hardened steel nozzles',
        priority: 'medium',
        assigneeId: mate.id,
        dueDate: soon(5),
      },
      { title: 'Design a cable chain for the X gantry', priority: 'low' },
      { title: 'Write the PETG slicer profile', priority: 'medium', assigneeId: mate.id },
      {
        title: 'Tune PID for the hotend at 240 °C',
        status: 'in-progress',
        priority: 'high',
        assigneeId: owner.id,
        dueDate: soon(1),
      },
      { title: 'Model the part-cooling duct v3', status: 'in-progress', priority: 'medium' },
      {
        title: 'Install the BLTouch probe',
        status: 'done',
        priority: 'high',
        assigneeId: mate.id,
        dueDate: soon(-10),
      },
      { title: 'Print calibration cubes', status: 'done', priority: 'low' },
      // A title in a right-to-left script, and a due date of another year.
      { title: 'معايرة السرير الساخن', priority: 'medium', assigneeId: mate.id },
      {
        title: 'Renew the filament dryer warranty',
        status: 'done',
        priority: 'low',
        dueDate: '2024-01-10T00:00:00.000Z',
      },
    ]);

    const page = await openAs(owner, { viewport });
    await openBoard(page, project);
    await page.screenshot({ path: `${SCREENSHOTS}board-${label}.png`, fullPage: true });
    await openTask(page, 'Calibrate e-steps on the new extruder');
    await page.screenshot({ path: `${SCREENSHOTS}task-dialog-${label}.png`, fullPage: true });
    // Typed, then Escape: the dialog asks before dropping it.
    await taskDialog(page).getByLabel('Description').fill('Measured 96 mm: raise to 98.4');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('alertdialog', { name: 'Discard unsaved changes?' })).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}task-discard-${label}.png`, fullPage: true });

    // The admin's projects page: every user's Inbox, each saying whose it is.
    const adminPage = await openAs(adminUser(), { viewport });
    await adminPage.goto('/');
    await expect(adminPage.getByText(`Inbox of ${owner.name}`).first()).toBeVisible();
    await adminPage.screenshot({ path: `${SCREENSHOTS}projects-admin-${label}.png` });
  });
}
