// The board's live state against a real API: counts follow the events' previous values (no
// board asks the server again), a quick add's draft is the saved task (by its id), our own
// writes count once whichever of answer and event comes first, and a view read while the feed
// runs gets the events that arrived before its data.
import { screen, waitFor, within } from '@testing-library/react';
import type { TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { describe, expect, it } from 'vitest';
import type { AppRouter } from '@taskboard/api';
import { LIMITS } from '@taskboard/schema';
import userEvent from '@testing-library/user-event';
import { column, gate, renderApp, signUp } from '../test/support';
import { boardKey } from './data';
import { findTask, type BoardView } from './model';

/** Records the procedures the app calls over HTTP (queries and mutations, not the feed). */
function callRecorder() {
  const calls: string[] = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op, next }) =>
      observable((observer) => {
        if (op.type !== 'subscription') calls.push(op.path);
        const subscription = next(op).subscribe(observer);
        return () => {
          subscription.unsubscribe();
        };
      });
  return { link, calls };
}

describe('column counts', () => {
  it('follow a move and a delete of cards this board never loaded, without asking the server', async () => {
    const ada = await signUp('Ada');
    const bob = await signUp('Bob');
    const project = await ada.api.projects.create.mutate({ name: 'Long column' });
    const projectId = project.id;
    await ada.api.members.add.mutate({ projectId, email: bob.email, role: 'editor' });
    // One more card than a column loads: the last one stays unloaded.
    const count = LIMITS.boardColumnPageDefault + 1;
    const tasks = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        ada.api.tasks.create.mutate({ projectId, title: `Card ${String(index)}` }),
      ),
    );
    const listed = await ada.api.tasks.list.query({
      projectId,
      sort: 'position',
      order: 'desc',
      limit: 2,
    });
    const [last, secondLast] = listed.tasks;
    if (!last || !secondLast || tasks.length !== count) throw new Error('no far cards');
    const recorder = callRecorder();
    renderApp(`/projects/${projectId}`, ada.token, [recorder.link]);
    await waitFor(() => {
      expect(within(column('To do')).getByLabelText(`${String(count)} tasks`)).toBeVisible();
    });
    const before = recorder.calls.length;

    await bob.api.tasks.move.mutate({ id: last.id, status: 'done', expectedVersion: last.version });
    await bob.api.tasks.delete.mutate({ id: secondLast.id, expectedVersion: secondLast.version });
    await waitFor(() => {
      expect(within(column('To do')).getByLabelText(`${String(count - 2)} tasks`)).toBeVisible();
    });
    expect(within(column('Done')).getByLabelText('1 task')).toBeVisible();
    expect(await within(column('Done')).findByRole('button', { name: last.title })).toBeVisible();
    expect(recorder.calls.slice(before)).toEqual([]);
  });
});

describe('quick add', () => {
  it('saves the task under the draft’s own id, so the draft shown is the task saved', async () => {
    const ada = await signUp('Ada');
    const project = await ada.api.projects.create.mutate({ name: 'Draft ids' });
    const creates = gate('tasks.create');
    const user = userEvent.setup();
    renderApp(`/projects/${project.id}`, ada.token, [creates.link]);
    const box = await screen.findByRole('textbox', { name: 'Add a task to To do' });
    await user.type(box, 'Level the bed{Enter}');
    await waitFor(() => {
      expect(creates.held).toBe(1);
    });
    const draft = within(column('To do')).getByRole('button', { name: 'Level the bed' });
    const draftId = draft.dataset.taskId;
    expect(within(column('To do')).getByLabelText('1 task')).toBeVisible();

    creates.release();
    await waitFor(async () => {
      const stored = await ada.api.tasks.list.query({ projectId: project.id });
      expect(stored.tasks.map((task) => task.id)).toEqual([draftId]);
    });
    await waitFor(() => {
      expect(
        within(column('To do')).getAllByRole('button', { name: 'Level the bed' }),
      ).toHaveLength(1);
    });
    expect(
      within(column('To do')).getByRole('button', { name: 'Level the bed' }).dataset.taskId,
    ).toBe(draftId);
    expect(within(column('To do')).getByLabelText('1 task')).toBeVisible();
  });
});

