/**
 * Generating a report: the figures, the canonical JSON, its detached CMS signature and the HTML
 * page, recorded in the audit trail (key use) before anything is handed out.
 */
import { readFileSync } from 'node:fs';
import { signDetached } from '../../../certs/cms.ts';
import { readSecretText } from '../../config/index.ts';
import { renderReportHtml } from '../../http/pages/report-page.tsx';
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
  readonly html: string;
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
  const signature = await signDetached(json, {
    certificatePem: readFileSync(options.config.reports.signingCertFile, 'utf8'),
    privateKeyPem: readSecretText(options.config.reports.signingKeyFile),
  });
  return { report, json, signature, html: renderReportHtml(report, digest), digest };
}
