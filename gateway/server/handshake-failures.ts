/**
 * Failed TLS handshakes as security events, coalesced (gateway/services/refusals): the first
 * failure of a kind from an address in a minute is recorded at once, the rest of that minute as
 * one `tls_handshake_refused_repeated` record with a count. A flood of broken handshakes is then a
 * handful of records a minute, not one per connection: it cannot fill the trail's disk, and an
 * officer still sees who, why and how often.
 */
import type { AuditTrail } from '../../audit/index.ts';
import { CoalescedRefusals } from '../services/refusals/coalesced-refusals.ts';

export class HandshakeFailureAudit {
  private readonly refusals: CoalescedRefusals;

  /** `maxSources`: (address, reason) pairs told apart per window (`server.unauthenticated`). */
  constructor(trail: AuditTrail, windowMs = 60_000, maxSources = 1024) {
    this.refusals = new CoalescedRefusals({ trail, windowMs, maxSources });
  }

  /** Starts the window timer: each window's repeats are written at its end. */
  start(): void {
    this.refusals.start();
  }

  record(address: string | undefined, reason: string): void {
    void this.refusals.record(address, {
      event: 'tls_handshake_refused',
      errorCode: 'unauthenticated',
      reason,
    });
  }

  /** Writes one record per kind that repeated in the window, and starts a new window. */
  flush(): void {
    this.refusals.flush();
  }

  /** Stops the window timer; the counts of the current window are written first. */
  stop(): void {
    this.refusals.stop();
  }
}
