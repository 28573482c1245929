import { expect, test, type Page } from '@playwright/test';
import { TEST_PASSWORD } from '@taskboard/test-kit';

const url = process.env.PANEL_E2E_URL ?? '';
const admin = process.env.PANEL_E2E_ADMIN ?? '';
const user = process.env.PANEL_E2E_USER ?? '';

async function signIn(page: Page, email: string) {
  await page.goto(`${url}/panel`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function runProcedure(page: Page, path: string, input?: string) {
  await page.getByRole('button', { name: new RegExp(`^${path.replace('.', '\\.')}`) }).click();
  await expect(page.locator('#procedure-path')).toHaveText(path);
  if (input !== undefined) await page.getByLabel('Input (JSON)').fill(input);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
}

test('an admin lists procedures, runs queries, mutations and a subscription, and sees typed errors', async ({
  page,
}, testInfo) => {
  await signIn(page, admin);
  await expect(page.getByRole('status')).toContainText(`Signed in as Ada Admin <${admin}> (admin)`);
  await expect(page.getByRole('navigation', { name: 'Procedures' })).toContainText('tasks.list');

  await runProcedure(page, 'projects.create', '{ "name": "Made in the panel" }');
  await expect(page.locator('#result-status')).toHaveText('ok 200');
  await expect(page.getByLabel('Result')).toContainText('"name": "Made in the panel"');
  const created: unknown = JSON.parse((await page.getByLabel('Result').textContent()) ?? '');
  const projectId =
    typeof created === 'object' && created !== null && 'id' in created ? String(created.id) : '';

  // A subscription: events of that project arrive while it runs.
  await page.getByRole('button', { name: /^events\.project/ }).click();
  await page.getByLabel('Input (JSON)').fill(JSON.stringify({ projectId }));
  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await expect(page.locator('#result-status')).toHaveText('live: waiting for events');
  const write = await page.request.post(`${url}/trpc/tasks.create`, {
    headers: { origin: url },
    data: { projectId, title: 'Seen live' },
  });
  expect(write.ok()).toBe(true);
  await expect(page.locator('#result-status')).toHaveText('live: 1 event(s)');
  await expect(page.getByLabel('Result')).toContainText('"type": "task.created"');
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Subscribe', exact: true })).toBeEnabled();

  await runProcedure(page, 'tasks.create', '{ "title": "Panel task" }');
  await expect(page.locator('#result-status')).toHaveText('ok 200');

  await runProcedure(page, 'tasks.list', '{ "search": "Panel" }');
  await expect(page.locator('#result-status')).toHaveText('ok 200');
  await expect(page.getByLabel('Result')).toContainText('"title": "Panel task"');
  await expect(page.getByLabel('Result')).toContainText('"total": 1');
  await page.screenshot({ path: testInfo.outputPath('panel-admin.png'), fullPage: true });

  await runProcedure(page, 'tasks.get');
  await expect(page.locator('#result-status')).toHaveText('error 404');
  await expect(page.getByLabel('Result')).toContainText('"appCode": "NOT_FOUND"');

  await runProcedure(page, 'projects.create', '{ "name": "" }');
  await expect(page.locator('#result-status')).toHaveText('error 400');
  await expect(page.getByLabel('Result')).toContainText('"appCode": "VALIDATION_ERROR"');
});

test('in production a signed-in user who is not an admin is refused', async ({ page }) => {
  await signIn(page, user);
  await expect(page.getByText('The tRPC panel is for admins only.')).toBeVisible();
  const catalogue = await page.request.get(`${url}/panel/catalogue.json`);
  expect(catalogue.status()).toBe(403);
});
