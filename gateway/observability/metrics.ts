/**
 * The gateway's Prometheus metrics, on prom-client: one Registry per gateway (never the global
 * default, so that gateways in one process, as in the tests, each count their own), the
 * process and Node metrics under their standard names, and the gateway's own under `gerbang_`.
 * Labels carry route patterns, codes and bounded sets only, never request data or other
 * client-chosen text. `promtool check metrics` passes on what this renders (test/metrics-lint).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds. Requests: from a cached answer (ms) to one waiting out the upstream's timeout. */
export const REQUEST_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;
/** Seconds. Dukcapil calls: the closed network's tens of ms up to upstream.timeoutMs (≤ 60 s). */
export const UPSTREAM_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** An HTTP method as a label: the methods of HTTP itself, anything else `other`. */
export const methodLabel = (method: string): string => (METHODS.has(method) ? method : 'other');
/** An HTTP status as its class: `2xx` … `5xx`. */
export const statusClass = (status: number): string => `${String(Math.floor(status / 100))}xx`;

/** The default metrics left out (see createGatewayMetrics). */
export const PROM_CLIENT_TOTAL_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

export interface GatewayMetricsOptions {
  /**
   * The process and Node metrics (`process_*`, `nodejs_*`): on for a serving gateway. Each set
   * keeps an event-loop-delay monitor and a GC observer for the life of the process, so the
   * in-process test app, which builds many gateways, leaves them off.
   */
  readonly defaultMetrics?: boolean;
}

/** The gateway's own metrics. */
export function createGatewayMetrics(options: GatewayMetricsOptions = {}) {
  const registry = new Registry();
  if (options.defaultMetrics === true) {
    collectDefaultMetrics({ register: registry });
    // prom-client's own gauges named `_total`, which promtool refuses: each is the sum of the
    // gauge of the same name without it (`sum(nodejs_active_handles)`), which stays.
    for (const name of PROM_CLIENT_TOTAL_GAUGES) registry.removeSingleMetric(name);
  }
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    /** The exposition text and its content type, for GET /metrics. */
    render: async (): Promise<{ text: string; contentType: string }> => ({
      text: await registry.metrics(),
      contentType: registry.contentType,
    }),
    /** A value read at scrape time. */
    gauge(name: string, help: string, read: () => number): void {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    },
    /** A count that only grows, kept by another component and read at scrape time. */
    observedCounter(name: string, help: string, read: () => number): void {
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    },
    requests: counter(
      'gerbang_http_requests_total',
      'HTTP requests by route, status and error code',
      ['method', 'route', 'status', 'code'],
    ),
    requestDuration: new Histogram({
      name: 'gerbang_http_request_duration_seconds',
      help: 'HTTP request durations by route pattern, method and status class',
      labelNames: ['method', 'route', 'status_class'] as const,
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers: [registry],
    }),
    upstreamCalls: counter('gerbang_upstream_calls_total', 'Dukcapil calls by outcome', [
      'outcome',
      'method',
      'upstream',
    ]),
    upstreamDuration: new Histogram({
      name: 'gerbang_upstream_call_duration_seconds',
      help: 'Dukcapil call durations by upstream, method and outcome',
      labelNames: ['method', 'outcome', 'upstream'] as const,
      buckets: [...UPSTREAM_DURATION_BUCKETS],
      registers: [registry],
    }),
    upstreamLeaveDelay: new Histogram({
      name: 'gerbang_upstream_leave_delay_seconds',
      help: 'How long after its rate-quota turn a paced Dukcapil request was written',
      labelNames: ['upstream'] as const,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
      registers: [registry],
    }),
    upstreamDroppedKeys: counter(
      'gerbang_upstream_dropped_keys_total',
      'Upstream keys outside the nine elements, dropped at the adapter',
    ),
    upstreamUnparseable: counter(
      'gerbang_upstream_unparseable_values_total',
      'Upstream values that could not be normalised and were omitted',
    ),
    clockUntrusted: counter(
      'gerbang_clock_untrusted_total',
      'Data requests refused because the wall clock is behind the audit trail',
    ),
    tlsClientErrors: counter(
      'gerbang_tls_client_errors_total',
      'TLS handshakes that failed (protocol version, cipher, not TLS, timeout)',
      ['reason'],
    ),
    connectionsDropped: counter(
      'gerbang_connections_dropped_total',
      'New connections dropped because server.maxConnections were open',
    ),
    checkpointTimestamps: counter(
      'gerbang_checkpoint_timestamps_total',
      'RFC 3161 time-stamps of checkpoints asked for, by outcome (stamped, failed)',
      ['outcome'],
    ),
    httpClientErrors: counter(
      'gerbang_http_client_errors_total',
      'Connections closed for bad HTTP before routing (parse errors, header size, timeouts)',
      ['code'],
    ),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
