/**
 * The semester report over the real application in-process (STYLE.md tier 1), real SQLite trail,
 * a real report signing certificate of the gateway CA, and an injected clock: partial (`sementara`)
 * with its cut-off in June, final after the half, due dates, and the reminder on the evaluator page
 * and the admin console, at instants around the boundaries in Asia/Makassar (UTC+8).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyDetached } from '../../../certs/cms.ts';
import {
  buildTestApp,
  lookupBody,
  testCertificateAuthority,
} from '../../../test/helpers/in-process-app.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';

let signers = 0;

/** The in-process gateway with a report signing key issued by its own CA. */
async function gatewayWithReports() {
  const { authority, caPem, workDir } = await testCertificateAuthority();
  const files = await authority.issue({
    kind: 'signing',
    id: 'gerbang-reports',
    role: 'reports',
    basePath: join(workDir, `report-signing-${String(++signers)}`),
    notBefore: new Date('2025-01-01T00:00:00Z'),
  });
  const config = structuredClone(demoConfig(0, 0, DEMO_AGREEMENT.signedOn));
  Object.assign(config, {
    reports: { signingKeyFile: files.keyPath, signingCertFile: files.certificatePath },
  });
  return { ...(await buildTestApp({ config })), caPem };
}

type Gateway = Awaited<ReturnType<typeof gatewayWithReports>>;

interface Answer {
  period: string;
  sementara: boolean;
  cutOff: string;
  reportJson: string;
  signatureP7s: string;
}
interface Report {
  format: string;
  sementara: boolean;
  cutOff: string;
  period: { to: string };
  due?: { deliveryMonth: string; dueDate: string; dueEnd: string };
  usage: { byClient: { client: string; type: string; outcome: string; count: number }[] };
}

async function lookupAt(gateway: Gateway, instant: string): Promise<void> {
  gateway.setNow(Date.parse(instant));
  const response = await gateway.request('app-pendaftaran', '/v1/nik/lookup', {
    method: 'POST',
    json: lookupBody(),
  });
  expect(response.status).toBe(200);
}

async function semester(gateway: Gateway, query: string) {
  const response = await gateway.request('evaluator-1', `/v1/reports/semester?${query}`);
  expect(response.status).toBe(200);
  const answer = (await response.json()) as Answer;
  const json = Buffer.from(answer.reportJson, 'base64');
  const verified = await verifyDetached(
    Buffer.from(answer.signatureP7s, 'base64'),
    json,
    gateway.caPem,
  );
  expect(verified.ok).toBe(true);
  return { answer, report: JSON.parse(json.toString('utf8')) as Report };
}

const page = async (gateway: Gateway, who: string, path: string) => {
  const response = await gateway.request(who, path);
  expect(response.status).toBe(200);
  return response.text();
};
const dueState = (html: string) => /id="due-state" data-state="([a-z_]+)"/.exec(html)?.[1];
const lookups = (report: Report) =>
  report.usage.byClient
    .filter((r) => r.client === 'app-pendaftaran' && r.type === 'lookup')
    .reduce((sum, r) => sum + r.count, 0);

