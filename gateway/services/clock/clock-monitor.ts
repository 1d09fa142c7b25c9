/**
 * Clock trust beyond "not behind the audit trail": the wall clock must move with the monotonic
 * clock. A jump larger than `maxJumpMs` (someone set the time, a broken NTP source) stops data
 * requests until an administrator acknowledges it, because it could expire or revive agreements
 * and quotas. A suspended VM resuming looks like a jump too: acknowledge after checking the time.
 */
export interface ClockSources {
  readonly wall: () => number;
  readonly monotonic: () => number;
}

export type ClockVerdict =
  { readonly trusted: true } | { readonly trusted: false; readonly jumpMs: number };

export class ClockMonitor {
  private readonly sources: ClockSources;
  private readonly maxJumpMs: number;
  private baseline: number;
  private jump: number | undefined;

  constructor(sources: ClockSources, maxJumpMs: number) {
    this.sources = sources;
    this.maxJumpMs = maxJumpMs;
    this.baseline = sources.wall() - sources.monotonic();
  }

  /** Sticky: once a jump was seen, the verdict stays untrusted until `acknowledge`. */
  check(): ClockVerdict {
    if (this.jump === undefined) {
      const drift = this.sources.wall() - this.sources.monotonic() - this.baseline;
      if (Math.abs(drift) > this.maxJumpMs) this.jump = drift;
      // Small corrections (NTP slewing) move the baseline along.
      else this.baseline += drift;
    }
    return this.jump === undefined ? { trusted: true } : { trusted: false, jumpMs: this.jump };
  }

  /** An administrator confirmed the time is right: trust the clock as it is now. */
  acknowledge(): number | undefined {
    const jump = this.jump;
    this.jump = undefined;
    this.baseline = this.sources.wall() - this.sources.monotonic();
    return jump;
  }
}
