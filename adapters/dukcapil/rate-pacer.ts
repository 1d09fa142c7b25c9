/**
 * The agency's Dukcapil rate quota (calls per second). Calls are given start slots 1/rate apart on
 * an absolute schedule, so late timers do not lose throughput (the next slot is already due). Late
 * timers do bunch starts, though, so a call also waits until the last `rate` actual starts span
 * more than a second (plus a margin for jitter): no second, however it is
 * sliced, holds more calls than the quota. A call whose slot is further away than `maxWaitMs` is
 * refused at once instead of queueing without bound.
 */
import { UpstreamFailure } from './port.ts';

/**
 * A second and a 2 % margin: calls started a second apart can arrive closer together (event-loop
 * and network jitter), and must still fit Dukcapil's window. Costs at most 2 % of the quota.
 */
const WINDOW_MS = 1020;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

export class UpstreamRatePacer {
  private readonly intervalMs: number;
  private readonly maxWaitMs: number;
  private nextSlot = 0;
  /** The last `rate` actual start times, oldest at `cursor`. */
  private readonly starts: Float64Array;
  private cursor = 0;

  constructor(ratePerSecond: number, maxWaitMs: number) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.intervalMs = 1000 / ratePerSecond;
    this.maxWaitMs = maxWaitMs;
    this.starts = new Float64Array(Math.max(1, Math.floor(ratePerSecond))).fill(-Infinity);
  }

  /** Resolves when this call may start; throws UpstreamFailure('unavailable') if too far off. */
  async acquire(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, this.nextSlot);
    if (slot - now > this.maxWaitMs)
      throw new UpstreamFailure('unavailable', 'upstream rate quota: too many calls waiting');
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await sleep(slot - now);
    for (;;) {
      const at = performance.now();
      const oldest = this.starts[this.cursor] ?? -Infinity;
      if (at - oldest >= WINDOW_MS) {
        // Check and record with no await in between: the next waiter sees this start.
        this.starts[this.cursor] = at;
        this.cursor = (this.cursor + 1) % this.starts.length;
        return;
      }
      await sleep(WINDOW_MS - (at - oldest));
    }
  }
}

/**
 * At most `size` holders at once, served in order. The upstream client takes a place before its
 * rate slot, so that a paced call finds a free connection and leaves at its slot — not later, in
 * a burst, from the connection pool's own queue.
 */
export class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
