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
import { startOfDayInZone, zoneOffsetMs } from '../../../policies/index.ts';
import type { GerbangConfig } from '../../config/index.ts';
import type { AdminActions } from '../admin/admin-actions.ts';
import type { AgreementView } from '../admin/agreement-view.ts';
import type { PolicyRegistry } from '../agreements/registry.ts';

export const REPORT_FORMAT = 'gerbang-compliance-report/1';

export interface Period {
  readonly label: string;
  readonly from: string; // ISO instant, inclusive
  readonly to: string; // ISO instant, exclusive
  readonly timeZone: string;
}

export interface ComplianceReport {
  readonly format: typeof REPORT_FORMAT;
  readonly kind: 'semester' | 'status';
  readonly instance: string;
  readonly generatedAt: string;
  readonly period: Period;
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

/** Semester `half` of `year` in the agreement's zone: January–June or July–December (PKS Pasal 8). */
export function semesterPeriod(year: number, half: 1 | 2, timeZone: string): Period {
  const from = half === 1 ? `${year}-01-01` : `${year}-07-01`;
  const to = half === 1 ? `${year}-07-01` : `${year + 1}-01-01`;
  return {
    label: `${year}-S${half}`,
    from: new Date(startOfDayInZone(from, timeZone)).toISOString(),
    to: new Date(startOfDayInZone(to, timeZone)).toISOString(),
    timeZone,
  };
}

/** The current semester up to now, for a status report on any day. */
export function statusPeriod(now: number, timeZone: string): Period {
  const local = new Date(now + zoneOffsetMs(now, timeZone));
  const semester = semesterPeriod(
    local.getUTCFullYear(),
    local.getUTCMonth() < 6 ? 1 : 2,
    timeZone,
  );
  return {
    ...semester,
    label: `status ${local.toISOString().slice(0, 10)}`,
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

export function buildReport(options: ReportInputs): ComplianceReport {
  const usage = options.audit.usage({
    from: options.period.from,
    to: options.period.to,
  });
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
    agreement,
    usage: figures,
    returnData: {
      withinDays,
      coverage: options.audit.returnDataCoverage({
        now: options.now,
        withinDays,
        from: options.period.from,
        to: options.period.to,
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
