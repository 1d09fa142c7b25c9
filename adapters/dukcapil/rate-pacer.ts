/**
 * The agency's Dukcapil rate quota (calls per second). Two rules decide when a call may start:
 *
 * - the schedule: start slots 1/rate apart on an absolute clock, so that a late timer does not
 *   lose throughput (the next slot is already due);
 * - the hard guarantee: a call starts only when the last `rate` starts span at least a window of
 *   a second plus a margin (`windowMarginMs`), so no second, however it is sliced, holds more
 *   calls than the quota. The margin is for what happens after the start: calls that left a
 *   second apart can arrive closer together (network jitter, a late event loop at either end).
 *
 * Waiting calls queue in order behind one timer, set for the head's turn. When the timer fires
 * late, every call whose turn has come starts in that tick, and the window check lets through no
 * more than it allows; what a late timer costs is its lateness, once. A call whose turn (the later
 * of its slot and its place in the window) is further away than `maxWaitMs` is refused at once
 * instead of queueing without bound.
 */
import { UpstreamFailure } from './port.ts';

/** 20 ms: room for a late event loop and a LAN's jitter; caps use at 1000/1020 = 98 % of the quota. */
export const DEFAULT_WINDOW_MARGIN_MS = 20;

/** The pacer's clock: performance.now and setTimeout, or a test's fake. */
export interface PacerClock {
  now(): number;
  setTimer(run: () => void, ms: number): void;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  setTimer: (run, ms) => {
    setTimeout(run, ms);
  },
};

export interface PacerOptions {
  readonly windowMarginMs?: number | undefined;
  readonly clock?: PacerClock;
}

interface Waiter {
  readonly slot: number;
  readonly resolve: () => void;
}

export class UpstreamRatePacer {
  private readonly intervalMs: number;
  private readonly windowMs: number;
  private readonly maxWaitMs: number;
  private readonly clock: PacerClock;
  private nextSlot = -Infinity;
  /** The last `rate` actual start times, a ring: the oldest at `cursor`. */
  private readonly starts: Float64Array;
  private cursor = 0;
  private readonly queue: Waiter[] = [];
  /** When the one timer is set for; undefined when none is. */
  private timerAt: number | undefined;

  constructor(ratePerSecond: number, maxWaitMs: number, options: PacerOptions = {}) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    const margin = options.windowMarginMs ?? DEFAULT_WINDOW_MARGIN_MS;
    if (!(margin >= 0)) throw new RangeError('windowMarginMs must not be negative');
    this.intervalMs = 1000 / ratePerSecond;
    this.windowMs = 1000 + margin;
    this.maxWaitMs = maxWaitMs;
    this.clock = options.clock ?? realClock;
    // A fractional rate (0.5/s) still allows one call per window-of-a-second's share: at least 1.
    this.starts = new Float64Array(Math.max(1, Math.floor(ratePerSecond))).fill(-Infinity);
  }

  /** Resolves when this call may start; throws UpstreamFailure('unavailable') if too far off. */
  acquire(): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot);
    // The window can hold this call back further than its slot: it starts no sooner than a
    // window after the start `rate` places before it, and that one a window after its own…
    const ahead = this.queue.length;
    const size = this.starts.length;
    const windowTurn =
      (this.starts[(this.cursor + ahead) % size] ?? -Infinity) +
      this.windowMs * (Math.floor(ahead / size) + 1);
    if (Math.max(slot, windowTurn) - now > this.maxWaitMs)
      return Promise.reject(
        new UpstreamFailure('unavailable', 'upstream rate quota: too many calls waiting'),
      );
    this.nextSlot = slot + this.intervalMs;
    return new Promise<void>((resolve) => {
      this.queue.push({ slot, resolve });
      this.release();
    });
  }

  /** Starts, in order, every waiting call whose turn has come; sets the timer for the next. */
  private release(): void {
    const now = this.clock.now();
    for (;;) {
      const waiter = this.queue[0];
      if (waiter === undefined) return;
      const turn = Math.max(waiter.slot, (this.starts[this.cursor] ?? -Infinity) + this.windowMs);
      if (turn > now) {
        this.arm(turn - now);
        return;
      }
      // Check and record with nothing in between: the next waiter sees this start.
      this.starts[this.cursor] = now;
      this.cursor = (this.cursor + 1) % this.starts.length;
      this.queue.shift();
      waiter.resolve();
    }
  }

  private arm(ms: number): void {
    const at = this.clock.now() + ms;
    // One timer at a time, for the head's turn; an earlier one already set will re-arm.
    if (this.timerAt !== undefined && this.timerAt <= at) return;
    this.timerAt = at;
    this.clock.setTimer(() => {
      this.timerAt = undefined;
      this.release();
    }, ms);
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
