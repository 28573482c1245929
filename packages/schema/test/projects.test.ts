import { describe, expect, it } from 'vitest';
import {
  addMemberInputSchema,
  archiveProjectInputSchema,
  boardColumnInputSchema,
  boardInputSchema,
  createProjectInputSchema,
  listProjectsInputSchema,
  projectSchema,
  updateMemberRoleInputSchema,
  updateProjectInputSchema,
} from '../src/index';
import { ids, project, rejectedPaths } from './fixtures';

describe('project inputs', () => {
  it('trims the name and defaults the description', () => {
    expect(createProjectInputSchema.parse({ name: '  3D printer ' })).toEqual({
      name: '3D printer',
      description: '',
    });
  });

  it.each([
    [{ name: '' }, ['name']],
    [{ name: '   ' }, ['name']],
    [{ name: 'n'.repeat(101) }, ['name']],
    [{ name: 'ok', description: 'd'.repeat(1001) }, ['description']],
  ])('rejects %j', (input, paths) => {
    expect(rejectedPaths(createProjectInputSchema, input)).toEqual(paths);
  });

  it('accepts the longest name and description', () => {
    const input = { name: 'n'.repeat(100), description: 'd'.repeat(1000) };
    expect(createProjectInputSchema.parse(input)).toEqual(input);
  });

  it('updates only what it is given', () => {
    expect(updateProjectInputSchema.parse({ id: ids.project, name: ' Renamed ' })).toEqual({
      id: ids.project,
      name: 'Renamed',
    });
  });

  it('archives by default and restores with archived: false', () => {
    expect(archiveProjectInputSchema.parse({ id: ids.project })).toEqual({
      id: ids.project,
      archived: true,
    });
    expect(archiveProjectInputSchema.parse({ id: ids.project, archived: false }).archived).toBe(
      false,
    );
  });

  it('lists without input', () => {
    expect(listProjectsInputSchema.parse(undefined)).toEqual({ includeArchived: false });
    expect(listProjectsInputSchema.parse({})).toEqual({ includeArchived: false });
  });

  it.each(['deleted', 'ACTIVE'])('rejects the project status %j', (status) => {
    expect(rejectedPaths(projectSchema, { ...project, status })).toEqual(['status']);
  });
});

describe('membership inputs', () => {
  it('normalises the invitee email and defaults the role to editor', () => {
    expect(
      addMemberInputSchema.parse({ projectId: ids.project, email: ' Grace@Example.COM ' }),
    ).toEqual({
      projectId: ids.project,
      email: 'grace@example.com',
      role: 'editor',
    });
  });

  it('rejects a malformed or too long email', () => {
    expect(rejectedPaths(addMemberInputSchema, { projectId: ids.project, email: 'grace' })).toEqual(
      ['email'],
    );
    expect(
      rejectedPaths(addMemberInputSchema, {
        projectId: ids.project,
        email: `${'g'.repeat(243)}@example.com`,
      }),
    ).toEqual(['email']);
  });

  it.each(['admin', 'user', 'Owner', ''])(
    'rejects the member role %j (admin is a global role)',
    (role) => {
      expect(
        rejectedPaths(updateMemberRoleInputSchema, {
          projectId: ids.project,
          userId: ids.user,
          role,
        }),
      ).toEqual(['role']);
    },
  );
});

describe('board inputs', () => {
  it('opens a column with 200 cards unless asked for fewer, at most 500', () => {
    expect(boardInputSchema.parse({ projectId: ids.project })).toEqual({
      projectId: ids.project,
      limit: 200,
    });
    expect(boardInputSchema.safeParse({ projectId: ids.project, limit: 500 }).success).toBe(true);
    expect(rejectedPaths(boardInputSchema, { projectId: ids.project, limit: 501 })).toEqual([
      'limit',
    ]);
    expect(rejectedPaths(boardInputSchema, { projectId: ids.project, limit: 0 })).toEqual([
      'limit',
    ]);
  });

  it('needs a cursor and a column to load more', () => {
    expect(
      rejectedPaths(boardColumnInputSchema, {
        projectId: ids.project,
        status: 'blocked',
        cursor: '',
      }).sort(),
    ).toEqual(['cursor', 'status']);
  });
});
