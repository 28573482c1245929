// The projects page against a real API: live like the board (invites, renames and archives by
// others show without a reload), and whose each project is, for an admin who sees them all.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminToken, renderApp, signUp } from '../test/support';

/** The row whose owner line reads `text` (the name sits in its own <bdi>). */
async function rowOwnedAs(text: string): Promise<HTMLElement | null> {
  const line = await screen.findByText(
    (_content, element) => element?.tagName === 'P' && element.textContent === text,
  );
  return line.closest('li');
}

/** A name no other test's user has: the admin's list holds every user's projects. */
function uniqueName(base: string): string {
  return `${base}${Math.random().toString(36).slice(2, 8)}`;
}

describe('the projects page', () => {
  it("shows an admin whose each Inbox and project is, not a wall of identical 'Inbox' rows", async () => {
    const ada = await signUp(uniqueName('Ada'));
    const bob = await signUp(uniqueName('Bob'));
    const shared = await ada.api.projects.create.mutate({ name: uniqueName('Firmware') });
    renderApp('/', adminToken);

    // Name and email: two owners may share a name.
    const adaInbox = await rowOwnedAs(`Inbox of ${ada.user.name} · ${ada.email}`);
    const bobInbox = await rowOwnedAs(`Inbox of ${bob.user.name} · ${bob.email}`);
    expect(adaInbox && within(adaInbox).getByRole('link', { name: 'Inbox' })).toBeVisible();
    expect(bobInbox && within(bobInbox).getByRole('link', { name: 'Inbox' })).toBeVisible();
    const project = screen.getByRole('link', { name: shared.name }).closest('li');
    expect(project).toHaveTextContent(`Owned by ${ada.user.name} · ${ada.email}`);
    // The admin's own Inbox comes first and says it is theirs.
    const first = screen.getAllByRole('listitem').find((item) => item.closest('.project-list'));
    expect(first).toHaveTextContent('Your Inbox');
  });

  it('says nothing of the owner on the viewer’s own projects', async () => {
    const ada = await signUp(uniqueName('Ada'));
    const mine = await ada.api.projects.create.mutate({ name: 'Mine alone' });
    renderApp('/', ada.token);
    const row = (await screen.findByRole('link', { name: mine.name })).closest('li');
    expect(row).not.toHaveTextContent('Owned by');
    expect(screen.queryByText(/^Inbox of/)).toBeNull();
  });

  it('follows invites, renames, archives and removals by others without a reload', async () => {
    const ada = await signUp('Ada');
    const bob = await signUp('Bob');
    renderApp('/', bob.token);
    expect(await screen.findByRole('link', { name: 'Inbox' })).toBeVisible();

    const garage = await ada.api.projects.create.mutate({ name: 'Garage door' });
    await ada.api.members.add.mutate({ projectId: garage.id, email: bob.email, role: 'editor' });
    expect(await screen.findByRole('link', { name: 'Garage door' })).toBeVisible();
    const row = screen.getByRole('link', { name: 'Garage door' }).closest('li');
    expect(row && within(row).getByText('Editor')).toBeVisible();

    await ada.api.projects.update.mutate({ id: garage.id, name: 'Garage door motor' });
    expect(await screen.findByRole('link', { name: 'Garage door motor' })).toBeVisible();
    await ada.api.projects.archive.mutate({ id: garage.id, archived: true });
    await waitFor(() => {
      expect(screen.queryByRole('link', { name: 'Garage door motor' })).toBeNull();
    });

    const shed = await ada.api.projects.create.mutate({ name: 'Shed' });
    await ada.api.members.add.mutate({ projectId: shed.id, email: bob.email, role: 'viewer' });
    expect(await screen.findByRole('link', { name: 'Shed' })).toBeVisible();
    await ada.api.members.remove.mutate({ projectId: shed.id, userId: bob.user.id });
    await waitFor(() => {
      expect(screen.queryByRole('link', { name: 'Shed' })).toBeNull();
    });
  });
});
