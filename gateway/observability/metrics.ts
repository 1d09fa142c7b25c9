/**
 * A small Prometheus registry: labelled counters and gauges read at scrape time, rendered in the
 * text exposition format. Labels carry codes and routes only, never request data.
 */
type Labels = Readonly<Record<string, string>>;

const escapeLabel = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const renderLabels = (labels: Labels): string => {
  const entries = Object.entries(labels);
  return entries.length === 0
    ? ''
    : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
};

export class Counter {
  readonly name: string;
  readonly help: string;
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }
  inc(labels: Labels = {}, by = 1): void {
    const key = renderLabels(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }
  get(labels: Labels = {}): number {
    return this.values.get(renderLabels(labels))?.value ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${renderLabels(labels)} ${value}`);
    return lines.join('\n');
  }
}

/** A value read at scrape time: a gauge, or a counter kept by someone else (`observedCounter`). */
export class Gauge {
  readonly name: string;
  readonly help: string;
  private readonly read: () => number;
  private readonly type: 'gauge' | 'counter';
  constructor(name: string, help: string, read: () => number, type: 'gauge' | 'counter' = 'gauge') {
    this.name = name;
    this.help = help;
    this.read = read;
    this.type = type;
  }
  render(): string {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} ${this.type}`,
      `${this.name} ${this.read()}`,
    ].join('\n');
  }
}

export class MetricsRegistry {
  private readonly metrics: (Counter | Gauge)[] = [];
  counter(name: string, help: string): Counter {
    const counter = new Counter(name, help);
    this.metrics.push(counter);
    return counter;
  }
  gauge(name: string, help: string, read: () => number): Gauge {
    const gauge = new Gauge(name, help, read);
    this.metrics.push(gauge);
    return gauge;
  }
  /** A count that only grows, kept by another component and read at scrape time. */
  observedCounter(name: string, help: string, read: () => number): Gauge {
    const counter = new Gauge(name, help, read, 'counter');
    this.metrics.push(counter);
    return counter;
  }
  render(): string {
    return `${this.metrics.map((metric) => metric.render()).join('\n')}\n`;
  }
}

/** The gateway's own metrics. */
export function createGatewayMetrics(registry = new MetricsRegistry()) {
  return {
    registry,
    requests: registry.counter(
      'gerbang_http_requests_total',
      'HTTP requests by route, status and error code',
    ),
    upstreamCalls: registry.counter('gerbang_upstream_calls_total', 'Dukcapil calls by outcome'),
    upstreamDroppedKeys: registry.counter(
      'gerbang_upstream_dropped_keys_total',
      'Upstream keys outside the nine elements, dropped at the adapter',
    ),
    upstreamUnparseable: registry.counter(
      'gerbang_upstream_unparseable_values_total',
      'Upstream values that could not be normalised and were omitted',
    ),
    clockUntrusted: registry.counter(
      'gerbang_clock_untrusted_total',
      'Data requests refused because the wall clock is behind the audit trail',
    ),
    tlsClientErrors: registry.counter(
      'gerbang_tls_client_errors_total',
      'TLS handshakes that failed (protocol version, cipher, not TLS, timeout)',
    ),
    connectionsDropped: registry.counter(
      'gerbang_connections_dropped_total',
      'New connections dropped because server.maxConnections were open',
    ),
    checkpointTimestamps: registry.counter(
      'gerbang_checkpoint_timestamps_total',
      'RFC 3161 time-stamps of checkpoints asked for, by outcome (stamped, failed)',
    ),
    httpClientErrors: registry.counter(
      'gerbang_http_client_errors_total',
      'Connections closed for bad HTTP before routing (parse errors, header size, timeouts)',
    ),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
