import { useEffect, useState, type ReactElement } from 'react';
import { LIMITS, taskPriorities, taskPrioritySchema, type Member } from '@taskboard/schema';
import { PRIORITY_LABELS } from './format';
import { filtersOf, type BoardSearch } from './search';

/** Typing pauses this long before the URL (and the server query) follow the search box. */
const SEARCH_DEBOUNCE_MS = 250;

/** The board's filters; their state lives in the URL, so a filtered board can be shared. */
export function Filters({
  search,
  members,
  onChange,
}: {
  search: BoardSearch;
  members: readonly Member[] | undefined;
  onChange: (next: Partial<BoardSearch>) => void;
}): ReactElement {
  const [text, setText] = useState(search.q ?? '');
  const [typedFor, setTypedFor] = useState(search.q);
  // The URL changed under the box (back button, a link): show what the URL says.
  if (typedFor !== search.q) {
    setTypedFor(search.q);
    setText(search.q ?? '');
  }
  useEffect(() => {
    if (text === (search.q ?? '')) return;
    const timer = setTimeout(() => {
      setTypedFor(text || undefined);
      onChange({ q: text || undefined });
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
    };
  }, [text, search.q, onChange]);

  const active = filtersOf(search) !== null;
  return (
    <div className="filters" role="search">
      <input
        type="search"
        aria-label="Search"
        placeholder="Search tasks"
        maxLength={LIMITS.searchMax}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
        }}
      />
      <select
        aria-label="Assignee"
        value={search.assignee ?? ''}
        onChange={(event) => {
          onChange({ assignee: event.target.value || undefined });
        }}
      >
        <option value="">Anyone</option>
        {members?.map((member) => (
          <option key={member.userId} value={member.userId} dir="auto">
            {member.user.name}
          </option>
        ))}
      </select>
      <select
        aria-label="Priority"
        value={search.priority ?? ''}
        onChange={(event) => {
          const parsed = taskPrioritySchema.safeParse(event.target.value);
          onChange({ priority: parsed.success ? parsed.data : undefined });
        }}
      >
        <option value="">Any priority</option>
        {taskPriorities.map((priority) => (
          <option key={priority} value={priority}>
            {PRIORITY_LABELS[priority]}
          </option>
        ))}
      </select>
      {active ? (
        <button
          type="button"
          className="btn btn-quiet"
          onClick={() => {
            setText('');
            onChange({ q: undefined, assignee: undefined, priority: undefined });
          }}
        >
          Clear filters
        </button>
      ) : null}
    </div>
  );
}
