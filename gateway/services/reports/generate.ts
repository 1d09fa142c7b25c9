/**
 * Generating a report: the figures, the canonical JSON and its detached CMS signature, recorded
 * in the audit trail (key use) before anything is handed out. The printable page is rendered by
 * whoever shows it (gateway/http/pages/report-page.tsx).
 */
import { readFileSync } from 'node:fs';
import { signDetached } from '../../../certs/cms.ts';
import { readSecretText } from '../../config/index.ts';
import { AuditUnavailable } from '../errors.ts';
import {
  buildReport,
  reportBytes,
  reportDigest,
  type ComplianceReport,
  type ReportInputs,
} from './report.ts';

export interface GeneratedReport {
  readonly report: ComplianceReport;
  readonly json: Buffer;
  readonly signature: Uint8Array;
  readonly digest: string;
}

export async function generateReport(
  options: ReportInputs & {
    readonly requestedBy: { id: string; role: string; certificateFingerprint: string };
  },
): Promise<GeneratedReport> {
  if (options.config.reports === undefined)
    throw new Error('no report-signing key is configured (reports.signingKeyFile)');
  const report = buildReport(options);
  const json = reportBytes(report);
  const digest = reportDigest(json);
  try {
    await options.audit.append({
      type: 'audit',
      event: 'report_generated',
      outcome: 'success',
      principal: options.requestedBy,
      detail: {
        kind: options.kind,
        period: options.period.label,
        sha256: digest,
        checkpoint: report.audit.checkpoint.treeSize,
      },
    });
  } catch (cause) {
    throw new AuditUnavailable(cause, 'no report was signed');
  }
  const signature = await signDetached(json, {
    certificatePem: readFileSync(options.config.reports.signingCertFile, 'utf8'),
    privateKeyPem: readSecretText(options.config.reports.signingKeyFile),
  });
  return { report, json, signature, digest };
}
