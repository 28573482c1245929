import type { Member, TaskPriority } from '@taskboard/schema';

export const PRIORITY_LABELS: Record<TaskPriority, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

/** Today as YYYY-MM-DD in the user's time zone: due dates are calendar days. */
export function todayIso(now: Date = new Date()): string {
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${day}`;
}

/** The calendar day of a due date (stored as midnight UTC of that day). */
export function dueDay(dueDate: string): string {
  return dueDate.slice(0, 10);
}

/** The due date input's value (YYYY-MM-DD) as the API takes it. */
export function dueDateFromDay(day: string): string | null {
  return day ? `${day}T00:00:00.000Z` : null;
}

export function isOverdue(
  dueDate: string | null,
  done: boolean,
  today: string = todayIso(),
): boolean {
  return dueDate !== null && !done && dueDay(dueDate) < today;
}

const dayFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
const dayWithYearFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** "Jan 10" this year; "Jan 10, 2024" in any other, so an old date does not pass for a recent one. */
export function formatDue(dueDate: string, today: string = todayIso()): string {
  const sameYear = dueDay(dueDate).slice(0, 4) === today.slice(0, 4);
  return (sameYear ? dayFormat : dayWithYearFormat).format(new Date(dueDate));
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return (
    ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase() ||
    '?'
  );
}

export function memberName(
  members: readonly Member[] | undefined,
  userId: string | null,
): string | null {
  if (!userId) return null;
  return members?.find((member) => member.userId === userId)?.user.name ?? 'Former member';
}
