/**
 * Per-client rate limits and daily quotas, and the agency's shared Dukcapil quota. Days are
 * Dukcapil's days (`upstream.quotaTimeZone`): every daily count resets at midnight there. Counts
 * are restored at start from the audit trail (records marked `upstreamCalled`), so a restart does
 * not hand out a fresh quota.
 *
 * Its state is keyed by principal id only, never by anything a request names: a bucket exists
 * only for a configured principal with a profile, and a count only for a principal that passed
 * authentication, so the configuration bounds both (issue 19, finding 10).
 */
import {
  mayUseSharedQuota,
  sharedQuotaAvailable,
  startOfDayInZone,
  TokenBucket,
  zoneOffsetMs,
  type Admission,
} from '../../../policies/index.ts';
import { configuredPrincipal, type GerbangConfig } from '../../config/index.ts';

export type QuotaDecision =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: 'quota_exhausted' | 'upstream_quota_exhausted';
      readonly retryAfterSeconds: number;
    };

/** The calendar day of `now` in `timeZone` (YYYY-MM-DD). */
export function dayInZone(now: number, timeZone: string): string {
  return new Date(now + zoneOffsetMs(now, timeZone)).toISOString().slice(0, 10);
}

/** The calendar day after `day` (YYYY-MM-DD). */
function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + 1)).toISOString().slice(0, 10);
}

interface DayWindow {
  readonly day: string;
  readonly start: number;
  readonly end: number;
}

/** The calendar day containing `now` in `timeZone`, and its [start, end) as epoch ms. */
function dayWindow(now: number, timeZone: string): DayWindow {
  const day = dayInZone(now, timeZone);
  return {
    day,
    start: startOfDayInZone(day, timeZone),
    end: startOfDayInZone(nextDay(day), timeZone),
  };
}

const secondsLeft = (window: DayWindow, now: number): number =>
  Math.max(1, Math.ceil((window.end - now) / 1000));

/** Seconds until the next midnight in `timeZone` (at least 1). */
export function secondsUntilMidnight(now: number, timeZone: string): number {
  return secondsLeft(dayWindow(now, timeZone), now);
}

export class ClientLimits {
  private readonly config: GerbangConfig;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly reserved: Record<string, number>;
  private day = '';
  private used: Record<string, number> = {};
  private upstreamExhausted = false;
  private today: DayWindow | undefined;

  constructor(config: GerbangConfig) {
    this.config = config;
    this.reserved = Object.fromEntries(
      Object.entries(config.principals).flatMap(([id, p]) =>
        p.profile && p.profile.upstreamQuotaReserve > 0
          ? [[id, p.profile.upstreamQuotaReserve]]
          : [],
      ),
    );
  }

  /**
   * The quota day containing `now`, computed once per day: time-zone arithmetic through Intl is
   * too slow for every request (it was the largest self time in the lookup profile).
   */
  private quotaDay(now: number): DayWindow {
    const cached = this.today;
    if (cached !== undefined && now >= cached.start && now < cached.end) return cached;
    this.today = dayWindow(now, this.config.upstream.quotaTimeZone);
    return this.today;
  }

  private secondsLeftToday(now: number): number {
    return secondsLeft(this.quotaDay(now), now);
  }

  private rollOver(now: number): void {
    const today = this.quotaDay(now).day;
    if (today === this.day) return;
    this.day = today;
    this.used = {};
    this.upstreamExhausted = false;
  }

  /** Restores today's counts (from the audit trail) after a restart. */
  restore(now: number, used: Readonly<Record<string, number>>): void {
    this.rollOver(now);
    this.used = { ...used };
  }

  /** The day start (epoch ms) of the quota day containing `now`. */
  dayStart(now: number): number {
    return this.quotaDay(now).start;
  }

  /** The token bucket: may `client` make a request now? */
  checkRate(client: string, now: number): Admission {
    const profile = configuredPrincipal(this.config, client)?.profile;
    if (profile === undefined) return { ok: true };
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      bucket = new TokenBucket({ ratePerSecond: profile.ratePerSecond, burst: profile.burst }, now);
      this.buckets.set(client, bucket);
    }
    return bucket.take(now);
  }

  /** Spends one upstream call of `client`'s daily quota and of the shared Dukcapil quota. */
  consume(client: string, now: number): QuotaDecision {
    this.rollOver(now);
    const retryAfterSeconds = this.secondsLeftToday(now);
    const profile = configuredPrincipal(this.config, client)?.profile;
    const used = this.used[client] ?? 0;
    if (profile !== undefined && used >= profile.dailyQuota)
      return { ok: false, code: 'quota_exhausted', retryAfterSeconds };
    if (
      this.upstreamExhausted ||
      !mayUseSharedQuota(
        { total: this.config.upstream.dailyQuota, reserved: this.reserved, used: this.used },
        client,
      )
    ) {
      return { ok: false, code: 'upstream_quota_exhausted', retryAfterSeconds };
    }
    this.used[client] = used + 1;
    return { ok: true };
  }

  /**
   * What `client` may still do: its request rate and burst, and how many more upstream calls today
   * (its own quota and its share of the agency's, whichever is smaller). Undefined without a
   * profile.
   */
  allowance(
    client: string,
    now: number,
  ):
    | {
        ratePerSecond: number;
        burst: number;
        dailyQuota: number;
        dailyRemaining: number;
        resetSeconds: number;
      }
    | undefined {
    const profile = configuredPrincipal(this.config, client)?.profile;
    if (profile === undefined) return undefined;
    this.rollOver(now);
    const share = {
      total: this.config.upstream.dailyQuota,
      reserved: this.reserved,
      used: this.used,
    };
    const own = profile.dailyQuota - (this.used[client] ?? 0);
    const shared = this.upstreamExhausted ? 0 : sharedQuotaAvailable(share, client);
    return {
      ratePerSecond: profile.ratePerSecond,
      burst: profile.burst,
      dailyQuota: profile.dailyQuota,
      dailyRemaining: Math.max(0, Math.min(own, shared)),
      resetSeconds: this.secondsLeftToday(now),
    };
  }

  /** Dukcapil said the quota is used up: believe it until its midnight. */
  markUpstreamExhausted(now: number): void {
    this.rollOver(now);
    this.upstreamExhausted = true;
  }

  usage(now: number): {
    day: string;
    used: Readonly<Record<string, number>>;
    upstreamTotal: number;
    upstreamUsed: number;
    upstreamExhausted: boolean;
  } {
    this.rollOver(now);
    return {
      day: this.day,
      used: { ...this.used },
      upstreamTotal: this.config.upstream.dailyQuota,
      upstreamUsed: Object.values(this.used).reduce((a, b) => a + b, 0),
      upstreamExhausted: this.upstreamExhausted,
    };
  }
}
