/**
 * Per-client limits: a token bucket for the rate and a counter for the daily quota. Pure: the
 * caller supplies the time. `retryAfterSeconds` is what a client should put in its scheduler:
 * the whole seconds until the request would be admitted (at least 1).
 */
export interface BucketSettings {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export type Admission =
  { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly settings: BucketSettings;

  constructor(settings: BucketSettings, now: number) {
    if (!(settings.ratePerSecond > 0) || !(settings.burst >= 1))
      throw new RangeError('a token bucket needs a positive rate and a burst of at least 1');
    this.settings = settings;
    this.tokens = settings.burst;
    this.updatedAt = now;
  }

  take(now: number): Admission {
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(
      this.settings.burst,
      this.tokens + elapsedSeconds * this.settings.ratePerSecond,
    );
    this.updatedAt = Math.max(now, this.updatedAt);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    const waitSeconds = (1 - this.tokens) / this.settings.ratePerSecond;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}

/**
 * The Dukcapil quota is shared by every client of the agency. Each client may have a reserved
 * share; the rest is a common pool. A client draws on its reservation first, then on the pool,
 * so a batch job cannot starve the service counters.
 */
export interface QuotaShareState {
  readonly total: number;
  /** Reserved units per client. */
  readonly reserved: Readonly<Record<string, number>>;
  /** Units used today per client (reserved and pooled together). */
  readonly used: Readonly<Record<string, number>>;
}

/** Units each client used beyond its reservation: what it took from the pool. */
export function poolUsed(state: QuotaShareState): number {
  return Object.entries(state.used).reduce(
    (sum, [client, used]) => sum + Math.max(0, used - (state.reserved[client] ?? 0)),
    0,
  );
}

export function poolSize(state: QuotaShareState): number {
  return Math.max(
    0,
    state.total - Object.values(state.reserved).reduce((sum, units) => sum + units, 0),
  );
}

/** How many more units of the shared quota `client` may spend: its reservation left, then the pool. */
export function sharedQuotaAvailable(state: QuotaShareState, client: string): number {
  const reservationLeft = Math.max(0, (state.reserved[client] ?? 0) - (state.used[client] ?? 0));
  return reservationLeft + Math.max(0, poolSize(state) - poolUsed(state));
}

/** May `client` spend one more unit of the shared quota? */
export function mayUseSharedQuota(state: QuotaShareState, client: string): boolean {
  const used = state.used[client] ?? 0;
  if (used < (state.reserved[client] ?? 0)) return true;
  return poolUsed(state) < poolSize(state);
}
