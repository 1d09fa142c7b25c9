/**
 * A circuit breaker for the upstream: after `failureThreshold` consecutive failures it opens and
 * fails fast for `openMs`; then one probe is let through (half-open). The probe's outcome closes
 * or re-opens it. Only failures that say "the upstream is unwell" count.
 */
export interface BreakerOptions {
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly now?: () => number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | undefined;
  private probeInFlight = false;
  private readonly now: () => number;
  private readonly options: BreakerOptions;

  constructor(options: BreakerOptions) {
    this.options = options;
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) {
      throw new RangeError('failureThreshold must be a positive integer');
    }
    if (!(options.openMs > 0)) throw new RangeError('openMs must be positive');
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.openMs ? 'half_open' : 'open';
  }

  /** Asks to make a call. False means fail fast. A true answer must be followed by a report. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  reportSuccess(): void {
    this.consecutiveFailures = 0;
    this.openedAt = undefined;
    this.probeInFlight = false;
  }

  reportFailure(): void {
    this.consecutiveFailures++;
    if (this.probeInFlight || this.consecutiveFailures >= this.options.failureThreshold) {
      this.openedAt = this.now();
    }
    this.probeInFlight = false;
  }
}
