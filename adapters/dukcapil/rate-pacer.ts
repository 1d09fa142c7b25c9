/**
 * The agency's Dukcapil rate quota (calls per second). Two rules decide when a call may start:
 *
 * - the schedule: start slots 1/rate apart on an absolute clock, so that a late timer does not
 *   lose throughput (the next slot is already due);
 * - the hard guarantee: a call starts only if, with it, no window of a second plus a margin
 *   (`windowMarginMs`) holds more than `rate` calls, so no second, however it is sliced, holds
 *   more calls than the quota. The margin is for what happens after a request leaves: calls that
 *   left a second apart can arrive closer together (network jitter, a late event loop at the
 *   receiver).
 *
 * A start counts from when its request **left**, not when the pacer let it go: the caller says so
 * (`PacedStart.sent`). Between the two lies the HTTP client's own queue — undici writes a request
 * on a reused connection only in the event loop's check phase — and on a busy loop that is tens
 * of ms, more for some calls than others, enough to crowd a second that the pacer's grants kept
 * apart (measured: docs/performance.md). Until a granted call has left, the pacer counts it as
 * leaving now; a call that ends unsent counts as having left when it ended. Both err on the side
 * of the quota.
 *
 * Waiting calls queue in order behind one timer, set for the head's turn. When the timer fires
 * late, every call whose turn has come starts in that tick, and the window check lets through no
 * more than it allows; what a late timer costs is its lateness, once. A call whose turn (the later
 * of its slot and its place in the window) is further away than `maxWaitMs` is refused at once
 * instead of queueing without bound, and a queued call whose turn is then held back past that
 * wait (by calls let go before it that have not left) is refused when that is known.
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

/** A call the pacer let go: say when its request left, and when the call is over. */
export interface PacedStart {
  /** The request was written (again, for a retry): the start counts from now. */
  readonly sent: () => void;
  /** The call is over; one that never left counts as having left now. */
  readonly end: () => void;
}

interface Waiter {
  readonly slot: number;
  /** Refused once its turn is known to come later than this: the wait allowed has passed. */
  readonly deadline: number;
  readonly resolve: (start: PacedStart) => void;
  readonly reject: (failure: UpstreamFailure) => void;
}

export class UpstreamRatePacer {
  private readonly quota: number;
  private readonly intervalMs: number;
  private readonly windowMs: number;
  private readonly maxWaitMs: number;
  private readonly clock: PacerClock;
  private nextSlot = -Infinity;
  /** When calls left, in order: those before `head` are out of the window (or about to be). */
  private left: number[] = [];
  private head = 0;
  /** Calls let go that have neither left nor ended: each counts as leaving now. */
  private unsent = 0;
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
    this.quota = Math.max(1, Math.floor(ratePerSecond));
  }

  /**
   * Resolves when this call may start, with the handle to report when it left and ended; throws
   * UpstreamFailure('unavailable') if its turn is too far off.
   */
  acquire(): Promise<PacedStart> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot);
    // The window can hold this call back further than its slot: it starts once enough of the
    // calls in the window (those left, those about to, those queued ahead) have aged out of it.
    const windowTurn = this.turnInWindow(now, this.queue.length);
    if (Math.max(slot, windowTurn) - now > this.maxWaitMs)
      return Promise.reject(
        new UpstreamFailure('unavailable', 'upstream rate quota: too many calls waiting'),
      );
    this.nextSlot = slot + this.intervalMs;
    return new Promise<PacedStart>((resolve, reject) => {
      this.queue.push({ slot, deadline: now + this.maxWaitMs, resolve, reject });
      this.release();
    });
  }

  /**
   * The earliest time the window lets one more call go with `ahead` let go before it. Count the
   * window's members in order: the calls left (their times known), then those not yet left and
   * those queued ahead (leaving now at the earliest). Member n leaves no sooner than a window
   * after member n − quota, nor before now: T[n] = max(now, T[n − quota] + window). Followed back
   * to the first member already left, that is a lower bound: no call that could go in time is
   * refused, and one let queue is not promised a turn sooner than it can come.
   */
  private turnInWindow(now: number, ahead: number): number {
    this.forget(now);
    const inWindow = this.left.length - this.head;
    const n = inWindow + this.unsent + ahead;
    if (n < this.quota) return -Infinity;
    const hops = Math.floor((n - inWindow) / this.quota) + 1;
    const root = n - hops * this.quota;
    const base =
      root < 0 ? now : Math.max(now, (this.left[this.head + root] ?? now) + this.windowMs);
    return base + (hops - 1) * this.windowMs;
  }

  /** Drops the leaving times a window old: they no longer count. */
  private forget(now: number): void {
    const left = this.left;
    while (this.head < left.length && (left[this.head] ?? now) <= now - this.windowMs) this.head++;
    if (this.head > 4096) {
      this.left = left.slice(this.head);
      this.head = 0;
    }
  }

  /** A call let go: unsent until it says it left or ended (rate-pacer.ts's header). */
  private grant(): PacedStart {
    this.unsent++;
    let state: 'unsent' | 'left' | 'over' = 'unsent';
    const leave = () => {
      this.left.push(this.clock.now());
      if (state === 'unsent') this.unsent--;
    };
    return {
      sent: () => {
        if (state === 'over') return;
        // A retry leaves again: both count, as both may have reached Dukcapil.
        leave();
        state = 'left';
      },
      // No release here: a waiter held by unsent calls has a timer for the earliest they could
      // let it go (a window from when it looked), and looks again then.
      end: () => {
        if (state === 'unsent') leave();
        state = 'over';
      },
    };
  }

  /** Starts, in order, every waiting call whose turn has come; sets the timer for the next. */
  private release(): void {
    const now = this.clock.now();
    for (;;) {
      const waiter = this.queue[0];
      if (waiter === undefined) return;
      const turn = Math.max(waiter.slot, this.turnInWindow(now, 0));
      // Held longer than it may wait (calls let go before it have not left, or left late).
      if (turn > waiter.deadline) {
        this.queue.shift();
        waiter.reject(
          new UpstreamFailure(
            'unavailable',
            'upstream rate quota: no turn within the wait allowed',
          ),
        );
        continue;
      }
      if (turn > now) {
        this.arm(turn - now);
        return;
      }
      // Check and record with nothing in between: the next waiter sees this call as unsent.
      this.queue.shift();
      waiter.resolve(this.grant());
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
