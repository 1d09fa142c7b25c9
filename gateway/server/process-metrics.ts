/**
 * Metrics kept by others and read at scrape time: what the log destination could not write, and
 * the audit store's commits and health. Registered in this order, which is the order scraped.
 * The audit store's two counts only grow in a process: counters (they were gauges named `_total`
 * before issue 21, which promtool refuses).
 */
import type { SqliteAuditStore } from '../../audit/store/index.ts';
import type { LogWriteStats } from '../observability/logging.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';

export function observeLogWrites(metrics: GatewayMetrics, logWrites: LogWriteStats): void {
  metrics.observedCounter(
    'gerbang_log_write_failures_total',
    'Log writes that failed (full disk, closed pipe); the lines are retried',
    () => logWrites.failures,
  );
  metrics.observedCounter(
    'gerbang_log_lines_dropped_total',
    'Log lines given up because the backlog of unwritten lines was full',
    () => logWrites.dropped,
  );
}

export function observeAuditStore(metrics: GatewayMetrics, audit: SqliteAuditStore): void {
  metrics.observedCounter(
    'gerbang_audit_records_written_total',
    'Audit records committed by this process',
    () => audit.stats.records,
  );
  metrics.observedCounter(
    'gerbang_audit_commits_total',
    'Audit write transactions (one fsync each) of this process',
    () => audit.stats.commits,
  );
  metrics.gauge('gerbang_audit_writable', '1 while audit appends succeed', () =>
    audit.healthy() ? 1 : 0,
  );
}
