import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConnectionStore } from '../live/connection';
import { ConnectionIndicator } from './ConnectionIndicator';

function shown(): string | null {
  return screen.queryByRole('status')?.textContent ?? null;
}

describe('the connection indicator', () => {
  it('shows nothing where nothing is live, Connecting… on a first connect, Live once open', () => {
    const store = new ConnectionStore(true);
    render(<ConnectionIndicator store={store} />);
    expect(shown()).toBeNull();
    act(() => {
      store.setSocket('connecting', false);
    });
    expect(shown()).toBe('Connecting…');
    act(() => {
      store.setSocket('pending', false);
    });
    expect(shown()).toBe('Live');
    act(() => {
      store.setSocket('idle', false); // left the board: the socket closes
    });
    expect(shown()).toBeNull();
  });

  it('says Reconnecting… when an open socket drops or a connect fails, and Live when it is back', () => {
    const store = new ConnectionStore(true);
    render(<ConnectionIndicator store={store} />);
    act(() => {
      store.setSocket('pending', false);
      store.setSocket('connecting', false);
    });
    expect(shown()).toBe('Reconnecting…');
    act(() => {
      store.setSocket('pending', false);
    });
    expect(shown()).toBe('Live');
    act(() => {
      store.setSocket('connecting', true);
    });
    expect(shown()).toBe('Reconnecting…');
  });

  it('says Offline while the browser has no network, whatever the socket thinks', () => {
    const store = new ConnectionStore(true);
    render(<ConnectionIndicator store={store} />);
    act(() => {
      store.setSocket('pending', false);
      store.setOnline(false);
    });
    expect(shown()).toBe('Offline');
    act(() => {
      store.setOnline(true);
      store.setSocket('connecting', true);
    });
    expect(shown()).toBe('Reconnecting…');
    act(() => {
      store.setSocket('pending', false);
    });
    expect(shown()).toBe('Live');
  });

  it('follows the browser’s online and offline events, even on a page with nothing live', () => {
    render(<ConnectionIndicator />);
    expect(shown()).toBeNull();
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    expect(shown()).toBe('Offline');
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(shown()).toBeNull();
  });
});
