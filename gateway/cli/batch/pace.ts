/**
 * How fast a bulk verification may go. Two limits, both adapted while it runs:
 * - a start rate: requests begin at least 1/rate apart, so the run never exceeds the rate the
 *   gateway advertises for the client (RateLimit-Policy) or the operator's `--rate`; a 429
 *   lowers it, and every start waits out a pause after an overload;
 * - a concurrency: by Little's law, rate × latency requests in flight keep that rate busy; more
 *   only queue. It is halved when the path reports overload and grows back by one per
 *   round of successes (AIMD), and never exceeds the rows the day's quota still allows.
 */
const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

export class Pace {
  private rate: number;
  /** The ceiling: the operator's `--rate`, lowered to what the gateway advertises. */
  private ceiling: number;
  private readonly maxConcurrency: number;
  private nextStart = 0;
  private pausedUntil = 0;
  private latencyMs = 0;
  /** The AIMD cap; starts at one request in flight until answers tell latency and limits. */
  private cap = 1;
  /**
   * The smallest daily remainder any answer reported. The true remainder is this minus the
   * requests processed after that answer, all of which are still in flight (an answered one
   * would have reported less); so keeping in flight at most this many never exceeds the quota.
   */
  private remaining = Infinity;

  constructor(options: { maxRate: number; maxConcurrency: number }) {
    this.ceiling = options.maxRate;
    this.rate = options.maxRate;
    this.maxConcurrency = options.maxConcurrency;
  }

  /** How many requests may be in flight now (0 once the day's quota is spent). */
  concurrency(): number {
    const busy = Number.isFinite(this.rate)
      ? Math.ceil((this.rate * Math.max(this.latencyMs, 1) * 1.5) / 1000) + 1
      : Infinity;
    const limit = Math.max(1, Math.min(this.maxConcurrency, Math.floor(this.cap), busy));
    return Math.max(0, Math.min(limit, this.remaining));
  }

  /** Seconds until the quota day ends, as last advertised. */
  resetSeconds: number | undefined;

  get quotaSpent(): boolean {
    return this.remaining <= 0;
  }

  /** Waits for this request's turn to start. */
  async turn(): Promise<void> {
    for (;;) {
      const now = performance.now();
      const at = Math.max(now, this.nextStart, this.pausedUntil);
      if (at <= now) {
        this.nextStart = Number.isFinite(this.rate) ? now + 1000 / this.rate : now;
        return;
      }
      await sleep(at - now);
    }
  }

  /** An answer came back: learn the latency and what the gateway advertised. */
  answered(
    latencyMs: number,
    allowance: { ratePerSecond?: number; dailyRemaining?: number; resetSeconds?: number },
  ) {
    this.latencyMs = this.latencyMs === 0 ? latencyMs : this.latencyMs * 0.9 + latencyMs * 0.1;
    if (allowance.ratePerSecond !== undefined && allowance.ratePerSecond > 0) {
      this.ceiling = Math.min(this.ceiling, allowance.ratePerSecond);
      this.rate = Math.min(this.rate, this.ceiling);
    }
    if (allowance.resetSeconds !== undefined) this.resetSeconds = allowance.resetSeconds;
    if (allowance.dailyRemaining !== undefined)
      this.remaining = Math.min(this.remaining, allowance.dailyRemaining);
  }

  succeeded(): void {
    // Additive increase: about one more in flight per round of successes, and the rate back
    // towards its ceiling by a hundredth of it per success.
    this.cap = Math.min(
      this.maxConcurrency,
      this.cap + Math.max(1 / this.cap, this.cap < 4 ? 1 : 0),
    );
    if (Number.isFinite(this.ceiling))
      this.rate = Math.min(this.ceiling, this.rate + this.ceiling / 100);
  }

  /** The path is saturated or down: fewer in flight, and every start waits `pauseMs`. */
  overloaded(pauseMs: number, rateLimited: boolean): void {
    this.cap = Math.max(1, this.cap / 2);
    if (rateLimited && Number.isFinite(this.rate)) this.rate = Math.max(0.5, this.rate * 0.7);
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + pauseMs);
  }
}
