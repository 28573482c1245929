import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useState, type SubmitEvent, type ReactElement } from 'react';
import {
  taskDescriptionSchema,
  taskPriorities,
  taskPrioritySchema,
  taskStatuses,
  taskStatusSchema,
  taskTitleSchema,
  type Member,
  type Task,
  type TaskPriority,
  type TaskStatus,
} from '@taskboard/schema';
import { z } from 'zod';
import { appErrorOf } from '../errors';
import { parseForm } from '../ui/formErrors';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { Field } from '../ui/Field';
import { dueDateFromDay, dueDay, PRIORITY_LABELS } from './format';
import { COLUMN_TITLES } from './model';
import type { TaskChanges } from './useBoardMutations';

/** The API's own rules for the free-text fields (the selects cannot hold a wrong value). */
const textFieldsSchema = z.object({ title: taskTitleSchema, description: taskDescriptionSchema });

interface Draft {
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  assigneeId: string;
  dueDay: string;
}

const DRAFT_FIELDS = [
  'title',
  'description',
  'status',
  'priority',
  'assigneeId',
  'dueDay',
] as const satisfies readonly (keyof Draft)[];

function draftOf(task: Task): Draft {
  return {
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    assigneeId: task.assigneeId ?? '',
    dueDay: task.dueDate ? dueDay(task.dueDate) : '',
  };
}

/** Whether the user typed or picked anything that saving would send (or refuse). */
function isEdited(base: Task, draft: Draft): boolean {
  const start = draftOf(base);
  return DRAFT_FIELDS.some((key) => start[key] !== draft[key]);
}

/** The fields that differ from the version the dialog opened on, checked by the API's schemas. */
function changesOf(
  base: Task,
  draft: Draft,
): { changes: TaskChanges } | { fields: Record<string, string> } {
  const text = parseForm(textFieldsSchema, { title: draft.title, description: draft.description });
  if (!text.ok) return { fields: text.fields };
  const changes: TaskChanges = {};
  if (text.data.title !== base.title) changes.title = text.data.title;
  if (text.data.description !== base.description) changes.description = text.data.description;
  if (draft.status !== base.status) changes.status = draft.status;
  if (draft.priority !== base.priority) changes.priority = draft.priority;
  const assigneeId = draft.assigneeId || null;
  if (assigneeId !== base.assigneeId) changes.assigneeId = assigneeId;
  const dueDate = dueDateFromDay(draft.dueDay);
  if ((dueDate ? dueDay(dueDate) : null) !== (base.dueDate ? dueDay(base.dueDate) : null))
    changes.dueDate = dueDate;
  return { changes };
}

interface TaskDialogProps {
  /** The task as the board shows it now (live), or undefined while it loads. */
  task: Task | undefined;
  /** Set when the task cannot be shown (deleted, never existed). */
  missing: string | null;
  members: readonly Member[] | undefined;
  canEdit: boolean;
  onSave: (base: Task, changes: TaskChanges) => Promise<unknown>;
  onDelete: (base: Task) => void;
  onClose: () => void;
}

/**
 * The whole task, editable: every field, and delete. Closing it (Escape, Close, a click
 * outside) with unsaved edits asks first: typed text is never dropped without a choice.
 */
