/**
 * The port through which the gateway reaches Dukcapil. Implementations return records already
 * reduced to the nine elements; the raw upstream object never crosses this boundary.
 */
import type { Alamat, ClaimVerdict, ElementName, PopulationRecord } from '../../policies/index.ts';
import type { DukcapilMethod } from './profile.ts';

export type UpstreamFailureKind =
  | 'not_found' // RESPON "Data Tidak Ditemukan"
  | 'ambiguous' // more than one record for the NIK: never released as one (PKS Pasal 2(2)a)
  | 'rejected' // login failed, IP not registered
  | 'quota' // the agency's daily Dukcapil quota
  | 'malformed' // an answer we cannot read: bad JSON, HTML, wrong shape, unknown code, another NIK
  | 'timeout'
  | 'unavailable'; // connection refused/reset, HTTP 5xx, breaker open, concurrency cap reached

/** A domain error: what went wrong upstream, in words safe for the operator's log. */
export class UpstreamFailure extends Error {
  override readonly name = 'UpstreamFailure';
  readonly kind: UpstreamFailureKind;
  /** A fixed description, never upstream text. */
  readonly reason: string;
  readonly upstreamStatus: number | undefined;
  /** When a retry can succeed at the earliest (an open breaker's probe), if the adapter knows. */
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: UpstreamFailureKind,
    reason: string,
    upstreamStatus?: number,
    retryAfterMs?: number,
  ) {
    super(`${kind}: ${reason}`);
    this.kind = kind;
    this.reason = reason;
    this.upstreamStatus = upstreamStatus;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface UpstreamLookup {
  readonly record: PopulationRecord;
  readonly upstreamStatus: number;
  readonly latencyMs: number;
}

export interface UpstreamVerification {
  /** Match or not for every claimed element, and for nothing else: never Dukcapil's score. */
  readonly verdicts: Partial<Record<ElementName, ClaimVerdict>>;
  readonly upstreamStatus: number;
  readonly latencyMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface UpstreamHealth {
  /** CALL_NIK's breaker: the lookups a readiness check speaks for. */
  readonly breaker: BreakerState;
  /** Each method's own breaker (one per method: docs/upstream.md, "Breakers"). */
  readonly methods?: Readonly<Record<DukcapilMethod, BreakerState>>;
}

/** An address claimed part by part (the canonical `Alamat` parts, as plain claimed text). */
export type AddressClaim = Readonly<Partial<Record<keyof Alamat, string>>>;

/**
 * What a verification claims: text per element; `alamat` as free text (the street line, sent as
 * `ALAMAT` alone) or as a structured address (its parts sent beside `ALAMAT`).
 */
export type VerifyClaims = {
  readonly [E in ElementName]?: E extends 'alamat' ? string | AddressClaim : string;
};

export interface DukcapilClient {
  /** CALL_NIK: one resident by NIK. Throws UpstreamFailure. */
  lookupByNik(nik: string): Promise<UpstreamLookup>;
  /**
   * CALL_VERIFY_BY_ELEMEN: Dukcapil compares the claims itself and answers verdicts only, so no
   * record reaches the gateway at all. `threshold` is the agreement's (`verifyThreshold`), sent
   * as TRESHOLD; a request never chooses it. Throws UpstreamFailure.
   */
  verifyByElements(
    nik: string,
    claims: VerifyClaims,
    threshold: number,
  ): Promise<UpstreamVerification>;
  health(): UpstreamHealth;
  close(): Promise<void>;
}

/** What the adapter reports about itself; the gateway turns it into metrics. */
export interface UpstreamObserver {
  onCall(outcome: 'ok' | UpstreamFailureKind, latencyMs: number, method?: DukcapilMethod): void;
  /**
   * An answer the adapter could not read (also reported to onCall as `malformed`): counted apart
   * from outages, which alone move the breakers. `reason` is the adapter's fixed phrase.
   */
  onMalformed?(method: DukcapilMethod, reason: string): void;
  onDroppedKeys(count: number): void;
  onUnparseableValues(count: number): void;
  /**
   * A paced call's request left `delayMs` after the rate pacer let it go (its first write). The
   * window counts from the leaving, so this delay comes off the quota's use (docs/upstream.md).
   */
  onLeft?(delayMs: number): void;
}

export const noopUpstreamObserver: UpstreamObserver = {
  onCall: () => undefined,
  onDroppedKeys: () => undefined,
  onUnparseableValues: () => undefined,
};

/** Return data (data balikan) for a NIK the agency accessed: see data-balikan.ts for the wire. */
export interface ReturnDataItem {
  readonly nik: string;
  readonly npwpd: string;
  readonly jenisPajak: readonly string[];
}

export interface ReturnDataClient {
  deliver(item: ReturnDataItem, idempotencyKey: string): Promise<void>;
  close(): Promise<void>;
}
