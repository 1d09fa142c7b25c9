/**
 * `gerbang report semester --year YYYY --half 1|2 --out DIR`, `gerbang report status --out DIR`
 * (report.json, report.p7s, report.html), `gerbang report due` (the semester report due next) and
 * `gerbang report verify DIR [--ca ca.crt]`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { verifyDetached } from '../../certs/cms.ts';
import { auditTrustAnchorPem } from '../server/audit-store.ts';
import { loadConfig } from '../config/index.ts';
import { resolveInstance } from '../config/instance.ts';
import { reportTimeZone, semesterPeriod, statusPeriod } from '../services/reports/report.ts';
import { renderReportHtml } from '../http/pages/report-page.tsx';
import { openOfflineServices } from './offline-services.ts';
import { CliError, displayPath, EXIT, say } from './output.ts';

/**
 * `report verify DIR`: report.json against its detached signature, with the instance's CA, signed
 * by a report signing certificate of that CA (certs/verify.ts).
 */
export async function reportVerify(values: { ca: string | undefined }, dir: string): Promise<void> {
  const location = resolveInstance();
  const caPem =
    values.ca === undefined
      ? auditTrustAnchorPem(loadConfig(location.configPath))
      : readFileSync(values.ca, 'utf8');
  // Only a report signing certificate of the CA will do: not an app's, not the audit signer's.
  const result = await verifyDetached(
    readFileSync(join(dir, 'report.p7s')),
    readFileSync(join(dir, 'report.json')),
    caPem,
    { profile: 'reports' },
  );
  if (!result.ok)
    throw new CliError(
      `FAILED: ${join(dir, 'report.json')} does not match its signature: ${result.reason ?? ''}`,
    );
  say(`OK: report.json is signed by ${result.signer ?? 'the CA'} and unchanged`);
  if (result.legacyProfile === true)
    say(
      'note: signed with a report certificate of the old profile (codeSigning only), from before key purposes were bound; stock OpenSSL verifies it only with -purpose any (docs/reports.md)',
    );
}

export async function reportCommand(
  sub: 'semester' | 'status',
  values: { out: string; year?: string; half?: string },
): Promise<void> {
  const location = resolveInstance();
  const services = await openOfflineServices(location);
  const { config, policy } = services;
  try {
    const zone = reportTimeZone(config, policy, Date.now());
    let period;
    if (sub === 'semester') {
      const year = Number(values.year);
      const half = Number(values.half);
      if (!Number.isInteger(year) || year < 2000 || year > 2100)
        throw new CliError('--year must be a year from 2000 to 2100', EXIT.usage);
      if (half !== 1 && half !== 2)
        throw new CliError('--half must be 1 (January–June) or 2 (July–December)', EXIT.usage);
      period = semesterPeriod(year, half, zone);
      if (Date.now() < Date.parse(period.from))
        throw new CliError(`${period.label} has not begun: there is nothing to report`, EXIT.usage);
    } else {
      period = statusPeriod(Date.now(), zone);
    }
    const generated = await services.reports.generate(sub, period, {
      id: `cli:${userInfo().username}`,
      role: 'officer',
      certificateFingerprint: '-',
    });
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'report.json'), generated.json, { mode: 0o600 });
    writeFileSync(join(values.out, 'report.p7s'), generated.signature, { mode: 0o600 });
    writeFileSync(
      join(values.out, 'report.html'),
      renderReportHtml(generated.report, generated.digest),
      { mode: 0o600 },
    );
    say(`report ${period.label} written to ${values.out} (report.json sha256 ${generated.digest})`);
    const { report } = generated;
    say(
      report.sementara
        ? `SEMENTARA (partial): counts up to the cut-off ${report.cutOff}; the half ends ${report.period.to} — the final report can be made from then (docs/reports.md)`
        : `final: counts the whole half, cut-off ${report.cutOff}`,
    );
    if (report.due !== undefined)
      say(
        `due (PKS Pasal 8(1)): in ${report.due.deliveryMonth}, by ${report.due.dueDate} (${report.due.timeZone})`,
      );
    say(
      `verify: openssl cms -verify -binary -inform DER -in ${join(values.out, 'report.p7s')} -content ${join(values.out, 'report.json')} -CAfile ${displayPath(join(location.pkiDir, 'ca.crt'))}`,
    );
  } finally {
    await services.close();
  }
}

/** What a due state means, for people (docs/reports.md). */
const DUE_WORDS = {
  upcoming: 'not made yet',
  reminder: 'REMINDER: not made yet, due soon',
  overdue: 'OVERDUE: not made by its due date',
  met: 'made',
  met_late: 'made after its due date',
  not_owed: 'not owed: no agreement in force in its delivery month',
} as const;

/** `report due`: the semester report to act on; exits 1 while it is overdue. */
export async function reportDueCommand(): Promise<void> {
  const services = await openOfflineServices(resolveInstance());
  try {
    const status = services.reports.due(Date.now());
    const { due } = status;
    say(
      `${due.semester}: due in ${due.deliveryMonth}, by ${due.dueDate} (${due.timeZone}); ${String(status.daysLeft)} day(s) left — ${DUE_WORDS[status.state]}`,
    );
    if (status.delivered !== undefined)
      say(
        `made ${status.delivered.time} by ${status.delivered.by}, ${status.delivered.sementara ? `sementara (cut-off ${status.delivered.cutOff ?? '?'})` : 'final'}, sha256 ${status.delivered.sha256}`,
      );
    if (status.final !== undefined) say(`final report made ${status.final.time}`);
    if (status.state === 'overdue')
      throw new CliError(`the ${due.semester} report is overdue`, EXIT.failure);
  } finally {
    await services.close();
  }
}
