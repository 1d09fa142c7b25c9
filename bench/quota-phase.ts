/**
 * A 50 ms upstream with a 1,000 req/s Dukcapil quota and 150 client connections offering more than
 * that: how busy the gateway keeps the upstream, and whether any second ever exceeded the quota as
 * the simulator (standing in for Dukcapil) counts it. The simulator has a core to itself, so that
 * its timestamps are not late because the gateway or the load generator held its core; the gateway
 * and the load generator share the other.
 */
import autocannon from 'autocannon';
import { sampleProcesses } from './cpu.ts';
import { simConfig, simState } from './processes.ts';
import type { Target } from './targets.ts';

export const UPSTREAM_LATENCY_MS = 50;
export const UPSTREAM_QUOTA_PER_SECOND = 1000;
const CONNECTIONS = 150;

export interface QuotaResult {
  upstreamLatencyMs: number;
  quotaPerSecond: number;
  upstreamCallsPerSecond: number;
  utilisation: number;
  busiestSecond: number;
  secondsOverQuota: number;
  clientRequestsPerSecond: number;
  clientP99Ms: number;
  gatewayCpuPercent: number;
  /** Busy % of each core over the window, whoever used it. */
  coresBusyPercent: Record<number, number>;
  /** The simulator's own event-loop lateness in the phase; null when it does not report it. */
  simulatorLatenessMs: { p50: number; p99: number; max: number } | null;
}

export async function quotaPhase(
  simUrl: string,
  lookup: Target,
  duration: number,
): Promise<QuotaResult> {
  // Fresh counters: the busiest second must be this phase's, not the unthrottled targets'.
  await fetch(`${simUrl}/__sim/reset`, { method: 'POST' });
  await simConfig(simUrl, {
    latencyMs: UPSTREAM_LATENCY_MS,
    rateQuotaPerSecond: UPSTREAM_QUOTA_PER_SECOND,
  });
  const load = { ...lookup.options, connections: CONNECTIONS };
  await autocannon({ ...load, duration: 2 });
  const callsBefore = (await simState(simUrl)).counters.calls['CALL_NIK'] ?? 0;
  const sampler = sampleProcesses(lookup.pids);
  const started = performance.now();
  const result = await autocannon({ ...load, duration });
  const seconds = (performance.now() - started) / 1000;
  const usage = sampler.stop();
  const after = await simState(simUrl);
  const upstreamRate = ((after.counters.calls['CALL_NIK'] ?? 0) - callsBefore) / seconds;
  const lateness = after.counters.eventLoopDelayMs;
  return {
    upstreamLatencyMs: UPSTREAM_LATENCY_MS,
    quotaPerSecond: UPSTREAM_QUOTA_PER_SECOND,
    upstreamCallsPerSecond: Math.round(upstreamRate),
    utilisation: Math.round((upstreamRate / UPSTREAM_QUOTA_PER_SECOND) * 1000) / 1000,
    busiestSecond: after.counters.busiestSecond,
    secondsOverQuota: after.counters.overRateQuota,
    clientRequestsPerSecond: Math.round(result.requests.average),
    clientP99Ms: result.latency.p99,
    gatewayCpuPercent: usage.cpuPercent,
    coresBusyPercent: usage.coresBusyPercent,
    simulatorLatenessMs:
      lateness === undefined ? null : { p50: lateness.p50, p99: lateness.p99, max: lateness.max },
  };
}
