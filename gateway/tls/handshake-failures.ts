/**
 * Failed TLS handshakes as security events, coalesced: the first failure of a kind from an
 * address in a minute is recorded at once, the rest of that minute as one record with a count.
 * A flood of broken handshakes is then a handful of records a minute, not one per connection: it
 * cannot fill the trail's disk, and an officer still sees who, why and how often.
 */
import type { AuditTrail } from '../../audit/index.ts';

/** Distinct (address, reason) pairs tracked per window; beyond, they share one overflow entry. */
const MAX_KEYS = 1024;

export class HandshakeFailureAudit {
  private counts = new Map<string, { address: string; reason: string; suppressed: number }>();
  private readonly timer: NodeJS.Timeout;
  private readonly trail: AuditTrail;

  constructor(trail: AuditTrail, windowMs = 60_000) {
    this.trail = trail;
    this.timer = setInterval(() => {
      this.flush(windowMs);
    }, windowMs);
    this.timer.unref();
  }

  record(address: string | undefined, reason: string): void {
    let key = `${address ?? '?'} ${reason}`;
    let entry = this.counts.get(key);
    if (entry === undefined && this.counts.size >= MAX_KEYS) {
      key = 'overflow';
      entry = this.counts.get(key);
      if (entry === undefined) {
        entry = { address: 'many', reason: 'many', suppressed: 0 };
        this.counts.set(key, entry);
      }
    }
    if (entry !== undefined) {
      entry.suppressed++;
      return;
    }
    this.counts.set(key, { address: address ?? '?', reason, suppressed: 0 });
    this.append('tls_handshake_refused', address, { reason });
  }

  /** Writes one record per kind that repeated in the window, and starts a new window. */
  flush(windowMs: number): void {
    const repeated = [...this.counts.values()].filter((entry) => entry.suppressed > 0);
    this.counts = new Map();
    for (const entry of repeated)
      this.append(
        'tls_handshake_refused_repeated',
        entry.address === '?' || entry.address === 'many' ? undefined : entry.address,
        { reason: entry.reason, count: entry.suppressed, windowSeconds: windowMs / 1000 },
      );
  }

  stop(): void {
    clearInterval(this.timer);
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
