// The board against a real API (src/test/global-setup.ts): optimistic moves and their
// rollback, the conflict dialog, and filters that live in the URL.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { column, gate, renderApp, signUp } from '../test/support';

async function projectWithEditor(name: string) {
  const ada = await signUp('Ada');
  const bob = await signUp('Bob');
  const project = await ada.api.projects.create.mutate({ name });
  await ada.api.members.add.mutate({ projectId: project.id, email: bob.email, role: 'editor' });
  return { ada, bob, project };
}

async function card(columnName: 'To do' | 'In progress' | 'Done', title: string) {
  // Names match whole (testing-library's default): "Fan" never finds "Fan duct".
  return within(await screen.findByRole('region', { name: columnName })).findByRole('button', {
    name: title,
  });
}

/** The cards of a column, top to bottom, by title. */
function titlesIn(columnName: 'To do' | 'In progress' | 'Done'): (string | null)[] {
  return within(column(columnName))
    .getAllByRole('button')
    .filter((element) => element.dataset.taskId)
    .map((element) => element.getAttribute('aria-label'));
}

async function moveWithMenu(title: string, to: string) {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: `Move ${title}` }));
  await user.click(await screen.findByRole('menuitem', { name: to }));
}

describe('moving a card', () => {
  it('shows it in its new column before the server answers, and keeps it there', async () => {
    const { ada, project } = await projectWithEditor('Moves');
    const task = await ada.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Level the bed',
    });
    const moves = gate('tasks.move');
    renderApp(`/projects/${project.id}`, ada.token, [moves.link]);
    await card('To do', 'Level the bed');

    await moveWithMenu('Level the bed', 'Done');
    await waitFor(() => {
      expect(moves.held).toBe(1);
    });
    // Held at the gate, yet already moved on screen, counts included.
    expect(within(column('Done')).getByRole('button', { name: 'Level the bed' })).toBeVisible();
    expect(within(column('To do')).queryByRole('button', { name: 'Level the bed' })).toBeNull();
    expect(within(column('Done')).getByLabelText('1 task')).toBeVisible();

    moves.release();
    await waitFor(async () => {
      expect((await ada.api.tasks.get.query({ id: task.id })).status).toBe('done');
    });
    expect(await card('Done', 'Level the bed')).toBeVisible();
    expect(within(column('To do')).getByLabelText('0 tasks')).toBeVisible();
  });

  it('puts it back with a message when the server refuses, and writes nothing', async () => {
    const { ada, bob, project } = await projectWithEditor('Refused move');
    const task = await ada.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Swap the nozzle',
    });
    const moves = gate('tasks.move');
    renderApp(`/projects/${project.id}`, bob.token, [moves.link]);
    await card('To do', 'Swap the nozzle');

    await moveWithMenu('Swap the nozzle', 'In progress');
    await waitFor(() => {
      expect(moves.held).toBe(1);
    });
    expect(
      within(column('In progress')).getByRole('button', { name: 'Swap the nozzle' }),
    ).toBeVisible();
    // Meanwhile the owner takes Bob's edit rights away: the move will be refused.
    await ada.api.members.updateRole.mutate({
      projectId: project.id,
      userId: bob.user.id,
      role: 'viewer',
    });
    moves.release();

    expect(await screen.findByText('Move undone')).toBeVisible();
    expect(await card('To do', 'Swap the nozzle')).toBeVisible();
    expect(
      within(column('In progress')).queryByRole('button', { name: 'Swap the nozzle' }),
    ).toBeNull();
    const stored = await ada.api.tasks.get.query({ id: task.id });
    expect(stored).toMatchObject({ status: 'todo', version: task.version });
  });
});

