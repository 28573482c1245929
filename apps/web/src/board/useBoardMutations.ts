import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import type { Task, UpdateTaskInput } from '@taskboard/schema';
import { appErrorOf } from '../errors';
import { useTRPC, useTRPCClient } from '../trpc';
import { useToast } from '../ui/toast';
import { boardKeyPrefix, scheduleCountRefresh } from './data';
import { addDraft, removeDraft } from './drafts';
import {
  movedTask,
  withLatest,
  withoutTask,
  withTask,
  type BoardView,
  type MoveTarget,
} from './model';

/** The fields the task dialog edits. */
export type TaskChanges = Omit<UpdateTaskInput, 'id' | 'expectedVersion'>;

/** What the user tried when the server said someone else changed the task first. */
export type PendingChange =
  | { kind: 'update'; changes: TaskChanges }
  | { kind: 'move'; target: MoveTarget }
  | { kind: 'delete' };

export interface Conflict {
  mine: PendingChange;
  /** The version the user's change was made on. */
  base: Task;
  /** The version on the server now. */
  theirs: Task;
}

/** The task with the edited fields, as the board shows it until the server answers. */
export function editedTask(task: Task, changes: TaskChanges): Task {
  return {
    ...task,
    ...(changes.title === undefined ? {} : { title: changes.title }),
    ...(changes.description === undefined ? {} : { description: changes.description }),
    ...(changes.status === undefined ? {} : { status: changes.status }),
    ...(changes.priority === undefined ? {} : { priority: changes.priority }),
    ...(changes.assigneeId === undefined ? {} : { assigneeId: changes.assigneeId }),
    ...(changes.dueDate === undefined ? {} : { dueDate: changes.dueDate }),
  };
}

/**
 * The board's writes, each applied to every cached view at once (optimistically) and undone
 * with a message when the server refuses. A `CONFLICT` shows the server's version and hands
 * the user's change to `onConflict`, so they can reapply it or let it go: nothing is lost
 * without them deciding.
 */
