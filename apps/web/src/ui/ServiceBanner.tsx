import type { ReactElement } from 'react';
import { useServiceUnavailable } from '../service/availability';

/**
 * One notice while the server answers SERVICE_UNAVAILABLE (its database is down): writes
 * stay on screen and are retried, so there is nothing for the user to do but know. It goes
 * by itself once the server serves again.
 */
export function ServiceBanner(): ReactElement {
  const unavailable = useServiceUnavailable();
  // The live region is always there and only its text comes and goes: screen readers skip a
  // region that appears together with its text.
  return (
    <div className={unavailable ? 'service-banner' : undefined} role="status">
      {unavailable && (
        <>
          <span className="service-banner-dot" aria-hidden="true" />
          The server is unavailable, retrying… What you change meanwhile is kept and saved when it
          is back.
        </>
      )}
    </div>
  );
}
