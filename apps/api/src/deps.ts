import type { AppDeps } from '@taskboard/api/host';
import type { Config } from './config';
import type { Metrics } from './http/metrics';

/** The router's dependencies, plus what the host's own surfaces use (configuration, metrics). */
export interface HostDeps extends AppDeps {
  config: Config;
  metrics: Metrics;
}
