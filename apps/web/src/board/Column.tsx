import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, type ReactElement } from 'react';
import type { BoardColumn, Member, TaskStatus } from '@taskboard/schema';
import { memberName } from './format';
import { COLUMN_TITLES, type MoreState } from './model';
import { QuickAdd } from './QuickAdd';
import { TaskCard, type CardActions } from './TaskCard';

/** A card's height before it is measured; measured heights replace it as cards render. */
const ESTIMATED_CARD_HEIGHT = 86;
const CARD_GAP = 8;
/** Load the next page when this few loaded cards are left below the visible ones. */
const LOAD_AHEAD = 10;

interface ColumnProps {
  column: BoardColumn;
  members: readonly Member[] | undefined;
  canEdit: boolean;
  filtered: boolean;
  /** The next page: loading, failed, or neither. */
  more: MoreState | undefined;
  actions: CardActions;
  onAdd: (title: string) => void;
  onLoadMore: (status: TaskStatus) => void;
}

/**
 * One status column. Virtualized: only the cards in view (and a few around) are in the DOM,
 * so a column of thousands scrolls as smoothly as one of ten; the rest loads by cursor as the
 * user nears the end of what is loaded.
 */
export function Column({
  column,
  members,
  canEdit,
  filtered,
  more,
  actions,
  onAdd,
  onLoadMore,
}: ColumnProps): ReactElement {
  const title = COLUMN_TITLES[column.status];
  const scrollRef = useRef<HTMLDivElement>(null);
  const { setNodeRef, isOver } = useDroppable({
    id: `column:${column.status}`,
    data: { status: column.status },
  });
  const virtualizer = useVirtualizer({
    count: column.tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_CARD_HEIGHT,
    gap: CARD_GAP,
    overscan: 6,
    getItemKey: (index) => column.tasks[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = items.at(-1)?.index ?? -1;
  const hasMore = column.nextCursor !== null;
  useEffect(() => {
    if (hasMore && more === undefined && lastShown >= column.tasks.length - LOAD_AHEAD) {
      onLoadMore(column.status);
    }
  }, [hasMore, more, lastShown, column.tasks.length, column.status, onLoadMore]);
  const ids = useMemo(() => column.tasks.map((task) => task.id), [column.tasks]);

  return (
    <section
      aria-label={title}
      className={`column${isOver ? ' column-over' : ''}`}
      ref={setNodeRef}
    >
      <header className="column-header">
        <h2>
          {title}
          <span
            className="column-count"
            aria-label={`${column.count} ${column.count === 1 ? 'task' : 'tasks'}`}
          >
            {column.count}
          </span>
        </h2>
      </header>
      {canEdit ? <QuickAdd columnTitle={title} onAdd={onAdd} /> : null}
      <div className="column-scroll" ref={scrollRef} role="list" aria-label={`${title} tasks`}>
        {column.tasks.length === 0 ? (
          <p className="column-empty">
            {filtered
              ? 'No matching tasks'
              : canEdit
                ? 'No tasks yet. Add one above or drop a card here.'
                : 'No tasks'}
          </p>
        ) : (
          <SortableContext items={ids} strategy={verticalListSortingStrategy}>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {items.map((item) => {
                const task = column.tasks[item.index];
                if (!task) return null;
                return (
                  <div
                    key={item.key}
                    role="listitem"
                    data-index={item.index}
                    ref={virtualizer.measureElement}
                    style={{
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      right: 0,
                      transform: `translateY(${item.start}px)`,
                    }}
                  >
                    <TaskCard
                      task={task}
                      assignee={memberName(members, task.assigneeId)}
                      canEdit={canEdit}
                      isFirst={item.index === 0}
                      isLast={item.index === column.tasks.length - 1 && !hasMore}
                      actions={actions}
                    />
                  </div>
                );
              })}
            </div>
          </SortableContext>
        )}
        {hasMore ? (
          <p className="column-more" role="status">
            {more === 'loading'
              ? 'Loading more…'
              : more === 'failed'
                ? 'Could not load more tasks. '
                : `${column.count - column.tasks.length} more`}
            {more === 'failed' ? (
              <button
                type="button"
                className="btn btn-quiet"
                onClick={() => {
                  onLoadMore(column.status);
                }}
              >
                Try again
              </button>
            ) : null}
          </p>
        ) : null}
      </div>
    </section>
  );
}