describe('the semester report made in June (PKS Pasal 8(1))', () => {
  it('is sementara up to its cut-off, signed so, due by 30 June; the final one follows the half', async () => {
    const gateway = await gatewayWithReports();
    await lookupAt(gateway, '2026-06-20T01:00:00Z');

    // 20 June, 10:00 in Makassar: ten days before the due date, inside the 14-day window.
    gateway.setNow(Date.parse('2026-06-20T02:00:00Z'));
    const before = await page(gateway, 'evaluator-1', '/console/evaluator');
    expect(dueState(before)).toBe('reminder');
    expect(before).toContain('id="due-report-banner"');
    expect(before).toContain('2026-S1 jatuh tempo 2026-06-30, 10 hari lagi');

    const partial = await semester(gateway, 'year=2026&half=1');
    expect(partial.answer).toMatchObject({ sementara: true, cutOff: '2026-06-20T02:00:00.000Z' });
    // The mark is inside the signed bytes, not only beside them.
    expect(partial.report).toMatchObject({
      format: 'gerbang-compliance-report/2',
      sementara: true,
      cutOff: '2026-06-20T02:00:00.000Z',
      due: { deliveryMonth: '2026-06', dueDate: '2026-06-30', dueEnd: '2026-06-30T16:00:00.000Z' },
    });
    expect(lookups(partial.report)).toBe(1);
    const html = await page(
      gateway,
      'evaluator-1',
      '/v1/reports/semester?year=2026&half=1&format=html',
    );
    expect(html).toContain('SEMENTARA / PARTIAL');
    expect(html).toContain('2026-06-20T02:00:00.000Z');
    // The due date as a letter writes it, in the agreement's zone.
    expect(html).toContain('<strong>30 Juni 2026</strong> (WITA)');
    expect(html).not.toContain('id="final"');

    // Made and signed: the reminder is over, on both consoles.
    const after = await page(gateway, 'evaluator-1', '/console/evaluator');
    expect(dueState(after)).toBe('met');
    expect(after).not.toContain('id="due-report-banner"');
    expect(dueState(await page(gateway, 'admin-1', '/console/admin'))).toBe('met');

    // The second half has not begun: nothing to report.
    const early = await gateway.request('evaluator-1', '/v1/reports/semester?year=2026&half=2');
    expect(early.status).toBe(400);

    // A lookup on 1 July 00:30 local belongs to the second half and not to the final S1 report.
    await lookupAt(gateway, '2026-06-30T16:30:00Z');
    gateway.setNow(Date.parse('2026-07-03T00:00:00Z'));
    const final = await semester(gateway, 'year=2026&half=1');
    expect(final.answer).toMatchObject({ sementara: false, cutOff: '2026-06-30T16:00:00.000Z' });
    expect(final.report).toMatchObject({ sementara: false, cutOff: final.report.period.to });
    expect(lookups(final.report)).toBe(1);
    const finalHtml = await page(
      gateway,
      'evaluator-1',
      '/v1/reports/semester?year=2026&half=1&format=html',
    );
    expect(finalHtml).toContain('id="final"');
    expect(finalHtml).not.toContain('SEMENTARA');
  });

  it('is shown overdue on the admin console from 1 July local when it was never made', async () => {
    const gateway = await gatewayWithReports();
    await lookupAt(gateway, '2026-01-15T03:00:00Z');
    // 30 June 23:59 local: still due today.
    gateway.setNow(Date.parse('2026-06-30T15:59:00Z'));
    const lastDay = await page(gateway, 'admin-1', '/console/admin');
    expect(dueState(lastDay)).toBe('reminder');
    expect(lastDay).toContain('0 hari lagi');
    gateway.setNow(Date.parse('2026-06-30T16:00:00Z'));
    const admin = await page(gateway, 'admin-1', '/console/admin');
    expect(dueState(admin)).toBe('overdue');
    expect(admin).toMatch(/role="alert" id="due-report-banner">Laporan semester 2026-S1 terlambat/);
    // A status report does not discharge it; a late semester report does.
    const status = await gateway.request('evaluator-1', '/v1/reports/status');
    expect(status.status).toBe(200);
    // A status report is of a half not over: always sementara, cut off now, with no due date.
    const statusReport = JSON.parse(
      Buffer.from(((await status.json()) as Answer).reportJson, 'base64').toString('utf8'),
    ) as Report;
    expect(statusReport).toMatchObject({ sementara: true, cutOff: '2026-06-30T16:00:00.000Z' });
    expect(statusReport.due).toBeUndefined();
    expect(dueState(await page(gateway, 'admin-1', '/console/admin'))).toBe('overdue');
    await semester(gateway, 'year=2026&half=1');
    const done = await page(gateway, 'admin-1', '/console/admin');
    expect(dueState(done)).toBe('upcoming');
    expect(done).toContain('id="due-semester">2026-S2');
  });
});

describe('the evaluator page’s default semester', () => {
  it('is the current half in the agreement zone: December is the second, New Year in Makassar the first', async () => {
    const gateway = await gatewayWithReports();
    gateway.setNow(Date.parse('2026-12-10T03:00:00Z'));
    const december = await page(gateway, 'evaluator-1', '/console/evaluator');
    expect(december).toMatch(/<option value="2" selected[^>]*>/);
    expect(december).not.toMatch(/<option value="1" selected/);
    expect(december).toMatch(/<option value="2026" selected/);
    // 31 December 20:00 UTC is 1 January 04:00 in Makassar.
    gateway.setNow(Date.parse('2026-12-31T20:00:00Z'));
    const newYear = await page(gateway, 'evaluator-1', '/console/evaluator');
    expect(newYear).toMatch(/<option value="2027" selected/);
    expect(newYear).toMatch(/<option value="1" selected/);
  });
});

