/**
 * The audit ports. The data path awaits `append` before it answers: a resolved promise means the
 * record is durable, a rejection means it is not and the request must fail closed with
 * `503 audit_unavailable`. Readers search, verify and export the trail and compute the aggregates
 * reports and rules need; none of them sees the database behind it (audit/store/ does).
 */
import type { SignedCheckpoint } from './checkpoint.ts';
import type {
  AppendedRecord,
  AuditDetail,
  AuditEvent,
  AuditPage,
  AuditQuery,
  CoverageRow,
  UsageFigures,
} from './types.ts';
import type { ExportLine, VerifyResult } from './verify.ts';

export interface AuditTrail {
  /** Resolves once the record is durable; rejects when it cannot be written. */
  append(event: AuditEvent): Promise<void>;
  /** Whether appends are currently succeeding (for /readyz). */
  healthy(): boolean;
  /**
   * The time of the newest record (epoch ms). A wall clock earlier than this is not trusted:
   * data requests are refused until it catches up (ARCHITECTURE invariant 4).
   */
  newestRecordTime(): number | undefined;
}

/**
 * Aggregates over the trail: counts and distinct HMAC subjects, never a NIK. Times are ISO
 * instants, compared with the records' own ISO times.
 */
export interface AuditFigures {
  /**
   * The compliance report's usage figures for records in [from, to), months counted in the zone
   * `utcOffsetMinutes` east of UTC (the agreement's; absent: UTC).
   */
  usage(range: {
    readonly from: string;
    readonly to: string;
    readonly utcOffsetMinutes?: number;
  }): UsageFigures;
  /**
   * Residents accessed in [from, to) against the return data delivered for them, by client and
   * month of first access; `overdue` counts those first accessed over `withinDays` before `now`.
   */
  returnDataCoverage(options: {
    readonly now: number;
    readonly withinDays: number;
    readonly from?: string;
    readonly to?: string;
    /** Months of first access in the zone this many minutes east of UTC (absent: UTC). */
    readonly utcOffsetMinutes?: number;
  }): CoverageRow[];
  /** Distinct residents accessed before `accessedBefore` for whom no return data was delivered. */
  countOverdueReturnData(accessedBefore: string): number;
  /** Data requests that reached Dukcapil since `since`, per client (today's spent quotas). */
  upstreamCallsSince(since: string): Record<string, number>;
  /** The same per upstream name, then per client (records without a name: `default`). */
  upstreamCallsByUpstreamSince(since: string): Record<string, Record<string, number>>;
}

/** Reading the trail: what officers see, what verifiers check, what reports are computed from. */
export interface AuditLogReader extends AuditFigures {
  query(query: AuditQuery): AuditPage;
  verify(caCertificatePem?: string): VerifyResult;
  exportLines(options: {
    fromSeq?: number;
    toSeq?: number;
    sealWithFreshCheckpoint: boolean;
  }): Iterable<ExportLine>;
  /** The first sequence number whose record time is at or after `time`, for time-bounded exports. */
  seqAtTime(time: string): number | undefined;
  /** A checkpoint over the current head, signed now and not stored (reports cite it). */
  freshCheckpoint(): SignedCheckpoint;
}

/** The stored checkpoints as the time-stamping job sees them (RFC 3161, docs/audit.md). */
export interface CheckpointTimestamps {
  /** The newest stored checkpoint, and whether it has a token already. */
  newestCheckpoint(): { checkpoint: SignedCheckpoint; timestamped: boolean } | undefined;
  /** Keeps a token already checked against the TSA's CA. */
  storeTimestamp(treeSize: number, token: Uint8Array, genTime: Date): void;
}

/** A durable position in the trail kept beside it (the SIEM forwarder's: the last seq sent). */
export interface AuditCursor {
  read(): number;
  save(seq: number): void;
}

/** The audit store as the services use it: read, aggregated, purged, heard after each commit (audit/store's SqliteAuditStore). */
export interface AuditStore extends AuditTrail, AuditLogReader {
  /** The newest sequence number committed. */
  readonly size: number;
  /** Told after each commit of the records it wrote. */
  onAppended(listener: (records: readonly AppendedRecord[]) => void): void;
  /** Removes records older than `cutoff` behind a signed anchor and records it (audit/store). */
  purgeBefore(
    cutoff: number,
    record: { readonly principal?: AuditEvent['principal']; readonly detail: AuditDetail },
  ): Promise<PurgeOutcome>;
}

/** What a retention purge removed: how many records, through which sequence number. */
export interface PurgeOutcome {
  readonly purged: number;
  readonly throughSeq: number;
}