describe('our own move', () => {
  it('counts a move made while its answer is held once, whichever of answer and event comes first', async () => {
    const ada = await signUp('Ada');
    const project = await ada.api.projects.create.mutate({ name: 'Echo first' });
    const task = await ada.api.tasks.create.mutate({ projectId: project.id, title: 'Fan duct' });
    await ada.api.tasks.create.mutate({ projectId: project.id, title: 'Spool' });
    // The move is sent and committed; its answer is held, so its event comes back first.
    const moves = gate('tasks.move', 'answer');
    const user = userEvent.setup();
    const { queryClient } = renderApp(`/projects/${project.id}`, ada.token, [moves.link]);
    await user.click(await screen.findByRole('button', { name: 'Move Fan duct' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Done' }));
    await waitFor(async () => {
      expect((await ada.api.tasks.get.query({ id: task.id })).status).toBe('done');
    });
    await waitFor(() => {
      expect(moves.held).toBe(1);
    });
    expect(within(column('Done')).getByLabelText('1 task')).toBeVisible();
    expect(within(column('To do')).getByLabelText('1 task')).toBeVisible();

    moves.release();
    // Answered: the write is no longer pending, the view is the server's state alone.
    await waitFor(() => {
      expect(queryClient.getQueryData<BoardView>(boardKey(project.id, null))?.pending).toEqual([]);
    });
    expect(within(column('Done')).getByRole('button', { name: 'Fan duct' })).toBeVisible();
    expect(within(column('Done')).getByLabelText('1 task')).toBeVisible();
    expect(within(column('To do')).getByLabelText('1 task')).toBeVisible();
  });
});

describe('a board view read while changes happen', () => {
  it('gets the changes whose events arrived before its data did', async () => {
    const ada = await signUp('Ada');
    const bob = await signUp('Bob');
    const project = await ada.api.projects.create.mutate({ name: 'Late view' });
    const projectId = project.id;
    await ada.api.members.add.mutate({ projectId, email: bob.email, role: 'editor' });
    await ada.api.tasks.create.mutate({ projectId, title: 'Fan duct', priority: 'high' });
    const gets = gate('board.get', 'answer');
    const user = userEvent.setup();
    const { queryClient } = renderApp(`/projects/${projectId}?priority=high`, ada.token, [
      gets.link,
    ]);
    // The filtered view reads the project's event cursor before and after its lists.
    for (let read = 0; read < 2; read += 1) {
      await waitFor(() => {
        expect(gets.held).toBe(1);
      });
      gets.release();
    }
    const todo = await screen.findByRole('region', { name: 'To do' });
    expect(await within(todo).findByRole('button', { name: 'Fan duct' })).toBeVisible();

    // The unfiltered view is read (board.get); its answer is held.
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => {
      expect(gets.held).toBe(1);
    });
    // A change that view did not see; its event reaches the board before the view's answer.
    const late = await bob.api.tasks.create.mutate({
      projectId,
      title: 'Fan shroud',
      priority: 'high',
    });
    await waitFor(() => {
      const filtered = queryClient.getQueryData<BoardView>(
        boardKey(projectId, { priority: 'high' }),
      );
      expect(filtered && findTask(filtered, late.id)).toBeTruthy();
    });
    gets.release();

    expect(
      await within(column('To do')).findByRole('button', { name: 'Fan shroud' }),
    ).toBeVisible();
    expect(within(column('To do')).getByRole('button', { name: 'Fan duct' })).toBeVisible();
    expect(within(column('To do')).getByLabelText('2 tasks')).toBeVisible();
  });
});

describe('a filtered view read while someone writes', () => {
  it('is read again when a change lands between its cursor and its lists, so it is not counted twice', async () => {
    const ada = await signUp('Ada');
    const bob = await signUp('Bob');
    const project = await ada.api.projects.create.mutate({ name: 'Busy filter' });
    const projectId = project.id;
    await ada.api.members.add.mutate({ projectId, email: bob.email, role: 'editor' });
    await ada.api.tasks.create.mutate({ projectId, title: 'Fan duct', priority: 'high' });
    const gone = await ada.api.tasks.create.mutate({
      projectId,
      title: 'Fan shroud',
      priority: 'high',
    });
    // The lists are held before they are sent: the view has read its cursor, not its lists.
    const lists = gate('tasks.list');
    renderApp(`/projects/${projectId}?priority=high`, ada.token, [lists.link]);
    await waitFor(() => {
      expect(lists.held).toBe(3);
    });
    await bob.api.tasks.delete.mutate({ id: gone.id, expectedVersion: gone.version });
    lists.release();
    // The cursor moved while the lists were read: they are read again, after the delete.
    await waitFor(() => {
      expect(lists.held).toBe(3);
    });
    lists.release();

    const todo = await screen.findByRole('region', { name: 'To do' });
    expect(await within(todo).findByRole('button', { name: 'Fan duct' })).toBeVisible();
    expect(within(todo).queryByRole('button', { name: 'Fan shroud' })).toBeNull();
    // The feed replays the delete's event after the view's cursor: the view was read after it,
    // so it counts nothing. A later change shows once the feed has passed the delete.
    await bob.api.tasks.create.mutate({ projectId, title: 'Fan mount', priority: 'high' });
    expect(await within(todo).findByRole('button', { name: 'Fan mount' })).toBeVisible();
    expect(within(todo).getByLabelText('2 tasks')).toBeVisible();
  });
});
