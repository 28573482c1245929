import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { memo, type KeyboardEvent, type ReactElement } from 'react';
import { taskStatuses, type Task, type TaskStatus } from '@taskboard/schema';
import { COLUMN_TITLES } from './model';
import { formatDue, initials, isOverdue, PRIORITY_LABELS } from './format';

export interface CardActions {
  open: (task: Task) => void;
  /** Moves to the top of another column, or one place up/down in this one. */
  moveTo: (task: Task, status: TaskStatus) => void;
  moveBy: (task: Task, offset: -1 | 1) => void;
}

interface TaskCardProps {
  task: Task;
  assignee: string | null;
  canEdit: boolean;
  isFirst: boolean;
  isLast: boolean;
  actions: CardActions;
}

/** What a card shows; also the drag preview. */
export function CardBody({
  task,
  assignee,
}: {
  task: Task;
  assignee: string | null;
}): ReactElement {
  const overdue = isOverdue(task.dueDate, task.status === 'done');
  return (
    <>
      <span className="card-title" dir="auto">
        {task.title}
      </span>
      <span className="card-meta">
        <span className={`priority priority-${task.priority}`}>
          {PRIORITY_LABELS[task.priority]}
        </span>
        {task.dueDate ? (
          <span className={overdue ? 'due-overdue' : undefined}>
            {overdue ? 'Overdue · ' : 'Due '}
            {formatDue(task.dueDate)}
          </span>
        ) : null}
        {assignee ? (
          <span className="avatar" title={`Assigned to ${assignee}`}>
            {initials(assignee)}
          </span>
        ) : null}
      </span>
    </>
  );
}

function describeCard(task: Task, assignee: string | null): string {
  const parts = [`${PRIORITY_LABELS[task.priority]} priority`];
  if (task.dueDate)
    parts.push(
      `${isOverdue(task.dueDate, task.status === 'done') ? 'overdue, ' : ''}due ${formatDue(task.dueDate)}`,
    );
  parts.push(assignee ? `assigned to ${assignee}` : 'unassigned');
  return parts.join(', ');
}

/**
 * One task on the board: a button that opens it, draggable by pointer and by keyboard
 * (Space picks up and drops, arrows move), plus a "Move" menu for moving without dragging.
 */
export const TaskCard = memo(function TaskCard({
  task,
  assignee,
  canEdit,
  isFirst,
  isLast,
  actions,
}: TaskCardProps): ReactElement {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: task.id,
    data: { status: task.status },
    disabled: !canEdit,
  });
  const descriptionId = `task-${task.id}-description`;
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    listeners?.onKeyDown?.(event);
    if (event.key === 'Enter' && !event.defaultPrevented) actions.open(task);
  };
  return (
    <div
      className="card-slot"
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
    >
      <div
        {...attributes}
        {...listeners}
        // dnd-kit marks a card it may not drag as disabled; it still opens, so it is not.
        aria-disabled={undefined}
        onKeyDown={onKeyDown}
        className={`card${isDragging ? ' card-dragging' : ''}`}
        aria-label={task.title}
        aria-describedby={descriptionId}
        aria-roledescription={canEdit ? 'draggable task' : 'task'}
        data-task-id={task.id}
        onClick={() => {
          actions.open(task);
        }}
      >
        <CardBody task={task} assignee={assignee} />
        <span id={descriptionId} hidden>
          {describeCard(task, assignee)}
        </span>
      </div>
      {canEdit ? (
        <DropdownMenu.Root modal={false}>
          <DropdownMenu.Trigger
            className="btn btn-quiet btn-icon card-move"
            aria-label={`Move ${task.title}`}
          >
            ⋯
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content className="menu" align="end" sideOffset={4}>
              <DropdownMenu.Label className="menu-label">Move to</DropdownMenu.Label>
              {taskStatuses.map((status) => (
                <DropdownMenu.Item
                  key={status}
                  className="menu-item"
                  disabled={status === task.status}
                  onSelect={() => {
                    actions.moveTo(task, status);
                  }}
                >
                  {COLUMN_TITLES[status]}
                </DropdownMenu.Item>
              ))}
              <DropdownMenu.Separator className="menu-separator" />
              <DropdownMenu.Item
                className="menu-item"
                disabled={isFirst}
                onSelect={() => {
                  actions.moveBy(task, -1);
                }}
              >
                Move up
              </DropdownMenu.Item>
              <DropdownMenu.Item
                className="menu-item"
                disabled={isLast}
                onSelect={() => {
                  actions.moveBy(task, 1);
                }}
              >
                Move down
              </DropdownMenu.Item>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      ) : null}
    </div>
  );
});