describe('two quick writes to one card', () => {
  it('the second, made before the first was answered, is not taken for someone else’s change', async () => {
    const { ada, project } = await projectWithEditor('Quick moves');
    for (const title of ['Alpha', 'Bravo', 'Charlie']) {
      await ada.api.tasks.create.mutate({ projectId: project.id, title });
    }
    const moves = gate('tasks.move');
    renderApp(`/projects/${project.id}`, ada.token, [moves.link]);
    await card('To do', 'Alpha');

    await moveWithMenu('Alpha', 'Move down');
    await moveWithMenu('Alpha', 'Move down');
    // Both moves show at once; the first one's request is held, the second waits its turn.
    await waitFor(() => {
      expect(moves.held).toBe(1);
    });
    expect(titlesIn('To do')).toEqual(['Bravo', 'Charlie', 'Alpha']);
    moves.release();
    await waitFor(() => {
      expect(moves.held).toBe(1);
    });
    moves.release();

    await waitFor(async () => {
      const stored = await ada.api.tasks.list.query({ projectId: project.id });
      expect(stored.tasks.map((task) => task.title)).toEqual(['Bravo', 'Charlie', 'Alpha']);
    });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(titlesIn('To do')).toEqual(['Bravo', 'Charlie', 'Alpha']);
  });
});

describe('quick add', () => {
  it('puts each new task first in its column, counted once, as the server stores it', async () => {
    const { ada, project } = await projectWithEditor('Quick add');
    await ada.api.tasks.create.mutate({ projectId: project.id, title: 'Already there' });
    const user = userEvent.setup();
    renderApp(`/projects/${project.id}`, ada.token);
    await card('To do', 'Already there');
    const box = screen.getByRole('textbox', { name: 'Add a task to To do' });
    await user.type(box, 'Cut acrylic panels{Enter}');
    await user.type(box, 'Design the hinge{Enter}');
    // A title the schema refuses is explained, not sent.
    await user.type(box, `${'x'.repeat(201)}{Enter}`);
    expect(await screen.findByText(/at most 200|200 characters/i)).toBeVisible();

    await waitFor(async () => {
      const stored = await ada.api.tasks.list.query({ projectId: project.id });
      expect(stored.tasks.map((task) => task.title)).toEqual([
        'Design the hinge',
        'Cut acrylic panels',
        'Already there',
      ]);
    });
    await waitFor(() => {
      const shown = within(column('To do'))
        .getAllByRole('button')
        .filter((element) => element.dataset.taskId);
      expect(shown.map((element) => element.getAttribute('aria-label'))).toEqual([
        'Design the hinge',
        'Cut acrylic panels',
        'Already there',
      ]);
    });
    expect(within(column('To do')).getByLabelText('3 tasks')).toBeVisible();
  });
});

describe('a conflicting edit', () => {
  async function editWhileBobEdits() {
    const { ada, bob, project } = await projectWithEditor('Conflicts');
    const task = await ada.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Print the benchy',
    });
    const user = userEvent.setup();
    renderApp(`/projects/${project.id}?task=${task.id}`, ada.token);
    const dialog = await screen.findByRole('dialog', { name: 'Edit task' });
    const title = within(dialog).getByRole('textbox', { name: 'Title' });
    await user.clear(title);
    await user.type(title, 'Print the benchy at 0.2 mm');
    await bob.api.tasks.update.mutate({
      id: task.id,
      expectedVersion: task.version,
      title: 'Print two benchies',
    });
    // The dialog hears of it live, before Ada saves.
    expect(await within(dialog).findByText(/Someone else changed this task/)).toBeVisible();
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    const conflict = await screen.findByRole('alertdialog', {
      name: 'This task was changed by someone else',
    });
    expect(
      within(within(conflict).getByRole('region', { name: 'Their version' })).getByText(
        'Print two benchies',
      ),
    ).toBeVisible();
    expect(
      within(within(conflict).getByRole('region', { name: 'Your version' })).getByText(
        'Print the benchy at 0.2 mm',
      ),
    ).toBeVisible();
    return { ada, task, user, conflict };
  }

  it('shows both versions; "Apply my changes" saves mine on top of theirs', async () => {
    const { ada, task, user, conflict } = await editWhileBobEdits();
    await user.click(within(conflict).getByRole('button', { name: 'Apply my changes' }));
    await waitFor(async () => {
      expect(await ada.api.tasks.get.query({ id: task.id })).toMatchObject({
        title: 'Print the benchy at 0.2 mm',
        version: task.version + 2,
      });
    });
    expect(await card('To do', 'Print the benchy at 0.2 mm')).toBeVisible();
  });

  it('"Discard mine" keeps theirs, on the server and on the board', async () => {
    const { ada, task, user, conflict } = await editWhileBobEdits();
    await user.click(within(conflict).getByRole('button', { name: 'Discard mine' }));
    expect(await card('To do', 'Print two benchies')).toBeVisible();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(await ada.api.tasks.get.query({ id: task.id })).toMatchObject({
      title: 'Print two benchies',
      version: task.version + 1,
    });
  });
});

