/**
 * Per-client rate limits and daily quotas, and the agency's Dukcapil quota of each upstream (one
 * per configured upstream, counted by its name: a city Disdukcapil's quota is not the Ditjen's).
 * Days are
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
import {
  configuredPrincipal,
  DEFAULT_UPSTREAM,
  upstreamNamed,
  upstreamReservations,
  type GerbangConfig,
} from '../../config/index.ts';

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

export interface DayWindow {
  readonly day: string;
  readonly start: number;
  readonly end: number;
}

/** The calendar day containing `now` in `timeZone`, and its [start, end) as epoch ms. */
export function dayWindow(now: number, timeZone: string): DayWindow {
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

/** Today's calls of one upstream, per client, and whether it said its quota is spent. */
interface UpstreamDay {
  used: Record<string, number>;
  exhausted: boolean;
}

export class ClientLimits {
  private readonly config: GerbangConfig;
  private readonly buckets = new Map<string, TokenBucket>();
  /** Each upstream's reservations (client → units), from the configuration. */
  private readonly reserved: Record<string, Record<string, number>>;
  private day = '';
  /** By upstream name; created on first use, and only for a configured upstream. */
  private upstreamDays = new Map<string, UpstreamDay>();
  private today: DayWindow | undefined;

  constructor(config: GerbangConfig) {
    this.config = config;
    this.reserved = upstreamReservations(config);
  }

  /**
   * The quota day containing `now`, computed once per day: time-zone arithmetic through Intl is
   * too slow for every request (it was the largest self time in the lookup profile). One day
   * for every upstream: the configuration requires them to share `quotaTimeZone`.
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
    this.upstreamDays = new Map();
  }

  private upstreamDay(name: string): UpstreamDay {
    let day = this.upstreamDays.get(name);
    if (day === undefined) {
      day = { used: {}, exhausted: false };
      this.upstreamDays.set(name, day);
    }
    return day;
  }

  /** What `client` spent today on every upstream together (its own daily quota). */
  private usedBy(client: string): number {
    let sum = 0;
    for (const day of this.upstreamDays.values()) sum += day.used[client] ?? 0;
    return sum;
  }

  /**
   * Restores today's counts (from the audit trail) after a restart: per upstream when the trail
   * says which one, otherwise (`used` alone, or records older than upstream names) `default`'s.
   */
  restore(
    now: number,
    used: Readonly<Record<string, number>>,
    byUpstream?: Readonly<Record<string, Readonly<Record<string, number>>>>,
  ): void {
    this.rollOver(now);
    this.upstreamDays = new Map();
    for (const [name, counts] of Object.entries(byUpstream ?? { [DEFAULT_UPSTREAM]: used }))
      this.upstreamDay(name).used = { ...counts };
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

  /** The share state of `upstream`'s quota; undefined for a name not configured. */
  private share(upstream: string) {
    const settings = upstreamNamed(this.config, upstream);
    if (settings === undefined) return undefined;
    const day = this.upstreamDay(upstream);
    return {
      day,
      state: {
        total: settings.dailyQuota,
        reserved: this.reserved[upstream] ?? {},
        used: day.used,
      },
    };
  }

  /**
   * Spends one upstream call of `client`'s daily quota and of `upstream`'s Dukcapil quota. An
   * upstream that is not configured has no quota to spend (fail closed).
   */
  consume(client: string, now: number, upstream: string = DEFAULT_UPSTREAM): QuotaDecision {
    this.rollOver(now);
    const retryAfterSeconds = this.secondsLeftToday(now);
    const profile = configuredPrincipal(this.config, client)?.profile;
    if (profile !== undefined && this.usedBy(client) >= profile.dailyQuota)
      return { ok: false, code: 'quota_exhausted', retryAfterSeconds };
    const share = this.share(upstream);
    if (share === undefined || share.day.exhausted || !mayUseSharedQuota(share.state, client))
      return { ok: false, code: 'upstream_quota_exhausted', retryAfterSeconds };
    share.day.used[client] = (share.day.used[client] ?? 0) + 1;
    return { ok: true };
  }

  /**
   * What `client` may still do: its request rate and burst, and how many more upstream calls today
   * (its own quota and its share of `upstream`'s, whichever is smaller). Undefined without a
   * profile.
   */
  allowance(
    client: string,
    now: number,
    upstream: string = DEFAULT_UPSTREAM,
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
    const own = profile.dailyQuota - this.usedBy(client);
    const share = this.share(upstream);
    const shared =
      share === undefined || share.day.exhausted ? 0 : sharedQuotaAvailable(share.state, client);
    return {
      ratePerSecond: profile.ratePerSecond,
      burst: profile.burst,
      dailyQuota: profile.dailyQuota,
      dailyRemaining: Math.max(0, Math.min(own, shared)),
      resetSeconds: this.secondsLeftToday(now),
    };
  }

  /** `upstream` said its quota is used up: believe it until its midnight. */
  markUpstreamExhausted(now: number, upstream: string = DEFAULT_UPSTREAM): void {
    this.rollOver(now);
    if (upstreamNamed(this.config, upstream) !== undefined)
      this.upstreamDay(upstream).exhausted = true;
  }

  /**
   * Today's counts: per client over every upstream (`used`), `default`'s quota in the fields it
   * always had, and each upstream's under `upstreams`.
   */
  usage(now: number): {
    day: string;
    used: Readonly<Record<string, number>>;
    upstreamTotal: number;
    upstreamUsed: number;
    upstreamExhausted: boolean;
    upstreams: Readonly<Record<string, { total: number; used: number; exhausted: boolean }>>;
  } {
    this.rollOver(now);
    const used: Record<string, number> = {};
    for (const day of this.upstreamDays.values())
      for (const [client, calls] of Object.entries(day.used))
        used[client] = (used[client] ?? 0) + calls;
    const upstreams: Record<string, { total: number; used: number; exhausted: boolean }> = {};
    for (const [name, settings] of [
      [DEFAULT_UPSTREAM, this.config.upstream] as const,
      ...Object.entries(this.config.upstreams ?? {}),
    ]) {
      const day = this.upstreamDays.get(name);
      upstreams[name] = {
        total: settings.dailyQuota,
        used: Object.values(day?.used ?? {}).reduce((a, b) => a + b, 0),
        exhausted: day?.exhausted ?? false,
      };
    }
    const fallback = { total: this.config.upstream.dailyQuota, used: 0, exhausted: false };
    const byDefault = upstreams[DEFAULT_UPSTREAM] ?? fallback;
    return {
      day: this.day,
      used,
      upstreamTotal: byDefault.total,
      upstreamUsed: byDefault.used,
      upstreamExhausted: byDefault.exhausted,
      upstreams,
    };
  }
}
