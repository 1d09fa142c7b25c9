/**
 * Closed-loop throughput, interleaved round by round so that drift hits every target alike: per
 * target req/s, latency, and the target process's CPU time per request and CPU % over the window.
 */
import autocannon from 'autocannon';
import { sampleProcesses, usPerRequest } from './cpu.ts';
import { sleep } from './processes.ts';
import type { Target, TargetKey } from './targets.ts';

export interface Sample {
  requestsPerSecond: number;
  requests: number;
  cpuTicks: number;
  cpuUsPerRequest: number | null;
  cpuPercent: number;
  coresBusyPercent: Record<number, number>;
  maxRssMb: number;
  p50: number;
  p99: number;
  p999: number;
  non2xx: number;
  errors: number;
}

export interface TargetResult {
  key: TargetKey;
  name: string;
  requestsPerSecond: number;
  /** Over all rounds: the target's CPU ticks summed over the requests summed. */
  cpuUsPerRequest: number | null;
  /** The target's CPU % of one core over the windows (100: its core was saturated). */
  cpuPercent: number;
  latencyMs: { p50: number; p99: number; p999: number };
  non2xx: number;
  errors: number;
  maxRssMb: number;
  /** Mean busy % per core over the windows, the target's and everyone else's. */
  coresBusyPercent: Record<number, number>;
  rounds: Pick<
    Sample,
    'requestsPerSecond' | 'cpuUsPerRequest' | 'cpuPercent' | 'coresBusyPercent'
  >[];
}

/** One measured window of `duration` s against a target, after a 1 s warm-up. */
export async function measure(
  target: Target,
  duration: number,
  connections: number,
): Promise<Sample> {
  target.enter?.();
  try {
    await autocannon({ connections, ...target.options, duration: 1 });
    const sampler = sampleProcesses(target.pids);
    const result = await autocannon({ connections, ...target.options, duration });
    const usage = sampler.stop();
    const requests = result.requests.total;
    return {
      requestsPerSecond: Math.round(result.requests.average),
      requests,
      cpuTicks: usage.cpuTicks,
      cpuUsPerRequest: usPerRequest(usage.cpuTicks, requests),
      cpuPercent: usage.cpuPercent,
      coresBusyPercent: usage.coresBusyPercent,
      maxRssMb: usage.maxRssMb,
      p50: result.latency.p50,
      p99: result.latency.p99,
      p999: result.latency.p99_9,
      non2xx: result.non2xx,
      errors: result.errors,
    };
  } finally {
    target.leave?.();
  }
}

const mean = (values: number[]) =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
const tenth = (value: number) => Math.round(value * 10) / 10;

function meanPerCore(list: Record<number, number>[]): Record<number, number> {
  const cores = [...new Set(list.flatMap((r) => Object.keys(r).map(Number)))];
  return Object.fromEntries(
    cores.map((cpu) => [cpu, Math.round(mean(list.flatMap((r) => r[cpu] ?? [])))]),
  );
}

export function aggregate(target: Target, list: Sample[]): TargetResult {
  const sum = (pick: (s: Sample) => number) => list.reduce((a, s) => a + pick(s), 0);
  return {
    key: target.key,
    name: target.name,
    requestsPerSecond: Math.round(mean(list.map((s) => s.requestsPerSecond))),
    cpuUsPerRequest: usPerRequest(
      sum((s) => s.cpuTicks),
      sum((s) => s.requests),
    ),
    cpuPercent: Math.round(mean(list.map((s) => s.cpuPercent))),
    latencyMs: {
      p50: tenth(mean(list.map((s) => s.p50))),
      p99: tenth(mean(list.map((s) => s.p99))),
      p999: tenth(mean(list.map((s) => s.p999))),
    },
    non2xx: sum((s) => s.non2xx),
    errors: sum((s) => s.errors),
    maxRssMb: Math.max(0, ...list.map((s) => s.maxRssMb)),
    coresBusyPercent: meanPerCore(list.map((s) => s.coresBusyPercent)),
    rounds: list.map(({ requestsPerSecond, cpuUsPerRequest, cpuPercent, coresBusyPercent }) => ({
      requestsPerSecond,
      cpuUsPerRequest,
      cpuPercent,
      coresBusyPercent,
    })),
  };
}

/**
 * Before the first round, a fixed number of requests per target: a 1 s warm-up is a few hundred
 * requests on a loaded machine, too few for the JIT, and round 1 would then measure compilation.
 */
export async function warmUp(
  targets: Target[],
  requests: number,
  connections: number,
): Promise<void> {
  for (const target of targets) {
    target.enter?.();
    try {
      await autocannon({ connections, ...target.options, amount: requests });
    } finally {
      target.leave?.();
    }
  }
}

export async function throughput(
  targets: Target[],
  rounds: number,
  duration: number,
  connections: number,
  warmUpRequests: number,
): Promise<TargetResult[]> {
  await warmUp(targets, warmUpRequests, connections);
  const samples = new Map<TargetKey, Sample[]>(targets.map((t) => [t.key, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      const sample = await measure(target, duration, connections);
      samples.get(target.key)?.push(sample);
      console.error(
        `round ${round}: ${target.name}: ${sample.requestsPerSecond} req/s, ${sample.cpuUsPerRequest ?? '-'} µs CPU/request, CPU ${sample.cpuPercent} %, cores busy ${JSON.stringify(sample.coresBusyPercent)}`,
      );
    }
  }
  return targets.map((target) => aggregate(target, samples.get(target.key) ?? []));
}

/**
 * Each target's CPU % with no load at all (timers, background work): what its µs per request
 * carry as a fixed share when few requests complete on a contended machine.
 */
export async function idleCpuPercent(
  targets: Target[],
  seconds: number,
): Promise<Partial<Record<TargetKey, number>>> {
  const samplers = targets.map((t) => [t.key, sampleProcesses(t.pids)] as const);
  await sleep(seconds * 1000);
  return Object.fromEntries(samplers.map(([key, sampler]) => [key, sampler.stop().cpuPercent]));
}
