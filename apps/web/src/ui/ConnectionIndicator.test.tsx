import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConnectionStore } from '../live/connection';
import { ConnectionIndicator } from './ConnectionIndicator';

function shown(): string {
  return screen.getByRole('status').textContent;
}

describe('the connection indicator', () => {
  it('says Live once the socket is open, and while nothing needs one', () => {
    const store = new ConnectionStore(true);
    render(<ConnectionIndicator store={store} />);
    expect(shown()).toBe('Live');
    act(() => {
      store.setSocket('connecting', false); // a first connect is not a reconnect
    });
    expect(shown()).toBe('Live');
    act(() => {
      store.setSocket('pending', false);
    });
    expect(shown()).toBe('Live');
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

  it('follows the browser’s online and offline events', () => {
    render(<ConnectionIndicator />);
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    expect(shown()).toBe('Offline');
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(shown()).toBe('Live');
  });
});
