/**
 * Runs the anomaly rules of policies/anomaly.ts over the audit stream and stores each alert in
 * the trail itself (type `security`, event `alert`), so that alerts are tamper-evident, listed at
 * GET /v1/alerts and forwarded to the SIEM at warning severity. Also scans periodically for NIKs
 * accessed without return data after the agreement's deadline.
 */
import type {
  AppendedRecord,
  AuditFigures,
  AuditTrail,
  SubjectHasher,
} from '../../../audit/index.ts';
import { AnomalyDetector, type Alert } from '../../../policies/index.ts';
import type { GerbangConfig } from '../../config/index.ts';

const DAY_MS = 86_400_000;

export class AnomalyService {
  private readonly detector: AnomalyDetector;
  private readonly audit: AuditTrail;
  private readonly hasher: SubjectHasher;
  private readonly cooldownMs: number;
  private lastOverdueAlert = -Infinity;

  constructor(config: GerbangConfig, audit: AuditTrail, hasher: SubjectHasher) {
    const a = config.anomalies;
    this.cooldownMs = a.cooldownMinutes * 60_000;
    this.detector = new AnomalyDetector({
      operatorLookupsPerHour: a.operatorLookupsPerHour,
      serviceHours: a.serviceHours,
      notFound: {
        window: a.notFoundWindow,
        minLookups: a.notFoundMinLookups,
        ratio: a.notFoundRatio,
      },
      sequentialRun: a.sequentialRun,
      sequentialMaxGap: a.sequentialMaxGap,
      refusedElementsPerHour: a.refusedElementsPerHour,
      cooldownMs: this.cooldownMs,
      maxOperatorsPerClient: a.maxOperatorsPerClient,
      newOperatorsPerHour: a.newOperatorsPerHour,
    });
    this.audit = audit;
    this.hasher = hasher;
  }

  /**
   * What the detector holds about client-chosen keys, for /metrics: operator ids held now (at
   * most `anomalies.maxOperatorsPerClient` per client) and those forgotten since start.
   */
  trackedKeys(): { readonly operators: number; readonly evictedOperators: number } {
    return {
      operators: this.detector.trackedOperators,
      evictedOperators: this.detector.evictedOperators,
    };
  }

  /** Feed of committed records (SqliteAuditStore.onAppended). */
  observe(records: readonly AppendedRecord[]): void {
    for (const { time, event } of records) {
      if (event.outcome === 'ambiguous') this.raiseAmbiguous(event);
      this.raise(
        this.detector.observe({
          time,
          type: event.type,
          outcome: event.outcome,
          errorCode: event.errorCode,
          client: event.principal?.id,
          operator: event.operator,
        }),
      );
    }
  }

  /** The shape of a looked-up NIK, for sequential probing: a keyed hash of its first 12 digits and its serial. */
  observeNik(nik: string, client: string, operator: string, time: number): void {
    this.raise(
      this.detector.observeProbe({
        time,
        client,
        operator,
        prefixKey: this.hasher(`nik-prefix:${nik.slice(0, 12)}`),
        serial: Number(nik.slice(12)),
      }),
    );
  }

  /**
   * Residents whose data was accessed more than `days` days ago without return data since
   * (PKS Pasal 2(2)b), counted by the trail (distinct HMAC subjects); alerts at most once per
   * cooldown.
   */
  scanReturnDataOverdue(
    trail: Pick<AuditFigures, 'countOverdueReturnData'>,
    now: number,
    days: number,
  ): number {
    const overdue = trail.countOverdueReturnData(new Date(now - days * DAY_MS).toISOString());
    if (overdue > 0 && now - this.lastOverdueAlert >= this.cooldownMs) {
      this.lastOverdueAlert = now;
      this.raise([
        {
          rule: 'return_data_overdue',
          time: now,
          detail: { residents: overdue, withinDays: days },
        },
      ]);
    }
    return overdue;
  }

  /**
   * A NIK with more than one record upstream (PKS Pasal 2(2)a: the agency answers for the
   * uniqueness of the NIKs in its documents): every one is an officer alert, since each is a
   * resident to refer to Disdukcapil. The alert follows the request's own committed record and
   * names the resident by its HMAC subject only, never the NIK.
   */
  private raiseAmbiguous(event: AppendedRecord['event']): void {
    void this.audit
      .append({
        type: 'security',
        event: 'alert',
        outcome: 'alert',
        ...(event.operator === undefined ? {} : { operator: event.operator }),
        ...(event.subject === undefined ? {} : { subject: event.subject }),
        ...(event.reference === undefined ? {} : { reference: event.reference }),
        detail: {
          rule: 'nik_ambiguous',
          ...(event.principal === undefined ? {} : { client: event.principal.id }),
          ...(event.requestId === undefined ? {} : { requestId: event.requestId }),
          request: event.type,
        },
      })
      .catch(() => undefined);
  }

  private raise(alerts: readonly Alert[]): void {
    for (const alert of alerts) {
      void this.audit
        .append({
          type: 'security',
          event: 'alert',
          outcome: 'alert',
          ...(alert.operator === undefined ? {} : { operator: alert.operator }),
          detail: {
            rule: alert.rule,
            ...(alert.client === undefined ? {} : { client: alert.client }),
            ...alert.detail,
          },
        })
        .catch(() => undefined);
    }
  }
}
