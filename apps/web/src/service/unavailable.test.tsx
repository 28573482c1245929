// The board while the API's database is down (SPEC.md: SERVICE_UNAVAILABLE 503 with
// Retry-After), against a real API on PostgreSQL whose connections the test cuts: one banner
// says the server is unavailable and retrying, no write is undone or toasted, and once the
// database is back the writes are saved and the banner goes by itself.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  column,
  cutDatabase,
  faultyApiUrl,
  renderApp,
  restoreDatabase,
  signUp,
} from '../test/support';

const BANNER = /The server is unavailable, retrying…/;

async function moveWithMenu(title: string, to: string) {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: `Move ${title}` }));
  await user.click(await screen.findByRole('menuitem', { name: to }));
}

describe('a server whose database is down', () => {
  it('shows one "unavailable, retrying" banner instead of an error per write, and saves the writes once it is back', async () => {
    const ada = await signUp('Ada', faultyApiUrl);
    const project = await ada.api.projects.create.mutate({ name: 'Outage' });
    const duct = await ada.api.tasks.create.mutate({ projectId: project.id, title: 'Fan duct' });
    const spool = await ada.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Spool holder',
    });
    renderApp(`/projects/${project.id}`, ada.token, [], faultyApiUrl);
    expect(
      await within(await screen.findByRole('region', { name: 'To do' })).findByRole('button', {
        name: 'Fan duct',
      }),
    ).toBeVisible();
    expect(screen.queryByText(BANNER)).toBeNull();

    await cutDatabase();
    try {
      await moveWithMenu('Fan duct', 'Done');
      await moveWithMenu('Spool holder', 'In progress');
      expect(await screen.findByText(BANNER)).toBeVisible();
      // Both writes stay on screen, waiting; one banner, no error toast for either.
      expect(within(column('Done')).getByRole('button', { name: 'Fan duct' })).toBeVisible();
      expect(
        within(column('In progress')).getByRole('button', { name: 'Spool holder' }),
      ).toBeVisible();
      expect(screen.getAllByText(BANNER)).toHaveLength(1);
      expect(screen.queryByText('Move undone')).toBeNull();
    } finally {
      await restoreDatabase();
    }

    // Back: the writes go through on their next try and the banner goes by itself.
    await waitFor(
      () => {
        expect(screen.queryByText(BANNER)).toBeNull();
      },
      { timeout: 20_000 },
    );
    await waitFor(async () => {
      expect((await ada.api.tasks.get.query({ id: duct.id })).status).toBe('done');
      expect((await ada.api.tasks.get.query({ id: spool.id })).status).toBe('in-progress');
    });
    expect(within(column('Done')).getByRole('button', { name: 'Fan duct' })).toBeVisible();
    expect(screen.queryByText('Move undone')).toBeNull();
  }, 60_000);

  it('says so on a page opened meanwhile, before any signed-in page can render', async () => {
    const ada = await signUp('Ada', faultyApiUrl);
    await cutDatabase();
    try {
      renderApp('/', ada.token, [], faultyApiUrl);
      // The sign-in check itself is what waits: the banner stands above every route.
      expect(await screen.findByText(BANNER)).toBeVisible();
      expect(screen.queryByRole('heading', { name: 'Projects' })).toBeNull();
    } finally {
      await restoreDatabase();
    }
  }, 60_000);
});
