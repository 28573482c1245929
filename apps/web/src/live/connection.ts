import { useSyncExternalStore } from 'react';
import type { createWSClient } from '@trpc/client';

/**
 * What the connection indicator shows; `idle` is a page with nothing live on it (no
 * subscription, no socket), where it shows nothing unless the network is gone.
 */
export type ConnectionStatus = 'live' | 'connecting' | 'reconnecting' | 'offline' | 'idle';

type SocketState = 'idle' | 'connecting' | 'pending';

/**
 * The state of the live connection as people understand it, from two sources: the browser's
 * own idea of the network (`navigator.onLine`, which flips at once when the network goes) and
 * the tRPC WebSocket (connecting again after it was open, or after an error, is a reconnect).
 */
export class ConnectionStore {
  private online: boolean;
  private socket: SocketState = 'idle';
  private socketFailed = false;
  private listeners = new Set<() => void>();

  constructor(online: boolean) {
    this.online = online;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getStatus = (): ConnectionStatus => {
    if (!this.online) return 'offline';
    if (this.socket === 'pending') return 'live';
    if (this.socket === 'connecting') return this.socketFailed ? 'reconnecting' : 'connecting';
    return 'idle';
  };

  setOnline(online: boolean): void {
    this.online = online;
    this.emit();
  }

  setSocket(state: SocketState, failed: boolean): void {
    // A first connect is not a reconnect; a connect after an open socket or an error is.
    if (state === 'pending') this.socketFailed = false;
    else if (state === 'connecting' && (failed || this.socket === 'pending'))
      this.socketFailed = true;
    else if (state === 'idle') this.socketFailed = false;
    this.socket = state;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

export const connection = new ConnectionStore(
  typeof navigator === 'undefined' ? true : navigator.onLine,
);

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    connection.setOnline(true);
  });
  window.addEventListener('offline', () => {
    connection.setOnline(false);
  });
}

export function trackSocket(socket: ReturnType<typeof createWSClient>): void {
  socket.connectionState.subscribe({
    next: (state) => {
      connection.setSocket(state.state, state.error !== null);
    },
  });
}

export function useConnectionStatus(store: ConnectionStore = connection): ConnectionStatus {
  return useSyncExternalStore(store.subscribe, store.getStatus);
}
