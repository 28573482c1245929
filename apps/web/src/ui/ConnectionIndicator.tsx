import type { ReactElement } from 'react';
import {
  connection,
  useConnectionStatus,
  type ConnectionStatus,
  type ConnectionStore,
} from '../live/connection';

type Shown = Exclude<ConnectionStatus, 'idle'>;

const LABELS: Record<Shown, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const TITLES: Record<Shown, string> = {
  live: 'Changes by others appear as they happen',
  connecting: 'Opening the live connection',
  reconnecting: 'Connection lost: reconnecting, then catching up on what was missed',
  offline: 'No network: the board catches up when you are back online',
};

/** Tells the user whether what they see is current (a live region: changes are announced). */
export function ConnectionIndicator({
  store = connection,
}: {
  store?: ConnectionStore;
}): ReactElement | null {
  const shown = useConnectionStatus(store);
  // A page with nothing live on it claims nothing (but still says when the network is gone).
  if (shown === 'idle') return null;
  return (
    <span role="status" className={`connection connection-${shown}`} title={TITLES[shown]}>
      <span className="connection-dot" aria-hidden="true" />
      {LABELS[shown]}
    </span>
  );
}
