import type { Task } from '@taskboard/schema';

/**
 * Quick-added tasks shown before the server answered, by draft id. The server's
 * `task.created` event can arrive before the mutation's own answer: the event then takes the
 * draft's place instead of showing the task twice for a moment.
 */
const drafts = new Map<string, Pick<Task, 'projectId' | 'title' | 'status'>>();

export function addDraft(draft: Task): void {
  drafts.set(draft.id, { projectId: draft.projectId, title: draft.title, status: draft.status });
}

export function removeDraft(draftId: string): void {
  drafts.delete(draftId);
}

/** The draft that a newly created task of ours is the saved form of, if any (oldest first). */
export function takeDraftFor(task: Task): string | undefined {
  for (const [id, draft] of drafts) {
    if (
      draft.projectId === task.projectId &&
      draft.title === task.title &&
      draft.status === task.status
    ) {
      drafts.delete(id);
      return id;
    }
  }
  return undefined;
}
