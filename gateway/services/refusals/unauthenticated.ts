/**
 * Requests that fail authentication (no client certificate, one the CA does not vouch for, an
 * expired, revoked or unknown one): what the gateway spends on them is bounded, because anyone
 * who can reach the port can send them (issue 19, finding 6: 535 a second from one client, each a
 * permanent 680-byte record, filled the audit disk in a day).
 *
 * - **Coalesced.** Each is a security event through CoalescedRefusals: per address, reason and
 *   minute, the first recorded at once and the rest as one record with their count; at most
 *   `maxSourcesPerMinute` (address, reason) pairs a minute, the rest in one overflow count. The
 *   trail grows by a constant a minute at most, whatever the flood.
 * - **Rate-limited per address, before any per-request work.** A small token bucket per source
 *   address (`ratePerSecond`, `burst`; at most `maxAddresses` held, the least recently seen
 *   forgotten first). A refusal spends a token; while an address has none left, a request that
 *   is certain to fail — no verified certificate, or one refused in the last window for a reason
 *   bound to the certificate (revoked, unknown principal) — is answered at once with the same
 *   coded refusal, without a log line, a revocation check or an audit record of its own (it is
 *   still counted in its window's record). Requests with any other certificate are never held:
 *   an app sharing the address with the flood keeps being served and audited one record each.
 */
import { LruMap, TokenBucket } from '../../../policies/index.ts';
import {
  CoalescedRefusals,
  DEFAULT_WINDOW_MS,
  type FirstRecordFields,
  type RefusalKind,
} from './coalesced-refusals.ts';
import type { AuditTrail } from '../../../audit/index.ts';

export interface UnauthenticatedSettings {
  /** Refusals per second an address may earn before further ones are answered without work. */
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Addresses whose token buckets are held at most, the least recently seen forgotten first. */
  readonly maxAddresses: number;
  /** (address, reason) pairs recorded apart per minute; beyond, one overflow count per event. */
  readonly maxSourcesPerMinute: number;
}

/** A refusal as the client sees it and the trail records it. */
export interface KnownRefusal extends RefusalKind {
  /** The client's message, as the full path gives it. */
  readonly message: string;
}

export class UnauthenticatedRequests {
  private readonly throttle: LruMap<string, TokenBucket>;
  private readonly refusedCertificates: LruMap<string, { refusal: KnownRefusal; at: number }>;
  private readonly coalesced: CoalescedRefusals;
  private readonly settings: UnauthenticatedSettings;
  private readonly monotonic: () => number;
  private readonly windowMs: number;
  private answeredWithoutWork = 0;

  constructor(options: {
    readonly trail: AuditTrail;
    readonly settings: UnauthenticatedSettings;
    readonly monotonic: () => number;
    readonly windowMs?: number;
    readonly onAppendFailed?: (error: unknown) => void;
  }) {
    const { settings, monotonic } = options;
    this.settings = settings;
    this.monotonic = monotonic;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.throttle = new LruMap(settings.maxAddresses);
    this.refusedCertificates = new LruMap(settings.maxAddresses);
    this.coalesced = new CoalescedRefusals({
      trail: options.trail,
      windowMs: this.windowMs,
      maxSources: settings.maxSourcesPerMinute,
      monotonic,
      ...(options.onAppendFailed ? { onAppendFailed: options.onAppendFailed } : {}),
    });
  }

  /** For /metrics: refusals seen, those answered without work, addresses held. */
  stats(): { refused: number; answeredWithoutWork: number; trackedAddresses: number } {
    return {
      refused: this.coalesced.refusals,
      answeredWithoutWork: this.answeredWithoutWork,
      trackedAddresses: this.throttle.size,
    };
  }

  /** Spends a token of `address`; false when it has none left (answer without work). */
  admit(address: string | undefined): boolean {
    const key = address ?? '?';
    const now = this.monotonic();
    let bucket = this.throttle.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(
        { ratePerSecond: this.settings.ratePerSecond, burst: this.settings.burst },
        now,
      );
      this.throttle.set(key, bucket);
    }
    return bucket.take(now).ok;
  }

  /** Records (coalesced) a refusal that went through the whole check. */
  refused(
    address: string | undefined,
    refusal: RefusalKind,
    first: FirstRecordFields,
  ): Promise<void> | undefined {
    return this.coalesced.record(address, refusal, first);
  }

  /** Counts (coalesced) a refusal answered without work. */
  refusedWithoutWork(
    address: string | undefined,
    refusal: RefusalKind,
    first: FirstRecordFields,
  ): void {
    this.answeredWithoutWork++;
    void this.coalesced.record(address, refusal, first);
  }

  /**
   * Remembers, for one window, that the certificate with this fingerprint was refused for a
   * reason bound to it (revoked, unknown principal): repeats can be answered without work.
   */
  rememberRefusedCertificate(fingerprint: string, refusal: KnownRefusal): void {
    this.refusedCertificates.set(fingerprint, { refusal, at: this.monotonic() });
  }

  /** The refusal this certificate got within the last window, if any. */
  refusalOfCertificate(fingerprint: string): KnownRefusal | undefined {
    const known = this.refusedCertificates.peek(fingerprint);
    if (known === undefined) return undefined;
    if (this.monotonic() - known.at < this.windowMs) return known.refusal;
    this.refusedCertificates.delete(fingerprint);
    return undefined;
  }

  /** Ends the current window now: its counts are written (tests, and stop). */
  flush(): void {
    this.coalesced.flush();
  }

  /** Starts the window timer (a server job). */
  start(): void {
    this.coalesced.start();
  }

  /** Writes the current window's counts and stops the timer. */
  stop(): void {
    this.coalesced.stop();
  }
}