export function useBoardMutations(projectId: string, onConflict: (conflict: Conflict) => void) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();

  /**
   * Applies a change of ours to every view. One that touched a task a view had not loaded (a
   * task opened from a link) leaves counts unsure: they are re-read, once our writes settle.
   */
  const patch = useCallback(
    (change: (view: BoardView) => { view: BoardView; countsUncertain: boolean }) => {
      const counts = { uncertain: false };
      queryClient.setQueriesData<BoardView>({ queryKey: boardKeyPrefix(projectId) }, (view) => {
        if (!view) return view;
        const result = change(view);
        counts.uncertain ||= result.countsUncertain;
        return result.view;
      });
      if (counts.uncertain) scheduleCountRefresh(queryClient, client, projectId);
    },
    [client, projectId, queryClient],
  );

  /** Puts the task back as it was, unless a newer version arrived meanwhile. */
  const restore = useCallback(
    (task: Task) => {
      patch((view) => withLatest(view, task));
    },
    [patch],
  );

  /**
   * A second write to a task made before the first one's answer still names the version it
   * was made on, which the first write has since moved on: without this it would be refused
   * as a conflict with the user's own change. Writes to one task go one after another, and
   * the versions our own writes produced are followed (another person's change still
   * conflicts: only our own steps are skipped).
   */
  const turns = useRef(new Map<string, Promise<unknown>>());
  const ownSteps = useRef(new Map<string, Map<number, number>>());
  const inTurn = useCallback(
    <T extends { version: number }>(
      task: Task,
      write: (expectedVersion: number) => Promise<T>,
    ): Promise<T> => {
      const run = async () => {
        const steps = ownSteps.current.get(task.id) ?? new Map<number, number>();
        let expected = task.version;
        for (let next = steps.get(expected); next !== undefined; next = steps.get(expected)) {
          expected = next;
        }
        const saved = await write(expected);
        // Versions only grow, so following the steps always ends.
        if (saved.version > expected)
          ownSteps.current.set(task.id, steps.set(expected, saved.version));
        return saved;
      };
      const previous = turns.current.get(task.id) ?? Promise.resolve();
      const result = previous.then(run, run);
      turns.current.set(
        task.id,
        result.catch(() => undefined),
      );
      return result;
    },
    [],
  );

  const refused = useCallback(
    (error: unknown, base: Task, mine: PendingChange, undone: string) => {
      const shown = appErrorOf(error);
      if (shown.code === 'CONFLICT' && shown.current) {
        const theirs = shown.current;
        patch((view) => withLatest(view, theirs));
        onConflict({ mine, base, theirs });
        return;
      }
      if (shown.code === 'NOT_FOUND') {
        patch((view) => withoutTask(view, base.id));
        toast({
          title: undone,
          description: 'This task was deleted by someone else.',
          tone: 'error',
        });
        return;
      }
      if (shown.code === 'FORBIDDEN') {
        void queryClient.invalidateQueries({
          queryKey: trpc.projects.get.queryKey({ id: projectId }),
        });
      }
      toast({ title: undone, description: shown.message, tone: 'error' });
    },
    [onConflict, patch, projectId, queryClient, toast, trpc],
  );

  const move = useMutation({
    mutationFn: ({ task, target }: { task: Task; target: MoveTarget }) =>
      inTurn(task, (expectedVersion) =>
        client.tasks.move.mutate({ id: task.id, ...target, expectedVersion }),
      ),
    onMutate: ({ task, target }) => {
      patch((view) => withTask(view, movedTask(view, task, target)));
    },
    onSuccess: (saved) => {
      patch((view) => withLatest(view, saved));
    },
    onError: (error, { task, target }) => {
      restore(task);
      refused(error, task, { kind: 'move', target }, 'Move undone');
    },
  });

  const update = useMutation({
    mutationFn: ({ task, changes }: { task: Task; changes: TaskChanges }) =>
      inTurn(task, (expectedVersion) =>
        client.tasks.update.mutate({ id: task.id, expectedVersion, ...changes }),
      ),
    onMutate: ({ task, changes }) => {
      patch((view) => withTask(view, editedTask(task, changes)));
    },
    onSuccess: (saved) => {
      patch((view) => withLatest(view, saved));
    },
    onError: (error, { task, changes }) => {
      restore(task);
      // Field errors stay in the dialog, which shows them next to the fields.
      if (appErrorOf(error).code === 'VALIDATION_ERROR') return;
      refused(error, task, { kind: 'update', changes }, 'Edit undone');
    },
  });

  const remove = useMutation({
    mutationFn: (task: Task) =>
      inTurn(task, async (expectedVersion) => {
        await client.tasks.delete.mutate({ id: task.id, expectedVersion });
        return task;
      }),
    onMutate: (task) => {
      patch((view) => withoutTask(view, task.id));
    },
    onError: (error, task) => {
      restore(task);
      refused(error, task, { kind: 'delete' }, 'Delete undone');
    },
  });

  const create = useMutation({
    /** Adds the task first in its column: the quick-add box is at the top. */
    mutationFn: ({ draft }: { draft: Task }) =>
      client.tasks.create.mutate({
        projectId,
        status: draft.status,
        title: draft.title,
        placement: 'top',
      }),
    onMutate: ({ draft }) => {
      addDraft(draft);
      patch((view) => withTask(view, draft));
    },
    onSuccess: (saved, { draft }) => {
      removeDraft(draft.id);
      // The draft was counted; the saved task takes its place: the counts stay exact.
      patch((view) => ({
        view: withLatest(withoutTask(view, draft.id).view, saved).view,
        countsUncertain: false,
      }));
    },
    onError: (error, { draft }) => {
      removeDraft(draft.id);
      patch((view) => withoutTask(view, draft.id));
      toast({ title: 'Task not added', description: appErrorOf(error).message, tone: 'error' });
    },
  });

  /** Tries the user's change again on top of the server's version. */
  const reapply = useCallback(
    ({ mine, theirs }: Conflict) => {
      switch (mine.kind) {
        case 'update':
          update.mutate({ task: theirs, changes: mine.changes });
          return;
        case 'move':
          move.mutate({ task: theirs, target: mine.target });
          return;
        case 'delete':
          remove.mutate(theirs);
          return;
      }
    },
    [move, remove, update],
  );

  return { move, update, remove, create, reapply };
}
