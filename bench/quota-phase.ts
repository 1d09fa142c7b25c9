/**
 * A 50 ms upstream with a 1,000 req/s Dukcapil quota and 150 client connections offering more than
 * that: how busy the gateway keeps the upstream, and whether any second ever exceeded the quota as
 * the simulator (standing in for Dukcapil) counts it. The simulator has a core to itself, so that
 * its timestamps are not late because the gateway or the load generator held its core; the gateway
 * and the load generator share the other. The simulator's count is as late as its event loop, so
 * the upstream's arrivals are also counted by the kernel's clock (bench/wire-witness.ts).
 */
import autocannon from 'autocannon';
import { sampleProcesses } from './cpu.ts';
import { simConfig, simState, sleep, type SimState } from './processes.ts';
import type { Pinning } from './pin.ts';
import type { Target } from './targets.ts';
import { startWireWitness, type WireResult, type WireWitness } from './wire-witness.ts';

export const UPSTREAM_LATENCY_MS = 50;
export const UPSTREAM_QUOTA_PER_SECOND = 1000;
const CONNECTIONS = 150;
/**
 * The upstream rate is counted over the phase's duration from this many seconds into one client
 * run, from the simulator's counter read every half second. Fresh connections took 2–5 s to reach
 * the quota (150 new mutual-TLS connections, most likely their handshakes on the core the gateway
 * shares with the load generator; not measured apart); a rate counted from the run's start
 * measures that ramp, not how much of the quota the gateway keeps in use.
 * `halfSecondCallsPerSecond` shows whether the ramp was over.
 */
const RAMP_SECONDS = 3;

/** The simulator's count of CALL_NIK calls, read at `at` (performance.now, ms). */
export interface CallReading {
  readonly calls: number;
  readonly at: number;
}

/** Calls per second between two readings. */
export const callRate = (from: CallReading, to: CallReading): number =>
  (to.calls - from.calls) / ((to.at - from.at) / 1000);

/** The rate between each reading and the next, rounded. */
export const ratesBetween = (readings: readonly CallReading[]): number[] =>
  readings.slice(1).map((to, i) => Math.round(callRate(readings[i] ?? to, to)));

export interface QuotaResult {
  upstreamLatencyMs: number;
  quotaPerSecond: number;
  /** Calls the simulator counted per second in the steady window (after the ramp). */
  upstreamCallsPerSecond: number;
  /** The same over the whole client run, its ramp included. */
  wholeRunCallsPerSecond: number;
  /** The rate in each half second of the client run, from its start: the ramp, then steady. */
  halfSecondCallsPerSecond: number[];
  /** upstreamCallsPerSecond / quotaPerSecond. */
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
  /** CALL_NIK calls the simulator counted in the phase (warm-up included), for the wire's check. */
  simulatorCalls: number;
  /** The same calls by the kernel's clock at the simulator's socket, over the same span. */
  wire: WireResult;
}

/**
 * Whether the wire's count is a complete witness of the phase: nothing dropped, and every call
 * the simulator answered seen arriving. Only then are its figures the ones to judge by.
 */
export const wireIsComplete = (quota: QuotaResult): boolean =>
  quota.wire.available &&
  quota.wire.kernelDrops === 0 &&
  quota.wire.arrivals === quota.simulatorCalls;

export async function quotaPhase(
  simUrl: string,
  lookup: Target,
  duration: number,
  pinning: Pinning,
): Promise<QuotaResult> {
  // Fresh counters: the busiest second must be this phase's, not the unthrottled targets'.
  await fetch(`${simUrl}/__sim/reset`, { method: 'POST' });
  const wire = await startWireWitness(
    pinning,
    Number(new URL(simUrl).port),
    UPSTREAM_QUOTA_PER_SECOND,
    'call_nik',
  );
  try {
    return await measure(simUrl, lookup, duration, wire);
  } catch (error) {
    // The capture is a child of this process: it must not outlive a phase that failed.
    await wire.stop();
    throw error;
  }
}

async function measure(
  simUrl: string,
  lookup: Target,
  duration: number,
  wire: WireWitness,
): Promise<QuotaResult> {
  await simConfig(simUrl, {
    latencyMs: UPSTREAM_LATENCY_MS,
    rateQuotaPerSecond: UPSTREAM_QUOTA_PER_SECOND,
  });
  const load = { ...lookup.options, connections: CONNECTIONS };
  await autocannon({ ...load, duration: 2 });
  const callsIn = (state: SimState) => state.counters.calls['CALL_NIK'] ?? 0;
  const reading = async (): Promise<CallReading> => ({
    calls: callsIn(await simState(simUrl)),
    at: performance.now(),
  });
  const before = await reading();
  const sampler = sampleProcesses(lookup.pids);
  // One client run: its ramp, the steady window, and half a second so the window ends under load.
  const running = autocannon({ ...load, duration: RAMP_SECONDS + duration + 0.5 });
  // A reading every half second from the run's start: the ramp and the steady rate, to see.
  const readings = [before];
  const steps = Math.round((RAMP_SECONDS + duration) * 2);
  for (let step = 1; step <= steps; step++) {
    await sleep(Math.max(0, before.at + step * 500 - performance.now()));
    readings.push(await reading());
  }
  const steadyFrom = readings[RAMP_SECONDS * 2] ?? before;
  const steadyTo = readings[steps] ?? before;
  const result = await running;
  const usage = sampler.stop();
  const end = await reading();
  // Calls still waiting in the gateway for their turn when the clients stopped go on to the
  // simulator: its counters and the wire's are compared once they have all arrived.
  let after = await simState(simUrl);
  for (let tries = 0; tries < 20; tries++) {
    await sleep(300);
    const later = await simState(simUrl);
    if (callsIn(later) === callsIn(after)) break;
    after = later;
  }
  const wireCount = await wire.stop();
  const upstreamRate = callRate(steadyFrom, steadyTo);
  const lateness = after.counters.eventLoopDelayMs;
  return {
    upstreamLatencyMs: UPSTREAM_LATENCY_MS,
    quotaPerSecond: UPSTREAM_QUOTA_PER_SECOND,
    upstreamCallsPerSecond: Math.round(upstreamRate),
    wholeRunCallsPerSecond: Math.round(callRate(before, end)),
    halfSecondCallsPerSecond: ratesBetween(readings),
    utilisation: Math.round((upstreamRate / UPSTREAM_QUOTA_PER_SECOND) * 1000) / 1000,
    busiestSecond: after.counters.busiestSecond,
    secondsOverQuota: after.counters.overRateQuota,
    clientRequestsPerSecond: Math.round(result.requests.average),
    clientP99Ms: result.latency.p99,
    gatewayCpuPercent: usage.cpuPercent,
    coresBusyPercent: usage.coresBusyPercent,
    simulatorLatenessMs:
      lateness === undefined ? null : { p50: lateness.p50, p99: lateness.p99, max: lateness.max },
    simulatorCalls: callsIn(after),
    wire: wireCount,
  };
}
