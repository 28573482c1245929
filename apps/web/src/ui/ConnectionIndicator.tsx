import type { ReactElement } from 'react';
import { connection, useConnectionStatus, type ConnectionStatus, type ConnectionStore } from '../live/connection';

const LABELS: Record<ConnectionStatus, string> = {
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const TITLES: Record<ConnectionStatus, string> = {
  live: "Changes by others appear as they happen",
  reconnecting: 'Connection lost: reconnecting, then catching up on what was missed',
  offline: 'No network: the board catches up when you are back online',
};

/** Tells the user whether what they see is current (a live region: changes are announced). */
export function ConnectionIndicator({ store = connection }: { store?: ConnectionStore }): ReactElement {
  const shown = useConnectionStatus(store);
  return (
    <span role="status" className={`connection connection-${shown}`} title={TITLES[shown]}>
      <span className="connection-dot" aria-hidden="true" />
      {LABELS[shown]}
    </span>
  );
}