export function TaskDialog(props: TaskDialogProps): ReactElement {
  const [edited, setEdited] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  return (
    <Dialog.Root
      open
      onOpenChange={(open) => {
        if (open) return;
        if (edited) setConfirmDiscard(true);
        else props.onClose();
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog" aria-describedby={undefined}>
          <Dialog.Title>Edit task</Dialog.Title>
          {props.task ? (
            // Keyed by id: opening another task starts a fresh form.
            <TaskForm key={props.task.id} {...props} task={props.task} onEditedChange={setEdited} />
          ) : (
            <>
              <p role={props.missing ? 'alert' : 'status'}>{props.missing ?? 'Loading…'}</p>
              <div className="dialog-actions">
                <Dialog.Close className="btn">Close</Dialog.Close>
              </div>
            </>
          )}
          <ConfirmDialog
            open={confirmDiscard}
            onOpenChange={setConfirmDiscard}
            title="Discard unsaved changes?"
            confirmLabel="Discard changes"
            cancelLabel="Keep editing"
            onConfirm={() => {
              setConfirmDiscard(false);
              props.onClose();
            }}
          >
            <p>Your edits to this task have not been saved.</p>
          </ConfirmDialog>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function TaskForm({
  task,
  members,
  canEdit,
  onSave,
  onDelete,
  onClose,
  onEditedChange,
}: TaskDialogProps & { task: Task; onEditedChange: (edited: boolean) => void }): ReactElement {
  // The version the user started from: saving sends it, so a change made meanwhile conflicts.
  const [base] = useState(task);
  const [draft, setDraft] = useState(() => draftOf(task));
  const [fields, setFields] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const changedMeanwhile = task.version > base.version;
  const edited = isEdited(base, draft);
  useEffect(() => {
    onEditedChange(edited);
    // Gone with the form (the task was deleted meanwhile): no edits are left to ask about.
    return () => {
      onEditedChange(false);
    };
  }, [edited, onEditedChange]);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const result = changesOf(base, draft);
    if ('fields' in result) {
      setFields(result.fields);
      return;
    }
    if (Object.keys(result.changes).length === 0) {
      onClose();
      return;
    }
    setSaving(true);
    try {
      await onSave(base, result.changes);
      onClose();
    } catch (error) {
      const shown = appErrorOf(error);
      if (shown.code === 'VALIDATION_ERROR') {
        setFields(shown.fields);
        setSaving(false);
        return;
      }
      // Undone on the board with a message, or handed to the conflict dialog.
      onClose();
    }
  };

  return (
    <form className="task-form" noValidate onSubmit={(event) => void submit(event)}>
      {changedMeanwhile ? (
        <p className="form-error" role="status">
          Someone else changed this task while you were editing. Saving will show both versions.
        </p>
      ) : null}
      <fieldset disabled={!canEdit || saving} className="task-fields">
        <Field label="Title" error={fields.title}>
          {(control) => (
            <input
              {...control}
              dir="auto"
              value={draft.title}
              onChange={(event) => {
                set('title', event.target.value);
              }}
            />
          )}
        </Field>
        <Field label="Description" error={fields.description}>
          {(control) => (
            <textarea
              {...control}
              dir="auto"
              value={draft.description}
              rows={5}
              onChange={(event) => {
                set('description', event.target.value);
              }}
            />
          )}
        </Field>
        <div className="dialog-grid">
          <Field label="Status" error={fields.status}>
            {(control) => (
              <select
                {...control}
                value={draft.status}
                onChange={(event) => {
                  const status = taskStatusSchema.safeParse(event.target.value);
                  if (status.success) set('status', status.data);
                }}
              >
                {taskStatuses.map((status) => (
                  <option key={status} value={status}>
                    {COLUMN_TITLES[status]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Priority" error={fields.priority}>
            {(control) => (
              <select
                {...control}
                value={draft.priority}
                onChange={(event) => {
                  const priority = taskPrioritySchema.safeParse(event.target.value);
                  if (priority.success) set('priority', priority.data);
                }}
              >
                {taskPriorities.map((priority) => (
                  <option key={priority} value={priority}>
                    {PRIORITY_LABELS[priority]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Assignee" error={fields.assigneeId}>
            {(control) => (
              <select
                {...control}
                value={draft.assigneeId}
                onChange={(event) => {
                  set('assigneeId', event.target.value);
                }}
              >
                <option value="">Nobody</option>
                {members?.map((member) => (
                  <option key={member.userId} value={member.userId} dir="auto">
                    {member.user.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Due date" error={fields.dueDate}>
            {(control) => (
              <input
                {...control}
                type="date"
                value={draft.dueDay}
                onChange={(event) => {
                  set('dueDay', event.target.value);
                }}
              />
            )}
          </Field>
        </div>
      </fieldset>
      <div className="dialog-actions">
        {canEdit ? (
          <button
            type="button"
            className="btn btn-quiet danger-text"
            onClick={() => {
              setConfirmDelete(true);
            }}
          >
            Delete task
          </button>
        ) : null}
        <span className="spacer" />
        <Dialog.Close className="btn" type="button">
          Close
        </Dialog.Close>
        {canEdit ? (
          <button type="submit" className="btn btn-primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save changes'}
          </button>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title="Delete this task?"
        confirmLabel="Delete"
        onConfirm={() => {
          setConfirmDelete(false);
          onDelete(base);
          onClose();
        }}
      >
        <p>
          “<bdi>{base.title}</bdi>” will be removed for everyone on this board.
        </p>
      </ConfirmDialog>
    </form>
  );
}
