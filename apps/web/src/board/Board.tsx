import {
  closestCorners,
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { useState, type ReactElement } from 'react';
import { taskStatusSchema, type Member, type Task, type TaskStatus } from '@taskboard/schema';
import { Column } from './Column';
import { memberName } from './format';
import {
  findTask,
  isNoOpMove,
  targetAt,
  type BoardView,
  type MoveTarget,
  type MoreState,
} from './model';
import { CardBody, type CardActions } from './TaskCard';

interface BoardProps {
  view: BoardView;
  members: readonly Member[] | undefined;
  canEdit: boolean;
  more: ReadonlyMap<TaskStatus, MoreState>;
  onOpen: (task: Task) => void;
  onMove: (task: Task, target: MoveTarget) => void;
  onAdd: (status: TaskStatus, title: string) => void;
  onLoadMore: (status: TaskStatus) => void;
}

const COLUMN_PREFIX = 'column:';

/** Which column and place a drop means: onto a column's empty space is its end. */
function dropTarget(
  view: BoardView,
  task: Task,
  overId: string,
  below: boolean,
): MoveTarget | null {
  if (overId.startsWith(COLUMN_PREFIX)) {
    const status = taskStatusSchema.safeParse(overId.slice(COLUMN_PREFIX.length));
    if (!status.success) return null;
    const column = view.columns.find((candidate) => candidate.status === status.data);
    return targetAt(view, task, status.data, column?.tasks.length ?? 0);
  }
  const over = findTask(view, overId);
  if (!over || over.id === task.id) return null;
  const column = view.columns.find((candidate) => candidate.status === over.status)?.tasks ?? [];
  const others = column.filter((other) => other.id !== task.id);
  const overIndex = others.findIndex((other) => other.id === over.id);
  if (over.status === task.status) {
    // Within a column the card takes the place of the one it is dropped on.
    const from = column.findIndex((other) => other.id === task.id);
    const to = column.findIndex((other) => other.id === over.id);
    return targetAt(view, task, over.status, to > from ? overIndex + 1 : overIndex);
  }
  return targetAt(view, task, over.status, below ? overIndex + 1 : overIndex);
}

/** Cards whose drop would not move them are left alone (no request, no event). */
function useDragHandlers(view: BoardView, onMove: BoardProps['onMove']) {
  const [active, setActive] = useState<Task | null>(null);
  const onDragStart = (event: DragStartEvent) => {
    setActive(findTask(view, String(event.active.id)) ?? null);
  };
  const onDragEnd = (event: DragEndEvent) => {
    setActive(null);
    const task = findTask(view, String(event.active.id));
    if (!task || !event.over) return;
    const dragged = event.active.rect.current.translated;
    const below = dragged
      ? dragged.top + dragged.height / 2 > event.over.rect.top + event.over.rect.height / 2
      : false;
    const target = dropTarget(view, task, String(event.over.id), below);
    if (target && !isNoOpMove(view, task, target)) onMove(task, target);
  };
  return {
    active,
    onDragStart,
    onDragEnd,
    onDragCancel: () => {
      setActive(null);
    },
  };
}

export function Board({
  view,
  members,
  canEdit,
  more,
  onOpen,
  onMove,
  onAdd,
  onLoadMore,
}: BoardProps): ReactElement {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    // Space picks up and drops; Enter stays free to open the card.
    useSensor(KeyboardSensor, {
      coordinateGetter: sortableKeyboardCoordinates,
      keyboardCodes: { start: ['Space'], cancel: ['Escape'], end: ['Space'] },
    }),
  );
  const drag = useDragHandlers(view, onMove);
  const actions: CardActions = {
    open: onOpen,
    moveTo: (task, status) => {
      const target = targetAt(view, task, status, 0);
      if (!isNoOpMove(view, task, target)) onMove(task, target);
    },
    moveBy: (task, offset) => {
      const column =
        view.columns.find((candidate) => candidate.status === task.status)?.tasks ?? [];
      const index = column.findIndex((other) => other.id === task.id);
      if (index === -1) return;
      onMove(task, targetAt(view, task, task.status, index + offset));
    },
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCorners}
      onDragStart={drag.onDragStart}
      onDragEnd={drag.onDragEnd}
      onDragCancel={drag.onDragCancel}
      accessibility={{
        screenReaderInstructions: {
          draggable:
            'To pick up a task, press Space. Use the arrow keys to move it, Space to drop it, Escape to cancel. Enter opens it.',
        },
      }}
    >
      <div className="board">
        {view.columns.map((column) => (
          <Column
            key={column.status}
            column={column}
            members={members}
            canEdit={canEdit}
            filtered={view.filters !== null}
            more={more.get(column.status)}
            actions={actions}
            onAdd={(title) => {
              onAdd(column.status, title);
            }}
            onLoadMore={onLoadMore}
          />
        ))}
      </div>
      <DragOverlay>
        {drag.active ? (
          <div className="card card-overlay" aria-hidden="true">
            <CardBody task={drag.active} assignee={memberName(members, drag.active.assigneeId)} />
          </div>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}
