import type { MemberRole } from '@taskboard/schema';

/** A role as a label or badge: "Editor". */
export const ROLE_LABELS: Record<MemberRole, string> = {
  owner: 'Owner',
  editor: 'Editor',
  viewer: 'Viewer',
};

/** A role in a sentence: "Bob is now an editor". */
export const ROLE_NOUNS: Record<MemberRole, string> = {
  owner: 'an owner',
  editor: 'an editor',
  viewer: 'a viewer',
};
