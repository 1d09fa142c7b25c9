/**
 * How often one client may verify claims about one resident: a handful of distinct sets of claims
 * per day (`verification.attemptsPerResidentPerDay`), whatever operator id the client asserts.
 *
 * Why: a verdict is one bit, but many verdicts about one resident add up to their data — with a
 * threshold and a score of its choosing a cashier app rebuilt a full name in 266 requests, and even
 * match/no-match alone answers "is the name X?" as often as it is asked (issue 19, finding 9). An
 * honest client checks what it holds once, or a few times after correcting a typo; more than that
 * about the same person on the same day is a search, and it is refused (`429 verification_limit`)
 * and the security officer alerted, once per client, resident and day.
 *
 * The key is the client's id and the NIK's audit subject (its HMAC, audit/subject.ts), never the
 * NIK, and never the operator: operator ids are the client's to choose, so rotating them must not
 * buy attempts. A set of claims asked again (a retry after a timeout, the batch client resuming)
 * costs nothing: it is recognised by a keyed fingerprint (a per-process random key, so nothing
 * derived from a claim outlives the process) and teaches the client nothing new.
 *
 * The state is bounded: at most `maxTrackedResidents` pairs, the least recently used evicted
 * first, everything dropped at midnight (Dukcapil's day, as the quotas). An eviction of a pair
 * that had spent attempts would hand them back, so it raises an alert (once per cooldown) telling
 * the officer to raise the cap. Counts survive a restart: `restore` reads today's verify records,
 * which carry the count.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { AuditLogReader, AuditTrail } from '../../../audit/index.ts';
import { startOfDayInZone } from '../../../policies/index.ts';
import { dayWindow, secondsUntilMidnight, type DayWindow } from '../clients/limits.ts';

export interface VerificationAttemptSettings {
  /** Distinct sets of claims one client may try about one resident per day. */
  readonly attemptsPerResidentPerDay: number;
  /** (client, resident) pairs held at most; beyond it the least recently used is evicted. */
  readonly maxTrackedResidents: number;
  /** The zone whose midnight starts a new day. */
  readonly timeZone: string;
  /** At most one eviction alert per this long. */
  readonly alertCooldownMs: number;
}

export interface VerificationRequest {
  readonly client: string;
  readonly operator: string;
  /** The NIK's audit subject (HMAC), never the NIK. */
  readonly subject: string;
  readonly claims: Readonly<Record<string, string>>;
  readonly now: number;
}

export type AttemptDecision =
  | {
      readonly ok: true;
      /** Distinct sets of claims tried today by this client about this resident, this one included. */
      readonly attempts: number;
      readonly limit: number;
      /** The same claims as an earlier attempt today: not counted again. */
      readonly repeated: boolean;
    }
  | {
      readonly ok: false;
      readonly attempts: number;
      readonly limit: number;
      readonly retryAfterSeconds: number;
    };

/** One (client, resident) pair today. */
interface Tally {
  /** Attempts admitted (at most the limit). */
  admitted: number;
  /** Distinct attempts refused after the limit. */
  refused: number;
  /** Fingerprints of the admitted claim sets (fewer than `admitted` after a restore). */
  readonly fingerprints: string[];
  /** Distinct operator ids of the admitted attempts (the alert says how many were used). */
  readonly operators: string[];
  alerted: boolean;
}

/** Hex digits of the subject kept in the key: 128 bits, no collision in practice. */
const SUBJECT_KEY_DIGITS = 32;
/** Bytes of a claims fingerprint: 64 bits under a secret key. */
const FINGERPRINT_BYTES = 8;
/** Today's verify records read per page by `restore`. */
const RESTORE_PAGE = 500;

export class VerificationAttempts {
  private readonly settings: VerificationAttemptSettings;
  private readonly audit: AuditTrail;
  private readonly fingerprintKey = randomBytes(32);
  /** Insertion order is recency: a touched pair is moved to the end. */
  private readonly tallies = new Map<string, Tally>();
  private day = '';
  private window: DayWindow | undefined;
  private evictedSinceAlert = 0;
  private lastEvictionAlert = -Infinity;

  constructor(settings: VerificationAttemptSettings, audit: AuditTrail) {
    this.settings = settings;
    this.audit = audit;
  }

  /** Pairs held now (for tests and metrics). */
  get size(): number {
    return this.tallies.size;
  }

  /**
   * Counts this verification, or refuses it when the client has spent today's attempts on this
   * resident. A refusal alerts the officer the first time it happens for the pair today.
   */
  admit(request: VerificationRequest): AttemptDecision {
    this.rollOver(request.now);
    const limit = this.settings.attemptsPerResidentPerDay;
    const key = this.keyOf(request.client, request.subject);
    const tally = this.touch(key, request.now);
    const fingerprint = this.fingerprint(request.claims);
    if (tally.fingerprints.includes(fingerprint))
      return { ok: true, attempts: tally.admitted + tally.refused, limit, repeated: true };
    if (tally.admitted < limit) {
      tally.admitted++;
      tally.fingerprints.push(fingerprint);
      if (!tally.operators.includes(request.operator)) tally.operators.push(request.operator);
      return { ok: true, attempts: tally.admitted + tally.refused, limit, repeated: false };
    }
    tally.refused++;
    const attempts = tally.admitted + tally.refused;
    if (!tally.alerted) {
      tally.alerted = true;
      this.alert(
        {
          rule: 'verification_limit',
          client: request.client,
          attempts,
          limit,
          operators: tally.operators.length + (tally.operators.includes(request.operator) ? 0 : 1),
        },
        request.operator,
        request.subject,
      );
    }
    return {
      ok: false,
      attempts,
      limit,
      retryAfterSeconds: secondsUntilMidnight(request.now, this.settings.timeZone),
    };
  }

