/**
 * The semester report's reminder (PKS Pasal 8(1)): from `reminderDays` before the due date an
 * alert `report_due`, and after the due date an alert `report_overdue`, each once per semester,
 * through the same audit alert records the officer console and the SIEM already show. Whether the
 * alert was already raised is read from the trail, so a restart does not raise it again.
 */
import type { AuditLogReader, AuditTrail } from '../../../audit/index.ts';
import { semesterPeriod } from './semester.ts';
import type { DueStatus } from './due-status.ts';

export type DueRule = 'report_due' | 'report_overdue';

/** The alert `status` calls for, if any. */
export function dueAlertRule(status: DueStatus): DueRule | undefined {
  if (status.state === 'reminder') return 'report_due';
  if (status.state === 'overdue') return 'report_overdue';
  return undefined;
}

function alreadyRaised(
  reader: Pick<AuditLogReader, 'query'>,
  rule: DueRule,
  semester: string,
  since: string,
): boolean {
  return reader
    .query({ type: 'security', event: 'alert', from: since, limit: 1000, newest: true })
    .items.some((r) => r.detail?.['rule'] === rule && r.detail['semester'] === semester);
}

/**
 * Checks once: raises the alert the status calls for unless the trail already has it. Returns the
 * status and the rule raised now (for the log line), if any.
 */
export async function remindOfDueReport(options: {
  readonly status: DueStatus;
  readonly reader: Pick<AuditLogReader, 'query'>;
  readonly audit: AuditTrail;
}): Promise<DueRule | undefined> {
  const { status, reader, audit } = options;
  const rule = dueAlertRule(status);
  if (rule === undefined) return undefined;
  const { due } = status;
  const match = /^(\d{4})-S([12])$/.exec(due.semester);
  // Alerts of this semester can only be from its own half or later.
  const since =
    match === null
      ? due.windowOpens
      : semesterPeriod(Number(match[1]), match[2] === '1' ? 1 : 2, due.timeZone).from;
  if (alreadyRaised(reader, rule, due.semester, since)) return undefined;
  await audit.append({
    type: 'security',
    event: 'alert',
    outcome: 'alert',
    detail: {
      rule,
      semester: due.semester,
      dueDate: due.dueDate,
      daysLeft: status.daysLeft,
    },
  });
  return rule;
}
