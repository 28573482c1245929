import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import type { Task, UpdateTaskInput } from '@taskboard/schema';
import { appErrorOf } from '../errors';
import { useTRPC, useTRPCClient } from '../trpc';
import { useToast } from '../ui/toast';
import { boardKeyPrefix } from './data';
import {
  editedTask,
  movedTask,
  withAnswer,
  withoutPending,
  withPending,
  type BoardView,
  type MoveTarget,
  type OwnWrite,
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

/** Numbers our writes, so an answer finds its own among several to one task. */
let writeSerial = 0;

/**
 * The board's writes. Each is shown at once on every cached view (as a pending write on top
 * of the server's state, `shownView`), until the feed brings its event back: the write's
 * answer names that event. A refused write is simply dropped, so the board shows the server's
 * state again, with a message. A `CONFLICT` hands the user's change to `onConflict`, so they
 * can reapply it or let it go: nothing is lost without them deciding. `view` is the board as
 * shown: a move lands between the neighbours the user saw.
 */
export function useBoardMutations(
  projectId: string,
  view: BoardView | undefined,
  onConflict: (conflict: Conflict) => void,
) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const latestView = useRef(view);
  useEffect(() => {
    latestView.current = view;
  }, [view]);

  const everyView = useCallback(
    (change: (view: BoardView) => BoardView) => {
      queryClient.setQueriesData<BoardView>({ queryKey: boardKeyPrefix(projectId) }, (cached) =>
        cached ? change(cached) : cached,
      );
    },
    [projectId, queryClient],
  );
  const pend = useCallback(
    (taskId: string, after: Task | null, creates = false): OwnWrite => {
      writeSerial += 1;
      const write: OwnWrite = { key: writeSerial, taskId, after, creates };
      everyView((cached) => withPending(cached, write));
      return write;
    },
    [everyView],
  );
  const answered = useCallback(
    (write: OwnWrite, eventId: number | null) => {
      everyView((cached) => withAnswer(cached, write.key, eventId));
    },
    [everyView],
  );
  const drop = useCallback(
    (write: OwnWrite | undefined) => {
      if (write) everyView((cached) => withoutPending(cached, write.key));
    },
    [everyView],
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
    <T extends object>(task: Task, write: (expectedVersion: number) => Promise<T>): Promise<T> => {
      const run = async () => {
        const steps = ownSteps.current.get(task.id) ?? new Map<number, number>();
        let expected = task.version;
        for (let next = steps.get(expected); next !== undefined; next = steps.get(expected)) {
          expected = next;
        }
        const saved = await write(expected);
        // Versions only grow, so following the steps always ends.
        // A delete answers no version: nothing follows it.
        if ('version' in saved && typeof saved.version === 'number' && saved.version > expected) {
          ownSteps.current.set(task.id, steps.set(expected, saved.version));
        }
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
      // The change that beat ours is on its way through the feed: the board shows it then.
      if (shown.code === 'CONFLICT' && shown.current) {
        onConflict({ mine, base, theirs: shown.current });
        return;
      }
      if (shown.code === 'NOT_FOUND') {
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
    [onConflict, projectId, queryClient, toast, trpc],
  );

  const move = useMutation({
    mutationFn: ({ task, target }: { task: Task; target: MoveTarget }) =>
      inTurn(task, (expectedVersion) =>
        client.tasks.move.mutate({ id: task.id, ...target, expectedVersion }),
      ),
    onMutate: ({ task, target }) =>
      pend(
        task.id,
        latestView.current
          ? movedTask(latestView.current, task, target)
          : { ...task, status: target.status },
      ),
    onSuccess: (saved, _input, write) => {
      answered(write, saved.eventId);
    },
    onError: (error, { task, target }, write) => {
      drop(write);
      refused(error, task, { kind: 'move', target }, 'Move undone');
    },
  });

  const update = useMutation({
    mutationFn: ({ task, changes }: { task: Task; changes: TaskChanges }) =>
      inTurn(task, (expectedVersion) =>
        client.tasks.update.mutate({ id: task.id, expectedVersion, ...changes }),
      ),
    onMutate: ({ task, changes }) => pend(task.id, editedTask(task, changes)),
    onSuccess: (saved, _input, write) => {
      answered(write, saved.eventId);
    },
    onError: (error, { task, changes }, write) => {
      drop(write);
      // Field errors stay in the dialog, which shows them next to the fields.
      if (appErrorOf(error).code === 'VALIDATION_ERROR') return;
      refused(error, task, { kind: 'update', changes }, 'Edit undone');
    },
  });

  const remove = useMutation({
    mutationFn: (task: Task) =>
      inTurn(task, (expectedVersion) =>
        client.tasks.delete.mutate({ id: task.id, expectedVersion }),
      ),
    onMutate: (task) => pend(task.id, null),
    onSuccess: (deleted, _task, write) => {
      answered(write, deleted.eventId);
    },
    onError: (error, task, write) => {
      drop(write);
      refused(error, task, { kind: 'delete' }, 'Delete undone');
    },
  });

  const create = useMutation({
    /**
     * Adds the task first in its column (the quick-add box is at the top), under the draft's
     * own id: its event replaces the draft exactly, and a repeat (a retry after an answer
     * lost in flight) is the same task, not a second one. In turn with later writes to the
     * draft: a move made before the answer goes after the task exists.
     */
    mutationFn: ({ draft }: { draft: Task }) =>
      inTurn(draft, () =>
        client.tasks.create.mutate({
          id: draft.id,
          projectId,
          status: draft.status,
          title: draft.title,
          placement: 'top',
        }),
      ),
    onMutate: ({ draft }) => pend(draft.id, draft, true),
    onSuccess: (saved, _input, write) => {
      answered(write, saved.eventId);
    },
    onError: (error, _input, write) => {
      drop(write);
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