  /**
   * Today's counts from the trail, so that a restart hands out no fresh attempts: each verify
   * record carries `detail.attempts`; the highest per pair is what was spent (its fingerprints
   * are not known, so a repeat after a restart counts anew).
   */
  restore(trail: Pick<AuditLogReader, 'query'>, now: number): void {
    this.rollOver(now);
    const from = new Date(startOfDayInZone(this.day, this.settings.timeZone)).toISOString();
    let after: number | undefined;
    for (;;) {
      const page = trail.query({
        type: 'verify',
        from,
        limit: RESTORE_PAGE,
        ...(after === undefined ? {} : { after }),
      });
      for (const record of page.items) {
        const attempts = record.detail?.['attempts'];
        const client = record.principal?.id;
        if (typeof attempts !== 'number' || client === undefined || record.subject === undefined)
          continue;
        const tally = this.touch(this.keyOf(client, record.subject), now);
        const limit = this.settings.attemptsPerResidentPerDay;
        tally.admitted = Math.max(tally.admitted, Math.min(attempts, limit));
        tally.refused = Math.max(tally.refused, attempts - tally.admitted);
        if (record.errorCode === 'verification_limit') tally.alerted = true;
      }
      if (page.next === null) return;
      after = page.next;
    }
  }

  /**
   * The key is one fresh flat string: a slice or a concatenation would keep the whole 64-digit
   * subject (or the pieces) alive, and the pair's memory with it.
   */
  private keyOf(client: string, subject: string): string {
    return Buffer.from(`${client}\u0000${subject.slice(0, SUBJECT_KEY_DIGITS)}`, 'utf8').toString(
      'utf8',
    );
  }

  /** A keyed digest of the claims, independent of their order in the request. */
  private fingerprint(claims: Readonly<Record<string, string>>): string {
    const canonical = JSON.stringify(Object.entries(claims).sort(([a], [b]) => (a < b ? -1 : 1)));
    return createHmac('sha256', this.fingerprintKey)
      .update(canonical, 'utf8')
      .digest()
      .subarray(0, FINGERPRINT_BYTES)
      .toString('base64');
  }

  /** A new day starts with nothing spent. */
  private rollOver(now: number): void {
    // Within the current day nothing changes: the day's bounds are computed once per day, since
    // time-zone arithmetic through Intl is too slow for every request.
    const current = this.window;
    if (current !== undefined && now >= current.start && now < current.end) return;
    const window = dayWindow(now, this.settings.timeZone);
    this.window = window;
    if (window.day === this.day) return;
    this.day = window.day;
    this.tallies.clear();
  }

  /** The pair's tally, made the most recently used; a new one may evict the least recent. */
  private touch(key: string, now: number): Tally {
    const existing = this.tallies.get(key);
    if (existing !== undefined) {
      this.tallies.delete(key);
      this.tallies.set(key, existing);
      return existing;
    }
    const tally: Tally = {
      admitted: 0,
      refused: 0,
      fingerprints: [],
      operators: [],
      alerted: false,
    };
    this.tallies.set(key, tally);
    while (this.tallies.size > this.settings.maxTrackedResidents) this.evictOldest(now);
    return tally;
  }

  private evictOldest(now: number): void {
    const oldest = this.tallies.entries().next();
    if (oldest.done === true) return;
    const [key, tally] = oldest.value;
    this.tallies.delete(key);
    // A pair with one attempt loses nothing worth an alert; one with more got attempts back.
    if (tally.admitted + tally.refused < 2) return;
    this.evictedSinceAlert++;
    if (now - this.lastEvictionAlert < this.settings.alertCooldownMs) return;
    this.lastEvictionAlert = now;
    this.alert({
      rule: 'verification_tracking_evicted',
      evicted: this.evictedSinceAlert,
      maxTrackedResidents: this.settings.maxTrackedResidents,
    });
    this.evictedSinceAlert = 0;
  }

  /** The alert path every alert takes: a `security`/`alert` record (GET /v1/alerts, the SIEM). */
  private alert(
    detail: Readonly<Record<string, string | number>>,
    operator?: string,
    subject?: string,
  ): void {
    void this.audit
      .append({
        type: 'security',
        event: 'alert',
        outcome: 'alert',
        ...(operator === undefined ? {} : { operator }),
        ...(subject === undefined ? {} : { subject }),
        detail,
      })
      .catch(() => undefined);
  }
}