describe('the reports issued, on the evaluator page', () => {
  it('lists each report made with its anchor, status, delivery and due date, newest first', async () => {
    const gateway = await gatewayWithReports();
    await lookupAt(gateway, '2026-06-20T01:00:00Z');
    const empty = await page(gateway, 'evaluator-1', '/console/evaluator');
    expect(empty).toContain('id="report-history-empty"');
    gateway.setNow(Date.parse('2026-06-20T02:00:00Z'));
    const partial = await semester(gateway, 'year=2026&half=1');
    gateway.setNow(Date.parse('2026-07-03T00:00:00Z'));
    const final = await semester(gateway, 'year=2026&half=1');

    const html = await page(gateway, 'evaluator-1', '/console/evaluator');
    const section = html.slice(html.indexOf('id="report-history-section"'));
    const rows = section.slice(0, section.indexOf('</table>')).split('<tr>').slice(2);
    expect(rows).toHaveLength(2);
    const [newest = '', oldest = ''] = rows;
    const anchorOf = (text: string) => /class="anchor-root">([0-9a-f]{64})</.exec(text)?.[1];
    const checkpointOf = (r: { answer: Answer }) =>
      (
        JSON.parse(Buffer.from(r.answer.reportJson, 'base64').toString('utf8')) as {
          audit: { checkpoint: { treeSize: number; rootHash: string } };
        }
      ).audit.checkpoint;
    // Each row's anchor is the checkpoint inside that report's signed bytes.
    expect(anchorOf(newest)).toBe(checkpointOf(final).rootHash);
    expect(anchorOf(oldest)).toBe(checkpointOf(partial).rootHash);
    expect(newest).toContain(`>${String(checkpointOf(final).treeSize)}<`);
    expect(newest).toContain('3 Juli 2026 pukul 08.00 WITA');
    expect(newest).toContain('>final<');
    expect(newest).toContain('terlambat / late');
    expect(oldest).toContain('20 Juni 2026 pukul 10.00 WITA');
    expect(oldest).toContain('sementara / partial');
    expect(oldest).toContain('tepat waktu');
    expect(oldest).toContain('30 Juni 2026 (WITA)');
  });

  it('prints the half in Indonesian dates, all six months, and the head of the agency’s signature', async () => {
    const gateway = await gatewayWithReports();
    // 1 July 00:30 in Makassar, still 30 June in UTC: July's, in the agreement's zone.
    await lookupAt(gateway, '2026-06-30T16:30:00Z');
    await lookupAt(gateway, '2026-09-02T01:00:00Z');
    gateway.setNow(Date.parse('2026-09-03T04:00:00Z'));
    const html = await page(
      gateway,
      'evaluator-1',
      '/v1/reports/semester?year=2026&half=2&format=html',
    );
    expect(html).toContain('1 Juli – 31 Desember 2026 (WITA)');
    expect(html).not.toContain('2026-06-30T16:00:00.000Z –');
    const months = [...html.matchAll(/<g class="month" data-month="(\d{4}-\d{2})"/g)].map(
      (m) => m[1],
    );
    expect(months).toEqual(['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    // Each month's group ends with its total above the bars.
    const bars = [...html.matchAll(/data-month="(\d{4}-\d{2})">.*?>(\d+)<\/text><\/g>/g)];
    expect(bars.map((m) => `${m[1] ?? ''}=${m[2] ?? ''}`)).toEqual([
      '2026-07=1',
      '2026-08=0',
      '2026-09=1',
      '2026-10=0',
      '2026-11=0',
      '2026-12=0',
    ]);
    expect(html).toContain('Kepala Badan Pendapatan Daerah Kota Bontang');
    expect(html).toContain('Bontang, 3 September 2026');
    expect(html).toContain('NIP.');
  });
});
