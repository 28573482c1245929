// Who may write on a board, by SPEC's permission table (`can` from @taskboard/schema): the
// board shows or hides its write controls by the same table the API enforces.
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminToken, renderApp, signUp } from '../test/support';

describe('the board’s write controls', () => {
  it('are there for a global admin who is only a viewer member (admins may do everything)', async () => {
    const ada = await signUp('Ada');
    const project = await ada.api.projects.create.mutate({ name: 'Admin as viewer' });
    await ada.api.members.add.mutate({
      projectId: project.id,
      email: 'admin@example.com',
      role: 'viewer',
    });
    renderApp(`/projects/${project.id}`, adminToken);
    expect(await screen.findByRole('textbox', { name: 'Add a task to To do' })).toBeVisible();
    expect(screen.queryByText('View only')).toBeNull();
  });

  it('are absent for a viewer', async () => {
    const ada = await signUp('Ada');
    const vic = await signUp('Vic');
    const project = await ada.api.projects.create.mutate({ name: 'Viewer' });
    await ada.api.members.add.mutate({ projectId: project.id, email: vic.email, role: 'viewer' });
    renderApp(`/projects/${project.id}`, vic.token);
    expect(await screen.findByText('View only')).toBeVisible();
    expect(screen.queryByRole('textbox', { name: 'Add a task to To do' })).toBeNull();
  });
});
