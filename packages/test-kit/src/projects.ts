import { z } from 'zod';
import { memberSchema, projectSchema, type MemberRole, type Project } from '@taskboard/schema';
import { registerUser, type TestAccount } from './accounts';
import { restCall } from './rest';

/** Creates a project owned by `owner`. */
export async function createProject(
  apiUrl: string,
  owner: { token: string },
  name = 'Test project',
): Promise<Project> {
  const created = await restCall(
    apiUrl,
    'POST',
    '/projects',
    owner.token,
    z.object({ project: projectSchema }),
    { name },
  );
  return created.project;
}

/** Adds a registered account to a project with `role` (as one of its owners). */
export async function addMember(
  apiUrl: string,
  owner: { token: string },
  projectId: string,
  member: { email: string },
  role: MemberRole,
): Promise<void> {
  await restCall(
    apiUrl,
    'POST',
    `/projects/${projectId}/members`,
    owner.token,
    z.object({ member: memberSchema }),
    { email: member.email, role },
  );
}

/** A project with one member of each role, and a registered account that is none of them. */
export interface ProjectWithRoles {
  project: Project;
  owner: TestAccount;
  editor: TestAccount;
  viewer: TestAccount;
  outsider: TestAccount;
}

/** Registers four fresh accounts and makes the scene every permission test starts from. */
export async function projectWithRoles(
  apiUrl: string,
  name = 'Test project',
): Promise<ProjectWithRoles> {
  const [owner, editor, viewer, outsider] = await Promise.all([
    registerUser(apiUrl, 'Owner'),
    registerUser(apiUrl, 'Editor'),
    registerUser(apiUrl, 'Viewer'),
    registerUser(apiUrl, 'Outsider'),
  ]);
  const project = await createProject(apiUrl, owner, name);
  await addMember(apiUrl, owner, project.id, editor, 'editor');
  await addMember(apiUrl, owner, project.id, viewer, 'viewer');
  return { project, owner, editor, viewer, outsider };
}
