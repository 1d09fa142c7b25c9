/**
 * A circuit breaker for the upstream: after `failureThreshold` consecutive failures it opens and
 * fails fast for `openMs`; then one probe is let through (half-open). The probe's outcome closes
 * or re-opens it. Only failures that say "the upstream is unwell" count; the client keeps one
 * breaker per method (http-client.ts).
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

  /**
   * While open, how long until a probe may go through: what a caller refused now should wait
   * (the gateway's `Retry-After`), rather than come back at once and be refused again. 0 otherwise.
   */
  msUntilProbe(): number {
    if (this.openedAt === undefined) return 0;
    return Math.max(0, this.openedAt + this.options.openMs - this.now());
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

  /**
   * The call told nothing about the upstream's health (it answered, but not readably): the count
   * stays as it was, and a half-open probe's slot is freed for the next call to probe again.
   */
  reportNeutral(): void {
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
