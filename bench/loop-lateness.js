/**
 * For `npm run bench` only, preloaded (`node --import`) into the processes the bench starts: every
 * 250 ms a line `{"t": epoch ms, "maxMs": …}` with the most the process's event loop ran late in
 * that quarter-second, appended to BENCH_LATENESS_FILE. A stall of one process — a collection, a
 * long task, a core it shares — then shows as that process's, with its time, beside the open
 * loop's tails. A 10 ms timer: 100 wake-ups a second, nothing a target's CPU figures can see.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setInterval } from 'node:timers';

const file = process.env.BENCH_LATENESS_FILE;
if (file) {
  const RESOLUTION_MS = 10;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const report = setInterval(() => {
    const maxMs = histogram.count === 0 ? 0 : Math.max(0, histogram.max / 1e6 - RESOLUTION_MS);
    histogram.reset();
    appendFileSync(
      file,
      `${JSON.stringify({ t: Date.now(), maxMs: Math.round(maxMs * 10) / 10 })}\n`,
    );
  }, 250);
  report.unref();
}
