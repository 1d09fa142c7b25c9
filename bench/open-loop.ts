/**
 * An open-loop load at a fixed rate (autocannon's overallRate sends each second's requests in a
 * burst, which measures the burst, not the service): a request is started every 1/rate s whatever
 * the earlier ones are doing, and its latency counts from its planned start, so that queueing
 * anywhere shows.
 */
import type autocannon from 'autocannon';
import type { Dispatcher } from 'undici';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sleep } from './processes.ts';

export interface OpenLoopResult {
  p50: number;
  p99: number;
  p999: number;
  failed: number;
  achieved: number;
  completed: number;
  /** The load generator's own event-loop lateness over the run (ms): a late generator starts
   * requests after their planned time, and that shows in every target's latency alike. */
  generatorLatenessMs?: { p50: number; p99: number; max: number };
  /** How late each request was handed to the client against its planned start (ms). */
  sendLateMs?: { p50: number; p99: number; max: number };
  /** Latency from the moment the request was handed to the client (what a closed loop would
   * report): beside `p99`, it says how much of a tail is the generator's own lateness. */
  fromSendMs?: { p50: number; p99: number };
  /** Time the generator's thread spent runnable but waiting for its CPU (ms in the run), from
   * /proc/self/schedstat: lateness the scheduler caused rather than the generator's own work. */
  generatorRunQueueWaitMs?: number;
}

/** Nanoseconds this thread waited on a run queue so far (Linux), or undefined. */
export function runQueueWaitNs(schedstat: string): number | undefined {
  const waited = Number(schedstat.trim().split(/\s+/)[1]);
  return Number.isFinite(waited) ? waited : undefined;
}

function readRunQueueWaitNs(): number | undefined {
  try {
    return runQueueWaitNs(readFileSync('/proc/thread-self/schedstat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** The q-quantile of sorted values, to 0.01 ms. */
export function quantile(sorted: number[], q: number): number {
  return Math.round((sorted[Math.floor(q * (sorted.length - 1))] ?? 0) * 100) / 100;
}

/**
 * The connections an open loop uses, opened by its warm-up and kept for the measured run: a run
 * that starts on cold connections measures 64 mutual-TLS handshakes queued in front of its first
 * requests (hundreds of ms at the p99), not the target.
 */
export async function openLoopAgent(options: autocannon.Options): Promise<Dispatcher> {
  const { Agent } = await import('undici');
  const tls = (options.tlsOptions ?? {}) as { ca?: string; cert?: string; key?: string };
  return new Agent({ connections: 64, connect: tls });
}

/**
 * The load generator is itself a Node process on the core it shares with the simulator: what it
 * allocates per request it collects later, on that core, while requests are due. So it dispatches
 * with a handler instead of a promise and a body stream per request, and keeps its figures in
 * typed arrays sized once; a collection that stalls it shows in `sendLateMs` and `fromSendMs`.
 */
const noop = () => {};

export async function openLoop(
  options: autocannon.Options,
  rate: number,
  seconds: number,
  agent: Dispatcher,
): Promise<OpenLoopResult> {
  const url = new URL(options.url);
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  const fromSend = new Float64Array(total);
  const sendLate = new Float64Array(total);
  let completed = 0;
  let failed = 0;
  let settled = 0;
  let allSettled: () => void = () => {};
  const done = new Promise<void>((resolve) => (allSettled = resolve));
  const settle = () => {
    if (++settled === total) allSettled();
  };
  const dispatchOptions: Dispatcher.DispatchOptions = {
    origin: url.origin,
    path: url.pathname + url.search,
    method: options.method ?? 'GET',
    headers: options.headers as Record<string, string>,
    body: options.body ?? null,
  };
  const waitedBefore = readRunQueueWaitNs();
  const lateness = monitorEventLoopDelay({ resolution: 1 });
  lateness.enable();
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const planned = started + (i * 1000) / rate;
    // Never early: a request sent before its planned start would count less than its latency.
    // Node's timers run from the loop's cached clock and may fire before performance.now() has
    // reached the plan, hence the loop. A timer of under 1 ms fires after 1 ms, so requests go in
    // small batches, each a little late, and that lateness is counted (sendLateMs) like any other.
    for (let wait = planned - performance.now(); wait > 0; wait = planned - performance.now())
      await sleep(wait);
    const sent = performance.now();
    sendLate[i] = Math.max(0, sent - planned);
    let status = 0;
    agent.dispatch(dispatchOptions, {
      // Its presence is what tells undici this handler speaks the controller API.
      onRequestStart: noop,
      onResponseStart: (_controller, statusCode) => {
        status = statusCode;
      },
      onResponseEnd: () => {
        const answered = performance.now();
        if (status === 200) {
          latencies[completed] = answered - planned;
          fromSend[completed] = answered - sent;
          completed++;
        } else failed++;
        settle();
      },
      onResponseError: () => {
        failed++;
        settle();
      },
    });
  }
  if (total > 0) await done;
  // Over the time until the last answer: a target that fell behind shows a lower rate than planned.
  const elapsed = (performance.now() - started) / 1000;
  lateness.disable();
  const waitedAfter = readRunQueueWaitNs();
  const ms = (ns: number) => Math.round(Math.max(0, ns / 1e6 - 1) * 100) / 100;
  const sorted = (values: Float64Array, count: number) =>
    Array.from(values.subarray(0, count).sort());
  const answered = sorted(latencies, completed);
  const answeredFromSend = sorted(fromSend, completed);
  const late = sorted(sendLate, total);
  return {
    p50: quantile(answered, 0.5),
    p99: quantile(answered, 0.99),
    p999: quantile(answered, 0.999),
    failed,
    achieved: Math.round(completed / Math.max(seconds, elapsed)),
    completed,
    generatorLatenessMs: {
      p50: ms(lateness.percentile(50)),
      p99: ms(lateness.percentile(99)),
      max: ms(lateness.max),
    },
    sendLateMs: { p50: quantile(late, 0.5), p99: quantile(late, 0.99), max: quantile(late, 1) },
    fromSendMs: { p50: quantile(answeredFromSend, 0.5), p99: quantile(answeredFromSend, 0.99) },
    ...(waitedBefore !== undefined && waitedAfter !== undefined
      ? { generatorRunQueueWaitMs: Math.round((waitedAfter - waitedBefore) / 1e5) / 10 }
      : {}),
  };
}
