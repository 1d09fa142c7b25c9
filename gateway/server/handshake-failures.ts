/**
 * Failed TLS handshakes as security events, coalesced: the first failure of a kind from an
 * address in a minute is recorded at once, the rest of that minute as one record with a count.
 * A flood of broken handshakes is then a handful of records a minute, not one per connection: it
 * cannot fill the trail's disk, and an officer still sees who, why and how often.
 */
import type { AuditTrail } from '../../audit/index.ts';

/** Distinct (address, reason) pairs tracked per window; beyond, they share one overflow entry. */
const MAX_KEYS = 1024;
const OVERFLOW = 'overflow';

interface Entry {
  readonly address: string | undefined;
  readonly reason: string;
  suppressed: number;
}

export class HandshakeFailureAudit {
  private counts = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private readonly trail: AuditTrail;
  private readonly windowMs: number;

  constructor(trail: AuditTrail, windowMs = 60_000) {
    this.trail = trail;
    this.windowMs = windowMs;
  }

  /** Starts the window timer: each window's repeats are written at its end. */
  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.flush();
    }, this.windowMs);
    this.timer.unref();
  }

  record(address: string | undefined, reason: string): void {
    const key = `${address ?? '?'} ${reason}`;
    const entry =
      this.counts.get(key) ?? (this.counts.size >= MAX_KEYS ? this.overflowEntry() : undefined);
    if (entry !== undefined) {
      entry.suppressed++;
      return;
    }
    this.counts.set(key, { address, reason, suppressed: 0 });
    this.append('tls_handshake_refused', address, { reason });
  }

  /** Writes one record per kind that repeated in the window, and starts a new window. */
  flush(): void {
    const repeated = [...this.counts.values()].filter((entry) => entry.suppressed > 0);
    this.counts = new Map();
    for (const entry of repeated)
      this.append('tls_handshake_refused_repeated', entry.address, {
        reason: entry.reason,
        count: entry.suppressed,
        windowSeconds: this.windowMs / 1000,
      });
  }

  /** Stops the window timer; the counts of the current window are written first. */
  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }

  /** Failures from addresses beyond MAX_KEYS are only counted, under one entry. */
  private overflowEntry(): Entry {
    let entry = this.counts.get(OVERFLOW);
    if (entry === undefined) {
      entry = { address: undefined, reason: 'many', suppressed: 0 };
      this.counts.set(OVERFLOW, entry);
    }
    return entry;
  }

  private append(
    event: string,
    address: string | undefined,
    detail: Record<string, string | number>,
  ): void {
    // Best effort: the connection is refused either way, and a failing trail shows in /readyz.
    void this.trail
      .append({
        type: 'security',
        event,
        outcome: 'denied',
        errorCode: 'unauthenticated',
        ...(address === undefined ? {} : { sourceAddress: address }),
        detail,
      })
      .catch(() => undefined);
  }
}