describe('filters', () => {
  it('read from the URL, write to the URL, and cover live changes', async () => {
    const { ada, bob, project } = await projectWithEditor('Filters');
    const projectId = project.id;
    await ada.api.tasks.create.mutate({ projectId, title: 'Fan duct', priority: 'high' });
    await ada.api.tasks.create.mutate({ projectId, title: 'Spool holder', priority: 'low' });
    await ada.api.tasks.create.mutate({ projectId, title: 'Fan shroud', priority: 'low' });
    const user = userEvent.setup();
    const { history } = renderApp(`/projects/${projectId}?priority=high`, ada.token);

    expect(await card('To do', 'Fan duct')).toBeVisible();
    expect(within(column('To do')).queryByRole('button', { name: 'Spool holder' })).toBeNull();
    expect(screen.getByRole('combobox', { name: 'Priority' })).toHaveValue('high');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Priority' }), 'low');
    await waitFor(() => {
      expect(new URLSearchParams(history.location.search).get('priority')).toBe('low');
    });
    expect(await card('To do', 'Spool holder')).toBeVisible();
    expect(await card('To do', 'Fan shroud')).toBeVisible();
    expect(within(column('To do')).queryByRole('button', { name: 'Fan duct' })).toBeNull();

    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'fan');
    await waitFor(() => {
      expect(new URLSearchParams(history.location.search).get('q')).toBe('fan');
    });
    await waitFor(() => {
      expect(within(column('To do')).queryByRole('button', { name: 'Spool holder' })).toBeNull();
    });
    expect(await card('To do', 'Fan shroud')).toBeVisible();

    // Live changes land in the filtered view only when they match it. The one that does not
    // match comes first: once the later one shows, the earlier event has been handled too.
    await bob.api.tasks.create.mutate({ projectId, title: 'Hotend sock', priority: 'low' });
    await bob.api.tasks.create.mutate({ projectId, title: 'Fan mount', priority: 'low' });
    expect(await card('To do', 'Fan mount')).toBeVisible();
    expect(within(column('To do')).queryByRole('button', { name: 'Hotend sock' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => {
      expect(history.location.search).toBe('');
    });
    for (const title of ['Fan duct', 'Spool holder', 'Fan shroud', 'Fan mount', 'Hotend sock']) {
      expect(await card('To do', title)).toBeVisible();
    }
  });
});

describe('the task dialog with unsaved edits', () => {
  it('asks before Escape or Close drops them, and keeps them on "Keep editing"', async () => {
    const { ada, project } = await projectWithEditor('Drafts');
    const task = await ada.api.tasks.create.mutate({ projectId: project.id, title: 'Tension' });
    const user = userEvent.setup();
    const { history } = renderApp(`/projects/${project.id}?task=${task.id}`, ada.token);
    const dialog = await screen.findByRole('dialog', { name: 'Edit task' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Description' }), 'Belt at 110 Hz');

    await user.keyboard('{Escape}');
    const ask = await screen.findByRole('alertdialog', { name: 'Discard unsaved changes?' });
    await user.click(within(ask).getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(within(dialog).getByRole('textbox', { name: 'Description' })).toHaveValue(
      'Belt at 110 Hz',
    );

    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    const again = await screen.findByRole('alertdialog', { name: 'Discard unsaved changes?' });
    await user.click(within(again).getByRole('button', { name: 'Discard changes' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog', { name: 'Edit task' })).toBeNull();
    });
    expect(new URLSearchParams(history.location.search).get('task')).toBeNull();
    expect(await ada.api.tasks.get.query({ id: task.id })).toMatchObject({
      description: '',
      version: task.version,
    });
  });

  it('closes at once when nothing was changed', async () => {
    const { ada, project } = await projectWithEditor('No drafts');
    const task = await ada.api.tasks.create.mutate({ projectId: project.id, title: 'Idler' });
    const user = userEvent.setup();
    renderApp(`/projects/${project.id}?task=${task.id}`, ada.token);
    await screen.findByRole('dialog', { name: 'Edit task' });
    await user.keyboard('{Escape}');
    await waitFor(() => {
      expect(screen.queryByRole('dialog', { name: 'Edit task' })).toBeNull();
    });
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('closes at once when someone else deleted the task meanwhile (no edits are left to keep)', async () => {
    const { ada, project } = await projectWithEditor('Deleted drafts');
    const task = await ada.api.tasks.create.mutate({ projectId: project.id, title: 'Bed mesh' });
    const user = userEvent.setup();
    renderApp(`/projects/${project.id}?task=${task.id}`, ada.token);
    const dialog = await screen.findByRole('dialog', { name: 'Edit task' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Description' }), '5x5 probe');
    await ada.api.tasks.delete.mutate({ id: task.id, expectedVersion: task.version });
    expect(await within(dialog).findByText(/no longer exists/)).toBeVisible();

    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog', { name: 'Edit task' })).toBeNull();
    });
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});

describe('what a card shows', () => {
  it('gives the year of a due date outside this year, not of one in it', async () => {
    const { ada, project } = await projectWithEditor('Dates');
    const thisYear = new Date().getUTCFullYear();
    await ada.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Old one',
      dueDate: '2024-01-10T00:00:00.000Z',
    });
    await ada.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Next one',
      dueDate: `${thisYear + 1}-03-04T00:00:00.000Z`,
    });
    await ada.api.tasks.create.mutate({
      projectId: project.id,
      title: 'This one',
      dueDate: `${thisYear}-12-31T00:00:00.000Z`,
    });
    renderApp(`/projects/${project.id}`, ada.token);
    expect(await card('To do', 'Old one')).toHaveTextContent('Overdue · Jan 10, 2024');
    expect(await card('To do', 'Next one')).toHaveTextContent(`Due Mar 4, ${thisYear + 1}`);
    const current = await card('To do', 'This one');
    expect(current).toHaveTextContent('Due Dec 31');
    expect(current).not.toHaveTextContent(String(thisYear));
  });

  it('lets user text set its own direction (dir="auto"): an RTL title reads right to left', async () => {
    const { ada, project } = await projectWithEditor('نموذج');
    const task = await ada.api.tasks.create.mutate({
      projectId: project.id,
      title: 'تنظيف الفوهة',
      description: 'قبل الطباعة',
    });
    renderApp(`/projects/${project.id}`, ada.token);
    const shown = await card('To do', 'تنظيف الفوهة');
    expect(within(shown).getByText('تنظيف الفوهة')).toHaveAttribute('dir', 'auto');
    expect(screen.getByRole('heading', { name: 'نموذج' })).toHaveAttribute('dir', 'auto');

    renderApp(`/projects/${project.id}?task=${task.id}`, ada.token);
    const dialog = await screen.findByRole('dialog', { name: 'Edit task' });
    expect(within(dialog).getByRole('textbox', { name: 'Title' })).toHaveAttribute('dir', 'auto');
    expect(within(dialog).getByRole('textbox', { name: 'Description' })).toHaveAttribute(
      'dir',
      'auto',
    );
  });
});
