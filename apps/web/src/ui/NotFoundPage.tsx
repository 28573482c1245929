import { Link } from '@tanstack/react-router';
import type { ReactElement } from 'react';

export function NotFoundPage(): ReactElement {
  return (
    <main className="centered-page">
      <h1>Page not found</h1>
      <p>There is nothing at this address, or you do not have access to it.</p>
      <Link to="/">Back to your projects</Link>
    </main>
  );
}
