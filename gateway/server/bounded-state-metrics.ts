/**
 * The size of the state that client-chosen keys and unauthenticated callers could grow, read at
 * scrape time (issue 19, findings 6 and 10): an officer sees the caps hold, and a churn or a
 * flood, in /metrics.
 */
import type { GatewayMetrics } from '../observability/metrics.ts';
import type { Services } from '../services/index.ts';

export function observeBoundedState(metrics: GatewayMetrics, services: Services): void {
  const { anomalies, unauthenticated } = services.policy;
  metrics.gauge(
    'gerbang_anomaly_tracked_operators',
    'Operator ids the anomaly detector holds (at most anomalies.maxOperatorsPerClient per client)',
    () => anomalies.trackedKeys().operators,
  );
  metrics.observedCounter(
    'gerbang_anomaly_operators_evicted_total',
    "Operator ids forgotten because their client's cap was reached",
    () => anomalies.trackedKeys().evictedOperators,
  );
  metrics.observedCounter(
    'gerbang_unauthenticated_refusals_total',
    'Requests refused before authentication (audited coalesced per address, reason and minute)',
    () => unauthenticated.stats().refused,
  );
  metrics.observedCounter(
    'gerbang_unauthenticated_throttled_total',
    'Of those, answered without work because their address exceeded server.unauthenticated',
    () => unauthenticated.stats().answeredWithoutWork,
  );
  metrics.gauge(
    'gerbang_unauthenticated_tracked_addresses',
    'Addresses whose refusal rate is held (at most server.unauthenticated.maxAddresses)',
    () => unauthenticated.stats().trackedAddresses,
  );
  const nonces = services.readers?.nonces;
  if (nonces !== undefined)
    metrics.gauge(
      'gerbang_reader_nonces_held',
      'Reader challenges held (bounded per reader and in all)',
      () => nonces.size,
    );
}
