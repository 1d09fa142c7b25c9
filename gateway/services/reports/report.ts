/**
 * The compliance report (PKS Pasal 8): a semester report, or the status on any day. Everything an
 * evaluator needs, as aggregates, with the audit verification and the signed checkpoint the
 * figures were computed from. Serialised as canonical JSON; signed as detached CMS.
 */
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  type AuditLogReader,
  type AuditTrail,
  type CoverageRow,
  type SignedCheckpoint,
  type UsageFigures,
  type VerifyResult,
} from '../../../audit/index.ts';
import { calendarDateIn, zoneOffsetMs } from '../../../policies/index.ts';
import type { GerbangConfig } from '../../config/index.ts';
import type { AdminActions } from '../admin/admin-actions.ts';
import type { AgreementView } from '../admin/agreement-view.ts';
import type { PolicyRegistry } from '../agreements/registry.ts';
import {
  reportCutOff,
  reportDue,
  semesterOf,
  semesterPeriod,
  type Period,
  type ReportDue,
} from './semester.ts';

export { semesterPeriod, type Period } from './semester.ts';

/** /2: `cutOff`, `sementara` and `due` were added (PKS Pasal 8(1), docs/reports.md). */
export const REPORT_FORMAT = 'gerbang-compliance-report/2';

export interface ComplianceReport {
  readonly format: typeof REPORT_FORMAT;
  readonly kind: 'semester' | 'status';
  readonly instance: string;
  readonly generatedAt: string;
  readonly period: Period;
  /** The figures count records before this instant: `generatedAt` during the period, else its end. */
  readonly cutOff: string;
  /**
   * Made before the period ends: provisional, the rest of the period is not in it. The report
   * due in June or December (PKS Pasal 8(1)) is always `sementara`; the final one follows the end.
   */
  readonly sementara: boolean;
  /** When the semester's report is due (semester reports only). */
  readonly due?: ReportDue;
  readonly agreement: AgreementView | null;
  readonly usage: Omit<UsageFigures, 'lastSeq'>;
  readonly returnData: { readonly withinDays: number; readonly coverage: readonly CoverageRow[] };
  readonly readers: readonly { id: string; state: string; changedAt: string; reason?: string }[];
  readonly audit: {
    readonly verification: VerifyResult;
    readonly checkpoint: SignedCheckpoint;
    readonly figuresThroughSeq: number;
  };
}

/** The current semester up to now, for a status report on any day. */
export function statusPeriod(now: number, timeZone: string): Period {
  const { year, half } = semesterOf(now, timeZone);
  const semester = semesterPeriod(year, half, timeZone);
  return {
    ...semester,
    label: `status ${calendarDateIn(now, timeZone)}`,
    to: new Date(now).toISOString(),
  };
}

/**
 * What a report reads of the policy services: the agreement in force, the agreements and the
 * readers. (Named here rather than taken from create-services.ts, which builds the reports.)
 */
export interface ReportPolicy {
  readonly registry: Pick<PolicyRegistry, 'inForce'>;
  readonly admin: Pick<AdminActions, 'listAgreements' | 'listReaders'>;
}

/** What a report is computed from. */
export interface ReportInputs {
  readonly kind: 'semester' | 'status';
  readonly period: Period;
  readonly config: GerbangConfig;
  /** The trail: the figures and verification come from it, and the report is recorded in it. */
  readonly audit: AuditTrail & AuditLogReader;
  readonly policy: ReportPolicy;
  readonly caPem: string;
  readonly now: number;
}

/** Periods are cut in the zone of the agreement in force (else the first configured one). */
export function reportTimeZone(config: GerbangConfig, policy: ReportPolicy, now: number): string {
  return (
    policy.registry.inForce(now)?.terms.timeZone ??
    config.agreements[0]?.timeZone ??
    'Asia/Makassar'
  );
}

/** `2026-S1` → its due date; undefined for any other label. */
function dueOf(period: Period): ReportDue | undefined {
  const match = /^(\d{4})-S([12])$/.exec(period.label);
  if (match === null) return undefined;
  return reportDue(Number(match[1]), match[2] === '1' ? 1 : 2, period.timeZone);
}

export function buildReport(options: ReportInputs): ComplianceReport {
  // Nothing after the cut-off is counted, even records appended while the report is built.
  // A status report's period ends now, but its half does not: it is sementara like any report
  // made before the half ends, and counts up to now.
  const { cutOff, sementara } =
    options.kind === 'semester'
      ? reportCutOff(options.period, options.now)
      : { cutOff: options.period.to, sementara: true };
  // Months in the agreement's zone, as the period is cut (docs/reports.md).
  const utcOffsetMinutes =
    zoneOffsetMs(Date.parse(options.period.from), options.period.timeZone) / 60_000;
  const usage = options.audit.usage({
    from: options.period.from,
    to: cutOff,
    utcOffsetMinutes,
  });
  const due = options.kind === 'semester' ? dueOf(options.period) : undefined;
  const agreements = options.policy.admin.listAgreements(options.now);
  const agreement = agreements.find((a) => a.inForce) ?? agreements.at(-1) ?? null;
  const withinDays = agreement?.returnDataWithinDays ?? 7;
  const { lastSeq, ...figures } = usage;
  return {
    format: REPORT_FORMAT,
    kind: options.kind,
    instance: options.config.instance.name,
    generatedAt: new Date(options.now).toISOString(),
    period: options.period,
    cutOff,
    sementara,
    ...(due === undefined ? {} : { due }),
    agreement,
    usage: figures,
    returnData: {
      withinDays,
      coverage: options.audit.returnDataCoverage({
        now: options.now,
        withinDays,
        from: options.period.from,
        to: cutOff,
        utcOffsetMinutes,
      }),
    },
    readers: options.policy.admin.listReaders().map((r) => ({
      id: r.id,
      state: r.state,
      changedAt: r.changedAt,
      ...(r.reason ? { reason: r.reason } : {}),
    })),
    audit: {
      verification: options.audit.verify(options.caPem),
      checkpoint: options.audit.freshCheckpoint(),
      figuresThroughSeq: lastSeq,
    },
  };
}

/** The exact bytes that are signed and published. */
export function reportBytes(report: ComplianceReport): Buffer {
  return Buffer.from(`${canonicalJson(JSON.parse(JSON.stringify(report)) as never)}\n`, 'utf8');
}

export function reportDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
