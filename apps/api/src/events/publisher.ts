import { EventEmitter } from 'node:events';
import type { ProjectEvent } from '@taskboard/schema';

export type EventListener = (event: ProjectEvent) => void;

/** Delivers committed project events to whoever listens on this instance. */
export interface EventPublisher {
  /** Call only after the transaction that wrote the events has committed. */
  publish(events: readonly ProjectEvent[]): void;
  /** Listens to one project's events; returns the function that stops listening. */
  subscribe(projectId: string, listener: EventListener): () => void;
}

/** The embedded default: one process, no Redis. */
export function createInProcessPublisher(): EventPublisher {
  const emitter = new EventEmitter();
  // One listener per open board: many is normal here, not a leak.
  emitter.setMaxListeners(0);
  return {
    publish(events) {
      for (const event of events) emitter.emit(event.projectId, event);
    },
    subscribe(projectId, listener) {
      emitter.on(projectId, listener);
      return () => emitter.off(projectId, listener);
    },
  };
}
