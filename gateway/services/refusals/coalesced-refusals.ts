/**
 * Refusals of callers nobody has authenticated, as security events, coalesced: the first refusal
 * of a kind (event and reason) from an address in a window is recorded at once, the rest of that
 * window as one `<event>_repeated` record with their count, written when the window ends (or the
 * gateway stops). At most `maxSources` (address, kind) pairs are told apart in a window; beyond
 * them every refusal of an event shares one overflow entry. A flood is then a bounded number of
 * records a minute, whatever its rate or its number of addresses — it cannot fill the trail's
 * disk (a full disk is 503 for every data request) — and an officer still sees who, why and how
 * often. Used for failed TLS handshakes (gateway/server/handshake-failures.ts) and for requests
 * that fail authentication (gateway/http/middleware/security-events.ts).
 */
import type { AuditEvent, AuditTrail } from '../../../audit/index.ts';

export interface CoalescingOptions {
  readonly trail: AuditTrail;
  /** The window: refusals of a kind from an address in it become at most two records. */
  readonly windowMs?: number;
  /** (address, kind) pairs told apart per window; beyond, one overflow entry per event. */
  readonly maxSources?: number;
  /** Monotonic milliseconds: a window that ended without the timer (no job) rolls over on use. */
  readonly monotonic?: () => number;
  /** Told when a record could not be written (the refusal stands either way). */
  readonly onAppendFailed?: (error: unknown) => void;
}

/** What was refused: the record's event, its catalogue code and the reason, a constant phrase. */
export interface RefusalKind {
  readonly event: string;
  readonly errorCode: string;
  readonly reason: string;
}

/** What only the first record of a window carries: the request id, the route. */
export interface FirstRecordFields {
  readonly requestId?: string | undefined;
  readonly detail?: Readonly<Record<string, string | number>>;
}

interface Entry {
  readonly address: string | undefined;
  readonly kind: RefusalKind;
  repeats: number;
}

export const DEFAULT_WINDOW_MS = 60_000;

/**
 * The most records the coalescer writes per window: one first and one count per pair told apart,
 * one count per event beyond them.
 */
export function recordsPerWindowAtMost(maxSources: number, events: number): number {
  return 2 * maxSources + events;
}

export class CoalescedRefusals {
  private entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private windowStarted: number;
  private readonly trail: AuditTrail;
  private readonly windowMs: number;
  private readonly maxSources: number;
  private readonly monotonic: () => number;
  private readonly onAppendFailed: (error: unknown) => void;
  private counted = 0;

  constructor(options: CoalescingOptions) {
    this.trail = options.trail;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.maxSources = options.maxSources ?? 1024;
    if (!(this.windowMs > 0) || !(this.maxSources >= 1))
      throw new RangeError('coalescing needs a positive window and at least one source');
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.onAppendFailed = options.onAppendFailed ?? (() => undefined);
    this.windowStarted = this.monotonic();
  }

  /** Refusals seen since start, recorded at once or counted. */
  get refusals(): number {
    return this.counted;
  }

  /** Starts the window timer: each window's repeats are written at its end. */
  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.flush();
    }, this.windowMs);
    this.timer.unref();
  }

  /**
   * Counts one refusal. The first of its kind from `address` in this window is appended at once
   * (the promise settles when it is durable); a repeat is only counted.
   */
  record(
    address: string | undefined,
    kind: RefusalKind,
    first: FirstRecordFields = {},
  ): Promise<void> | undefined {
    this.counted++;
    if (this.monotonic() - this.windowStarted >= this.windowMs) this.flush();
    const key = `${address ?? '?'} ${kind.event} ${kind.reason}`;
    const entry =
      this.entries.get(key) ??
      (this.entries.size >= this.maxSources ? this.overflowEntry(kind) : undefined);
    if (entry !== undefined) {
      entry.repeats++;
      return undefined;
    }
    this.entries.set(key, { address, kind, repeats: 0 });
    return this.append({
      type: 'security',
      event: kind.event,
      ...(first.requestId === undefined ? {} : { requestId: first.requestId }),
      outcome: 'denied',
      errorCode: kind.errorCode,
      ...(address === undefined ? {} : { sourceAddress: address }),
      detail: { ...first.detail, reason: kind.reason },
    });
  }

  /** Writes one record per kind that repeated in the window, and starts a new window. */
  flush(): void {
    const repeated = [...this.entries.values()].filter((entry) => entry.repeats > 0);
    this.entries = new Map();
    this.windowStarted = this.monotonic();
    for (const { address, kind, repeats } of repeated)
      void this.append({
        type: 'security',
        event: `${kind.event}_repeated`,
        outcome: 'denied',
        errorCode: kind.errorCode,
        ...(address === undefined ? {} : { sourceAddress: address }),
        detail: { reason: kind.reason, count: repeats, windowSeconds: this.windowMs / 1000 },
      });
  }

  /** Stops the window timer; the counts of the current window are written first. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }

  /** Refusals from pairs beyond maxSources are only counted, under one entry per event. */
  private overflowEntry(kind: RefusalKind): Entry {
    const key = `overflow ${kind.event}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { address: undefined, kind: { ...kind, reason: 'many' }, repeats: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private append(event: AuditEvent): Promise<void> {
    // Best effort: the caller is refused either way, and a failing trail shows in /readyz.
    return this.trail.append(event).catch((error: unknown) => {
      this.onAppendFailed(error);
    });
  }
}
