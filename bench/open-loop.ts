/**
 * An open-loop load at a fixed rate (autocannon's overallRate sends each second's requests in a
 * burst, which measures the burst, not the service): a request is started every 1/rate s whatever
 * the earlier ones are doing, and its latency counts from its planned start, so that queueing
 * anywhere shows.
 */
import type autocannon from 'autocannon';
import type { Dispatcher } from 'undici';
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

export async function openLoop(
  options: autocannon.Options,
  rate: number,
  seconds: number,
  agent: Dispatcher,
): Promise<OpenLoopResult> {
  const { request } = await import('undici');
  const latencies: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const lateness = monitorEventLoopDelay({ resolution: 1 });
  lateness.enable();
  const started = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const planned = started + (i * 1000) / rate;
    const wait = planned - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(
      request(options.url, {
        dispatcher: agent,
        method: options.method ?? 'GET',
        headers: options.headers as Record<string, string>,
        body: options.body as string,
      }).then(
        async (response) => {
          await response.body.dump();
          if (response.statusCode !== 200) failed++;
          latencies.push(performance.now() - planned);
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(pending);
  // Over the time until the last answer: a target that fell behind shows a lower rate than planned.
  const elapsed = (performance.now() - started) / 1000;
  lateness.disable();
  const ms = (ns: number) => Math.round(Math.max(0, ns / 1e6 - 1) * 100) / 100;
  latencies.sort((a, b) => a - b);
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    p999: quantile(latencies, 0.999),
    failed,
    achieved: Math.round(latencies.length / Math.max(seconds, elapsed)),
    completed: latencies.length,
    generatorLatenessMs: {
      p50: ms(lateness.percentile(50)),
      p99: ms(lateness.percentile(99)),
      max: ms(lateness.max),
    },
  };
}
