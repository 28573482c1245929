// The board as a user sees it, by the accessible names of the web contract
// (/work/briefs/web-contract.md): columns, cards, menus, the task dialog, the indicator.
import {
  expect,
  type BrowserContext,
  type Locator,
  type Page,
  type WebSocketRoute,
} from '@playwright/test';

export type ColumnName = 'To do' | 'In progress' | 'Done';

/** A column: `<section aria-label="To do">`. */
export function column(page: Page, name: ColumnName): Locator {
  return page.getByRole('region', { name, exact: true });
}

/** A card: role button named exactly by its title (its Move button is "Move <title>"). */
export function card(scope: Page | Locator, title: string): Locator {
  return scope
    .locator('[data-task-id]')
    .and(scope.getByRole('button', { name: title, exact: true }));
}

/** A column's heading: its name and its count ("To do 1,667"). */
export function columnHeading(page: Page, name: ColumnName): Locator {
  return column(page, name).getByRole('heading', { name: new RegExp(`^\\s*${name}`) });
}

export function taskDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Edit task' });
}

/** The header's connection indicator (toasts are role status too, hence the text). */
export function connectionIndicator(page: Page): Locator {
  return page.getByRole('status').filter({ hasText: /^\s*(Live|Reconnecting…|Offline)\s*$/ });
}

/** A count as the UI may print it: 1667, 1,667 or 1 667. */
export function countPattern(count: number): RegExp {
  const digits = String(count).replace(/\B(?=(\d{3})+(?!\d))/g, '[,.\\s\\u00a0\\u202f]?');
  return new RegExp(`(^|\\D)${digits}(\\D|$)`);
}

/** Opens a board and waits until it is on screen and subscribed to live changes. */
export async function openBoard(page: Page, project: { id: string; name: string }): Promise<void> {
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByRole('heading', { level: 1, name: project.name })).toBeVisible();
  await expect(connectionIndicator(page)).toHaveText('Live');
}

/** Titles of the cards a column shows, top to bottom. */
export async function columnTitles(page: Page, name: ColumnName): Promise<string[]> {
  return column(page, name).evaluate((section) =>
    [...section.querySelectorAll('[data-task-id]')]
      .map((element) => ({
        title: element.getAttribute('aria-label') ?? '',
        top: element.getBoundingClientRect().top,
      }))
      .sort((a, b) => a.top - b.top)
      .map((entry) => entry.title),
  );
}

/**
 * Runs `action` and waits for the app's tRPC call of `procedure` (e.g. `tasks.move`) to be
 * answered: the optimistic UI shows the change at once, the server may not have it yet.
 */
export async function afterCall(page: Page, procedure: string, action: () => Promise<void>) {
  const answered = page.waitForResponse(
    (response) =>
      response.url().includes('/trpc/') &&
      response.url().includes(procedure) &&
      response.request().method() === 'POST',
  );
  await action();
  const response = await answered;
  expect(response.ok(), `${procedure} answered ${response.status()}`).toBe(true);
}

/** The centre of a locator's box, scrolled into view first. */
async function centreOf(locator: Locator): Promise<{ x: number; y: number; height: number }> {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  if (!box) throw new Error('element has no box (not visible)');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2, height: box.height };
}

/**
 * Drags with the mouse as a person does: press, a small move past dnd-kit's 5 px activation,
 * then a gliding move in steps (so collision detection sees every position), then release.
 * `where`: onto the middle of `target`, or just above its middle (to land before that card).
 */
export async function dragWithMouse(
  page: Page,
  source: Locator,
  target: Locator,
  where: 'onto' | 'above' = 'onto',
): Promise<void> {
  const from = await centreOf(source);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 8, from.y + 8, { steps: 4 });
  const to = await centreOf(target);
  const y = where === 'above' ? to.y - to.height / 4 : to.y;
  await page.mouse.move(to.x, y, { steps: 20 });
  // A last nudge: dnd-kit settles the drop target on the move after arriving.
  await page.mouse.move(to.x, y + 1, { steps: 2 });
  await page.mouse.up();
}

/** Adds a task with a column's quick-add box (Enter submits) and waits for its card. */
export async function quickAdd(page: Page, name: ColumnName, title: string): Promise<void> {
  const box = page.getByRole('textbox', { name: `Add a task to ${name}` });
  await box.fill(title);
  await afterCall(page, 'tasks.create', () => box.press('Enter'));
  // One card: the optimistic one and the created one must become the same card.
  await expect(card(column(page, name), title)).toHaveCount(1);
  await expect(card(column(page, name), title)).toBeVisible();
}

/** Moves a card with its "Move <title>" menu (mouse). */
export async function moveWithMenu(
  page: Page,
  title: string,
  item: ColumnName | 'Move up' | 'Move down',
): Promise<void> {
  await page.getByRole('button', { name: `Move ${title}`, exact: true }).click();
  await afterCall(page, 'tasks.move', () =>
    page.getByRole('menuitem', { name: item, exact: true }).click(),
  );
}

/** Opens a card's task dialog by clicking the card. */
export async function openTask(page: Page, title: string): Promise<Locator> {
  await card(page, title).click();
  const dialog = taskDialog(page);
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Changes fields in an open task dialog and saves (waits for the server's answer). */
export async function editInDialog(
  page: Page,
  fields: { title?: string; description?: string },
): Promise<void> {
  const dialog = taskDialog(page);
  if (fields.title !== undefined) await dialog.getByLabel('Title').fill(fields.title);
  if (fields.description !== undefined) {
    await dialog.getByLabel('Description').fill(fields.description);
  }
  await afterCall(page, 'tasks.update', () =>
    dialog.getByRole('button', { name: 'Save changes' }).click(),
  );
}

/** Deletes a task through its dialog and the confirmation. */
export async function deleteWithDialog(page: Page, title: string): Promise<void> {
  const dialog = await openTask(page, title);
  await dialog.getByRole('button', { name: 'Delete task' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete this task?' });
  await afterCall(page, 'tasks.delete', () =>
    confirm.getByRole('button', { name: 'Delete', exact: true }).click(),
  );
}

/**
 * A real network cut for one context. `setOffline` fails HTTP, fires the page's `offline`
 * event and fails new WebSockets (ERR_INTERNET_DISCONNECTED), but Chromium keeps sockets that
 * are already open working (microsoft/playwright#4910). So sockets are routed through
 * Playwright (passing everything through) and the open ones are dropped on `cut()`, with the
 * abnormal-closure code a lost network gives. Install before the page connects.
 */
export async function networkSwitch(
  context: BrowserContext,
): Promise<{ cut: () => Promise<void>; restore: () => Promise<void> }> {
  const open = new Set<WebSocketRoute>();
  await context.routeWebSocket(/.*/, (socket) => {
    // With no message handlers, messages pass through both ways unchanged. While offline the
    // connection to the server fails in the page's own network stack, as it would for real.
    socket.connectToServer();
    open.add(socket);
  });
  return {
    cut: async () => {
      await context.setOffline(true);
      for (const socket of open) await socket.close({ code: 1006, reason: 'network lost' });
      open.clear();
    },
    restore: async () => {
      await context.setOffline(false);
    },
  };
}
