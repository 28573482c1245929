import { describe, expect, it } from 'vitest';
import { can, memberRoles, type MemberRole, type ProjectAction, roleAtLeast } from '../src/index';

/** SPEC.md's table, written out cell by cell, so a change to the code's table shows up here. */
const spec: Record<ProjectAction, Record<MemberRole | 'admin', boolean>> = {
  read: { viewer: true, editor: true, owner: true, admin: true },
  writeTasks: { viewer: false, editor: true, owner: true, admin: true },
  manageProject: { viewer: false, editor: false, owner: true, admin: true },
  deleteProject: { viewer: false, editor: false, owner: true, admin: true },
};

const actions: readonly ProjectAction[] = ['read', 'writeTasks', 'manageProject', 'deleteProject'];

describe('the permission table', () => {
  for (const action of actions) {
    const cells = spec[action];
    it(`${action}: as SPEC.md says for each role`, () => {
      for (const role of memberRoles) {
        expect(can({ role, userRole: 'user' }, action), role).toBe(cells[role]);
      }
      expect(can({ role: null, userRole: 'admin' }, action)).toBe(cells.admin);
      expect(can({ role: 'viewer', userRole: 'admin' }, action)).toBe(cells.admin);
    });
  }

  it('gives a non-member who is no admin nothing, also while the user is unknown', () => {
    for (const action of actions) {
      expect(can({ role: null, userRole: 'user' }, action)).toBe(false);
      expect(can({ role: null }, action)).toBe(false);
    }
    expect(can({ role: 'editor' }, 'writeTasks')).toBe(true);
  });

  it('orders the roles viewer < editor < owner', () => {
    expect(roleAtLeast('owner', 'editor')).toBe(true);
    expect(roleAtLeast('editor', 'editor')).toBe(true);
    expect(roleAtLeast('viewer', 'editor')).toBe(false);
    expect(roleAtLeast('editor', 'owner')).toBe(false);
  });
});
