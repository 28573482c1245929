import { useState, type SubmitEvent, type ReactElement } from 'react';
import { LIMITS, taskTitleSchema } from '@taskboard/schema';
import { parseForm } from '../ui/formErrors';

/** The add box at the top of a column: type a title, press Enter, keep typing the next. */
export function QuickAdd({
  columnTitle,
  onAdd,
}: {
  columnTitle: string;
  onAdd: (title: string) => void;
}): ReactElement {
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const errorId = `quick-add-${columnTitle.replace(/\s+/g, '-').toLowerCase()}-error`;
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = parseForm(taskTitleSchema, title);
    if (!parsed.ok) {
      // An empty box is not a mistake worth a message; a too-long title is.
      setError(title.trim() ? (Object.values(parsed.fields)[0] ?? 'Invalid title') : null);
      return;
    }
    onAdd(parsed.data);
    setTitle('');
    setError(null);
  };
  return (
    <form className="quick-add" onSubmit={submit}>
      <input
        aria-label={`Add a task to ${columnTitle}`}
        placeholder="+ Add a task"
        value={title}
        // One past the limit: a longer title is explained, not silently cut to size.
        maxLength={LIMITS.taskTitleMax + 1}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => {
          setTitle(event.target.value);
        }}
      />
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </form>
  );
}
