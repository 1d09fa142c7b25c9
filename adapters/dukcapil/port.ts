/**
 * The port through which the gateway reaches Dukcapil. Implementations return records already
 * reduced to the nine elements; the raw upstream object never crosses this boundary.
 */
import type { ClaimVerdict, ElementName, PopulationRecord } from '../../policies/index.ts';

export type UpstreamFailureKind =
  | 'not_found' // RESPON "Data Tidak Ditemukan"
  | 'ambiguous' // more than one record for the NIK: never released as one (PKS Pasal 2(2)a)
  | 'rejected' // login failed, IP not registered
  | 'quota' // the agency's daily Dukcapil quota
  | 'malformed' // anything we cannot use: bad JSON, HTML, wrong shape, 5xx, another NIK
  | 'timeout'
  | 'unavailable'; // connection refused/reset, breaker open, concurrency cap reached

/** A domain error: what went wrong upstream, in words safe for the operator's log. */
export class UpstreamFailure extends Error {
  override readonly name = 'UpstreamFailure';
  readonly kind: UpstreamFailureKind;
  /** A fixed description, never upstream text. */
  readonly reason: string;
  readonly upstreamStatus: number | undefined;

  constructor(kind: UpstreamFailureKind, reason: string, upstreamStatus?: number) {
    super(`${kind}: ${reason}`);
    this.kind = kind;
    this.reason = reason;
    this.upstreamStatus = upstreamStatus;
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

export interface UpstreamHealth {
  readonly breaker: 'closed' | 'open' | 'half_open';
}

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
    claims: Readonly<Partial<Record<ElementName, string>>>,
    threshold: number,
  ): Promise<UpstreamVerification>;
  health(): UpstreamHealth;
  close(): Promise<void>;
}

/** What the adapter reports about itself; the gateway turns it into metrics. */
export interface UpstreamObserver {
  onCall(outcome: 'ok' | UpstreamFailureKind, latencyMs: number): void;
  onDroppedKeys(count: number): void;
  onUnparseableValues(count: number): void;
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
