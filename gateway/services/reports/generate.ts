/**
 * Generating a report: the figures, the canonical JSON and its detached CMS signature, recorded
 * in the audit trail (key use) before anything is handed out. The printable page is rendered by
 * whoever shows it (gateway/http/pages/report-page.tsx).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signDetached } from '../../../certs/cms.ts';
import { isIssuedBy, signingProfileMatch } from '../../../certs/index.ts';
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

/**
 * A report is signed only by a report signing certificate of the CA (certs/verify.ts), so that
 * `gerbang report verify` and stock `openssl cms -verify` (purpose smimesign) accept it; checked
 * before the key's use is recorded. A certificate of the old profile (codeSigning only) is refused
 * too: its reports would need `-purpose any`, which the evaluator's command no longer gives.
 */
function refuseOtherSigners(certificatePem: string, caPem: string, path: string): void {
  const certificate = new X509Certificate(certificatePem);
  if (!isIssuedBy(certificate, new X509Certificate(caPem)))
    throw new Error(`the report signing certificate ${path} was not issued by the gateway CA`);
  const match = signingProfileMatch(certificate, 'reports');
  if (match === 'legacy')
    throw new Error(
      `the report signing certificate ${path} has the old profile (codeSigning only): issue one of the report signing profile (gerbang certs signing --purpose reports) and point reports.* at it (docs/operations.md)`,
    );
  if (match === 'wrong')
    throw new Error(
      `${path} is not a report signing certificate (extended key usage emailProtection and Gerbang report signing, docs/pki.md)`,
    );
}

export async function generateReport(
  options: ReportInputs & {
    readonly requestedBy: { id: string; role: string; certificateFingerprint: string };
  },
): Promise<GeneratedReport> {
  if (options.config.reports === undefined)
    throw new Error('no report-signing key is configured (reports.signingKeyFile)');
  const certificatePem = readFileSync(options.config.reports.signingCertFile, 'utf8');
  refuseOtherSigners(certificatePem, options.caPem, options.config.reports.signingCertFile);
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
        // What the due-report status (due-status.ts) reads: partial or final, and up to when.
        sementara: report.sementara,
        cutOff: report.cutOff,
        sha256: digest,
        checkpoint: report.audit.checkpoint.treeSize,
        // The anchor's root too (issue 21): the evaluator's console lists it beside the size, to
        // prove the next export consistent with the trail this report was computed from.
        checkpointRoot: report.audit.checkpoint.rootHash,
      },
    });
  } catch (cause) {
    throw new AuditUnavailable(cause, 'no report was signed');
  }
  const signature = await signDetached(json, {
    certificatePem,
    privateKeyPem: readSecretText(options.config.reports.signingKeyFile),
  });
  return { report, json, signature, digest };
}

/**
 * Signs other bytes than a report with the report-signing key (an officer's signed export of a
 * search), under the same checks, so that the same `openssl cms -verify` accepts them. The caller
 * records the key's use first.
 */
export async function signWithReportKey(
  config: ReportInputs['config'],
  caPem: string,
  content: Uint8Array,
): Promise<Uint8Array> {
  if (config.reports === undefined)
    throw new Error('no report-signing key is configured (reports.signingKeyFile)');
  const certificatePem = readFileSync(config.reports.signingCertFile, 'utf8');
  refuseOtherSigners(certificatePem, caPem, config.reports.signingCertFile);
  return signDetached(content, {
    certificatePem,
    privateKeyPem: readSecretText(config.reports.signingKeyFile),
  });
}
