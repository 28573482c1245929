import {
  closestCorners,
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { taskStatusSchema, type Member, type Task, type TaskStatus } from '@taskboard/schema';
import { Column } from './Column';
import { memberName } from './format';
import {
  COLUMN_PREFIX,
  describeSlot,
  isArrowKey,
  overIdOf,
  slotOf,
  slotOfOver,
  stepSlot,
  type Slot,
} from './keyboardMoves';
import {
  COLUMN_TITLES,
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

/**
 * A keyboard move goes by places, not pixels: arrows step a slot (Left/Right a column,
 * Up/Down a place), the slot decides what the card is over, and the card is drawn there.
 * (dnd-kit's sortable coordinates look for the nearest droppable in the arrow's direction,
 * which across virtualized columns found the card below, or skipped a column.)
 */
function useKeyboardMoves(view: BoardView) {
  // The sensor keeps the getter it started with: it reads the board as it is now.
  const viewRef = useRef(view);
  useEffect(() => {
    viewRef.current = view;
  }, [view]);
  /** Set while a keyboard drag is on: where the card would land. */
  const slot = useRef<{ task: Task; slot: Slot } | null>(null);

  // Stable (they read refs): the context does not re-run collisions for a new function.
  const coordinateGetter = useCallback<KeyboardCoordinateGetter>(
    (event, { currentCoordinates, context }) => {
      const moving = slot.current;
      if (!moving || !isArrowKey(event.code)) return undefined;
      event.preventDefault();
      const next = stepSlot(viewRef.current, moving.task, moving.slot, event.code);
      slot.current = { task: moving.task, slot: next };
      // Drawn at the place it would take: the top of the card it goes before (or the
      // dragged card's own place), or under the last card for a column's end.
      const overId = overIdOf(viewRef.current, next);
      const target = context.droppableRects.get(overId);
      if (target && !overId.startsWith(COLUMN_PREFIX)) return { x: target.left, y: target.top };
      const column = context.droppableRects.get(`${COLUMN_PREFIX}${next.status}`);
      const tasks = viewRef.current.columns.find((c) => c.status === next.status)?.tasks ?? [];
      const last = tasks.at(-1);
      const lastRect = last ? context.droppableRects.get(last.id) : undefined;
      if (column) return { x: column.left, y: lastRect ? lastRect.bottom + 8 : column.top + 96 };
      // No box to go by (not rendered): still a move, so the slot's droppable is taken.
      return { x: currentCoordinates.x, y: currentCoordinates.y + 1 };
    },
    [],
  );

  const collisionDetection = useCallback<CollisionDetection>((args) => {
    const moving = slot.current;
    if (!moving) return closestCorners(args);
    return [{ id: overIdOf(viewRef.current, moving.slot) }];
  }, []);

  const start = (task: Task, byKeyboard: boolean) => {
    slot.current = byKeyboard ? { task, slot: slotOf(viewRef.current, task) } : null;
  };
  const end = () => {
    slot.current = null;
  };
  return { coordinateGetter, collisionDetection, start, end, byKeyboard: () => slot.current };
}

/**
 * What a screen reader hears: the task's title and the column's name, never ids. The card is
 * over its own place as soon as it is picked up: that is not news until it has left it.
 */
function useAnnouncements(view: BoardView): Announcements {
  const leftItsPlace = useRef(false);
  const taskOf = (id: string | number) => findTask(view, String(id));
  const where = (task: Task, overId: string | number | undefined) => {
    const slot = overId === undefined ? null : slotOfOver(view, task, String(overId));
    return slot ? describeSlot(view, task, slot) : null;
  };
  return {
    onDragStart: ({ active }) => {
      leftItsPlace.current = false;
      const task = taskOf(active.id);
      if (!task) return undefined;
      return `Picked up “${task.title}”, in ${describeSlot(view, task, slotOf(view, task))}.`;
    },
    onDragOver: ({ active, over }) => {
      const task = taskOf(active.id);
      if (!task) return undefined;
      if (over?.id === active.id && !leftItsPlace.current) return undefined;
      leftItsPlace.current = true;
      const place = where(task, over?.id);
      return place ? `“${task.title}” is over ${place}.` : `“${task.title}” is not over a column.`;
    },
    onDragEnd: ({ active, over }) => {
      const task = taskOf(active.id);
      if (!task) return undefined;
      const place = where(task, over?.id);
      return place
        ? `“${task.title}” was dropped into ${place}.`
        : `“${task.title}” was dropped outside the columns; it stays in ${COLUMN_TITLES[task.status]}.`;
    },
    onDragCancel: ({ active }) => {
      const task = taskOf(active.id);
      if (!task) return undefined;
      return `Moving “${task.title}” was cancelled; it stays in ${COLUMN_TITLES[task.status]}.`;
    },
  };
}

/** Cards whose drop would not move them are left alone (no request, no event). */
function useDragHandlers(
  view: BoardView,
  onMove: BoardProps['onMove'],
  keyboard: ReturnType<typeof useKeyboardMoves>,
) {
  const [active, setActive] = useState<Task | null>(null);
  const onDragStart = (event: DragStartEvent) => {
    const task = findTask(view, String(event.active.id)) ?? null;
    setActive(task);
    if (task) keyboard.start(task, event.activatorEvent instanceof KeyboardEvent);
  };
  const onDragEnd = (event: DragEndEvent) => {
    setActive(null);
    const byKeyboard = keyboard.byKeyboard() !== null;
    keyboard.end();
    const task = findTask(view, String(event.active.id));
    if (!task || !event.over) return;
    const dragged = event.active.rect.current.translated;
    // A keyboard slot names the card to go before; a pointer's half of the card decides.
    const below =
      !byKeyboard && dragged
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
      keyboard.end();
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
  const keyboard = useKeyboardMoves(view);
  const announcements = useAnnouncements(view);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    // Space picks up and drops; Enter stays free to open the card.
    useSensor(KeyboardSensor, {
      coordinateGetter: keyboard.coordinateGetter,
      keyboardCodes: { start: ['Space'], cancel: ['Escape'], end: ['Space'] },
    }),
  );
  const drag = useDragHandlers(view, onMove, keyboard);
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
      collisionDetection={keyboard.collisionDetection}
      onDragStart={drag.onDragStart}
      onDragEnd={drag.onDragEnd}
      onDragCancel={drag.onDragCancel}
      accessibility={{
        screenReaderInstructions: {
          draggable:
            'To pick up a task, press Space. Left and Right arrows move it to the previous or next column, Up and Down arrows move it within a column; Space drops it, Escape cancels. Enter opens it.',
        },
        announcements,
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
