import { TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { useSyncExternalStore } from 'react';
import { z } from 'zod';
import type { AppRouter } from '@taskboard/api';
import { appErrorOf } from '../errors';

/** Waits between tries when the server names none; the server's `Retry-After` wins. */
const DEFAULT_RETRY_MS = 5_000;
/** Bounds on a server's `Retry-After`: not a hammering loop, not a board frozen for minutes. */
const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
/** A write is tried this often (≈2 minutes at the server's 5 s) before it is undone. */
export const UNAVAILABLE_WRITE_TRIES = 24;

export function isServiceUnavailable(error: unknown): boolean {
  return appErrorOf(error).code === 'SERVICE_UNAVAILABLE';
}

/** How long to wait before trying again: the answer's `Retry-After`, within bounds. */
export function retryDelayMs(error: unknown): number {
  const response = error instanceof TRPCClientError ? error.meta?.response : undefined;
  const header = response instanceof Response ? response.headers.get('retry-after') : null;
  const seconds = header === null ? Number.NaN : Number(header);
  const wanted = Number.isFinite(seconds) ? seconds * 1_000 : DEFAULT_RETRY_MS;
  return Math.min(Math.max(wanted, MIN_RETRY_MS), MAX_RETRY_MS);
}

/**
 * Whether the server can serve now, as the app has seen it: an answer SERVICE_UNAVAILABLE
 * (its database is down) makes it unavailable until a write goes through again or the
 * server's readiness check says the database is back. One banner says so, rather than an
 * error per write: the writes are retried meanwhile, not undone.
 */
export class AvailabilityStore {
  private unavailable = false;
  private retryMs = DEFAULT_RETRY_MS;
  private listeners = new Set<() => void>();
  private probe: (() => Promise<boolean>) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly isUnavailable = (): boolean => this.unavailable;

  /** The wait the server asked for, before checking again. */
  retryAfterMs(): number {
    return this.retryMs;
  }

  /** How to ask the server whether it can serve again (its readiness check). */
  setProbe(probe: () => Promise<boolean>): void {
    this.probe = probe;
  }

  markUnavailable(error: unknown): void {
    this.retryMs = retryDelayMs(error);
    this.set(true);
    this.scheduleCheck();
  }

  markAvailable(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.set(false);
  }

  /**
   * While unavailable, the server is asked again after each Retry-After, so the banner goes
   * by itself even when no write is waiting to be retried.
   */
  private scheduleCheck(): void {
    if (this.timer !== null || this.probe === null) return;
    const probe = this.probe;
    const timer = setTimeout(() => {
      void probe().then((back) => {
        // Superseded: a success in the meantime ended this check, and a new outage may have
        // started its own; going on would run two loops of checks side by side.
        if (this.timer !== timer) return;
        this.timer = null;
        if (!this.unavailable) return;
        if (back) this.markAvailable();
        else this.scheduleCheck();
      });
    }, this.retryMs);
    this.timer = timer;
  }

  private set(unavailable: boolean): void {
    if (this.unavailable === unavailable) return;
    this.unavailable = unavailable;
    for (const listener of this.listeners) listener();
  }
}

export const availability = new AvailabilityStore();

/**
 * Watches every call: SERVICE_UNAVAILABLE marks the server unavailable; a mutation that
 * succeeds marks it available again (a query may be answered from caches without the
 * database, so it proves nothing).
 */
export function availabilityLink(store: AvailabilityStore = availability): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const subscription = next(op).subscribe({
          next: (value) => {
            if (op.type === 'mutation') store.markAvailable();
            observer.next(value);
          },
          error: (error) => {
            if (isServiceUnavailable(error)) store.markUnavailable(error);
            observer.error(error);
          },
          complete: () => {
            observer.complete();
          },
        });
        return () => {
          subscription.unsubscribe();
        };
      });
}

const readinessSchema = z.object({ checks: z.object({ database: z.string() }) });

/** Asks the server's readiness check whether its database answers again. */
export async function databaseIsBack(origin: string): Promise<boolean> {
  try {
    const response = await fetch(`${origin}/readyz`, { cache: 'no-store' });
    const body = readinessSchema.safeParse(await response.json());
    return body.success && body.data.checks.database === 'ok';
  } catch {
    return false;
  }
}

export function useServiceUnavailable(store: AvailabilityStore = availability): boolean {
  return useSyncExternalStore(store.subscribe, store.isUnavailable);
}
