/**
 * Clock trust beyond "not behind the audit trail": the wall clock must move with the monotonic
 * clock. A jump larger than `maxJumpMs` (someone set the time, a broken NTP source) stops data
 * requests until an administrator acknowledges it, because it could expire or revive agreements
 * and quotas. A suspended VM resuming looks like a jump too: acknowledge after checking the time.
 *
 * Evidence asks more of the clock than data requests do: the retention purge deletes by age, so a
 * clock run ahead would delete records still inside the retention period. The purge runs only on
 * a clock trusted for evidence: no jump seen, not behind the trail, and — since a clock already
 * wrong at start leaves no jump to see — not far ahead of the trail's newest record at start
 * (`maxStartGapMs`, longer than any planned downtime), unless an administrator confirmed it.
 */
export interface ClockSources {
  readonly wall: () => number;
  readonly monotonic: () => number;
}

export type ClockVerdict =
  { readonly trusted: true } | { readonly trusted: false; readonly jumpMs: number };

/** Why the clock may not be used to delete evidence, and by how much it is off. */
export type EvidenceClockProblem =
  | { readonly reason: 'jump'; readonly ms: number }
  | { readonly reason: 'start_gap'; readonly ms: number }
  | { readonly reason: 'behind_trail'; readonly ms: number };

export interface ClockMonitorOptions {
  /** The newest audit record's time when the gateway opened the trail, before writing to it. */
  readonly trailTimeAtStart?: number | undefined;
  /** A start this far ahead of the trail holds the purge until acknowledged. */
  readonly maxStartGapMs?: number;
}

/** What an acknowledgement cleared. */
export interface ClockAcknowledgement {
  readonly jumpMs?: number;
  readonly startGapMs?: number;
}

export class ClockMonitor {
  private readonly sources: ClockSources;
  private readonly maxJumpMs: number;
  private baseline: number;
  private jump: number | undefined;
  private startGap: number | undefined;

  constructor(sources: ClockSources, maxJumpMs: number, options: ClockMonitorOptions = {}) {
    this.sources = sources;
    this.maxJumpMs = maxJumpMs;
    this.baseline = sources.wall() - sources.monotonic();
    const { trailTimeAtStart, maxStartGapMs } = options;
    if (trailTimeAtStart !== undefined && maxStartGapMs !== undefined) {
      const gap = sources.wall() - trailTimeAtStart;
      if (gap > maxStartGapMs) this.startGap = gap;
    }
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

  /** Whether the clock may date a deletion of evidence; `newestRecordTime` is the trail's. */
  evidenceProblem(newestRecordTime: number | undefined): EvidenceClockProblem | undefined {
    const verdict = this.check();
    if (!verdict.trusted) return { reason: 'jump', ms: verdict.jumpMs };
    if (this.startGap !== undefined) return { reason: 'start_gap', ms: this.startGap };
    const now = this.sources.wall();
    if (newestRecordTime !== undefined && now < newestRecordTime)
      return { reason: 'behind_trail', ms: newestRecordTime - now };
    return undefined;
  }

  /** Something an administrator can acknowledge: a jump, or a start far ahead of the trail. */
  pending(): ClockAcknowledgement | undefined {
    const verdict = this.check();
    const pending = {
      ...(verdict.trusted ? {} : { jumpMs: verdict.jumpMs }),
      ...(this.startGap === undefined ? {} : { startGapMs: this.startGap }),
    };
    return Object.keys(pending).length === 0 ? undefined : pending;
  }

  /** An administrator confirmed the time is right: trust the clock as it is now. */
  acknowledge(): ClockAcknowledgement {
    const cleared = this.pending() ?? {};
    this.jump = undefined;
    this.startGap = undefined;
    this.baseline = this.sources.wall() - this.sources.monotonic();
    return cleared;
  }
}
