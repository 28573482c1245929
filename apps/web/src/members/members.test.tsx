// The members page against a real API: it follows changes made by another owner.
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp, signUp } from '../test/support';

describe('the members page', () => {
  it('shows an invite and a removal by another owner without a reload', async () => {
    const ada = await signUp('Ada');
    const olga = await signUp('Olga');
    const bob = await signUp('Bob');
    const project = await ada.api.projects.create.mutate({ name: 'Shared' });
    await ada.api.members.add.mutate({ projectId: project.id, email: olga.email, role: 'owner' });
    renderApp(`/projects/${project.id}/members`, ada.token);
    expect(await screen.findByText(olga.email)).toBeVisible();

    await olga.api.members.add.mutate({ projectId: project.id, email: bob.email, role: 'viewer' });
    expect(await screen.findByText(bob.email)).toBeVisible();

    await olga.api.members.remove.mutate({ projectId: project.id, userId: bob.user.id });
    await waitFor(() => {
      expect(screen.queryByText(bob.email)).toBeNull();
    });
  });
});
