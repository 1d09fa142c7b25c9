/**
 * The simulator's own lateness: how late its event loop runs (node:perf_hooks'
 * monitorEventLoopDelay, a 1 ms timer). The simulator timestamps an arrival when its loop reads
 * the request; a loop that runs late reads, and so timestamps, calls that arrived spread out as
 * one bunch. A quota count taken in a late loop overstates the busiest second by about
 * lateness × rate, whatever the gateway sent; this is the figure that says how much.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 1;

export interface LatenessFigures {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export class LoopLateness {
  private readonly histogram: IntervalHistogram;

  constructor() {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    // The histogram's timer does not hold the process open.
    this.histogram.enable();
  }

  reset(): void {
    this.histogram.reset();
  }

  /**
   * Milliseconds late since the last reset. The histogram records the whole time between two
   * ticks of its timer (nanoseconds); the timer's own period is not lateness.
   */
  figures(): LatenessFigures {
    const late = (ns: number): number =>
      this.histogram.count === 0
        ? 0
        : Math.round(Math.max(0, ns / 1e6 - RESOLUTION_MS) * 100) / 100;
    return {
      p50: late(this.histogram.percentile(50)),
      p99: late(this.histogram.percentile(99)),
      max: late(this.histogram.max),
    };
  }
}
