import type { ReactElement } from 'react';
import { useServiceUnavailable } from '../service/availability';

/**
 * One notice while the server answers SERVICE_UNAVAILABLE (its database is down): writes
 * stay on screen and are retried, so there is nothing for the user to do but know. It goes
 * by itself once the server serves again.
 */
export function ServiceBanner(): ReactElement | null {
  const unavailable = useServiceUnavailable();
  if (!unavailable) return null;
  return (
    <div className="service-banner" role="status">
      <span className="service-banner-dot" aria-hidden="true" />
      The server is unavailable, retrying… Your changes are kept and will be saved when it is back.
    </div>
  );
}
