import * as Dialog from '@radix-ui/react-dialog';
import type { ReactElement } from 'react';
import type { Member, Task } from '@taskboard/schema';
import { formatDue, memberName, PRIORITY_LABELS } from './format';
import { COLUMN_TITLES, editedTask } from './model';
import type { Conflict } from './useBoardMutations';

const FIELDS = ['title', 'description', 'status', 'priority', 'assigneeId', 'dueDate'] as const;
type Field = (typeof FIELDS)[number];
const FIELD_LABELS: Record<Field, string> = {
  title: 'Title',
  description: 'Description',
  status: 'Status',
  priority: 'Priority',
  assigneeId: 'Assignee',
  dueDate: 'Due date',
};

function show(task: Task, field: Field, members: readonly Member[] | undefined): string {
  switch (field) {
    case 'status':
      return COLUMN_TITLES[task.status];
    case 'priority':
      return PRIORITY_LABELS[task.priority];
    case 'assigneeId':
      return memberName(members, task.assigneeId) ?? 'Nobody';
    case 'dueDate':
      return task.dueDate ? formatDue(task.dueDate) : 'None';
    case 'title':
    case 'description':
      return task[field] || '(empty)';
  }
}

/** One version's fields; those that differ from `comparedWith` are highlighted. */
function VersionFields({
  task,
  comparedWith,
  members,
}: {
  task: Task;
  comparedWith: Task;
  members: readonly Member[] | undefined;
}): ReactElement {
  return (
    <dl>
      {FIELDS.map((field) => {
        const value = show(task, field, members);
        return (
          <div key={field} style={{ display: 'contents' }}>
            <dt>{FIELD_LABELS[field]}</dt>
            <dd
              dir={field === 'title' || field === 'description' ? 'auto' : undefined}
              className={
                value !== show(comparedWith, field, members) ? 'conflict-changed' : undefined
              }
            >
              {value}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/** What the user's change would make of the task: theirs with mine on top. */
function mineOn(conflict: Conflict): Task | null {
  const { mine, theirs } = conflict;
  return mine.kind === 'update' ? editedTask(theirs, mine.changes) : null;
}

/**
 * Someone else changed the task between the user reading it and saving: show both versions
 * side by side (what they changed is highlighted) and let the user decide. Nothing is
 * dropped without a choice: "Apply my changes" writes the user's change on top of theirs.
 */
export function ConflictDialog({
  conflict,
  members,
  onApply,
  onDiscard,
}: {
  conflict: Conflict | null;
  members: readonly Member[] | undefined;
  onApply: (conflict: Conflict) => void;
  onDiscard: () => void;
}): ReactElement {
  const mine = conflict ? mineOn(conflict) : null;
  return (
    <Dialog.Root
      open={conflict !== null}
      onOpenChange={(open) => {
        if (!open) onDiscard();
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className="dialog"
          role="alertdialog"
          aria-describedby="conflict-description"
        >
          <Dialog.Title>This task was changed by someone else</Dialog.Title>
          {conflict ? (
            <>
              <p id="conflict-description">
                {conflict.mine.kind === 'update'
                  ? 'Your edit was made on an older version. Compare, then keep theirs or apply yours on top.'
                  : conflict.mine.kind === 'move'
                    ? `Your move to ${COLUMN_TITLES[conflict.mine.target.status]} was made on an older version.`
                    : 'You tried to delete an older version of this task.'}
              </p>
              <div className="conflict-versions">
                <section aria-label="Their version">
                  <h3>Their version (now saved)</h3>
                  <VersionFields
                    task={conflict.theirs}
                    comparedWith={conflict.base}
                    members={members}
                  />
                </section>
                <section aria-label="Your version">
                  <h3>Yours</h3>
                  {mine ? (
                    <VersionFields task={mine} comparedWith={conflict.theirs} members={members} />
                  ) : (
                    <p>
                      {conflict.mine.kind === 'move'
                        ? `Move to ${COLUMN_TITLES[conflict.mine.target.status]}`
                        : 'Delete the task'}
                    </p>
                  )}
                </section>
              </div>
            </>
          ) : null}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onDiscard}>
              Discard mine
            </button>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                if (conflict) onApply(conflict);
              }}
            >
              Apply my changes
            </button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
