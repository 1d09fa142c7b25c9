/**
 * The officer console's search, paging, export and alert acknowledgement through the real
 * application: filters by operator, reader, request id and the agreement's local days (WITA),
 * newest first, a page at a time; CSV and signed JSON Lines exports verified with stock OpenSSL
 * and holding no NIK; acknowledgements recorded and shown.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  lookupBody,
  testCertificateAuthority,
} from '../../../test/helpers/in-process-app.ts';
import { opensslCmsVerify } from '../../../test/helpers/openssl.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';

const NIK = '6474015709900001';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const scratch = mkdtempSync(join(tmpdir(), 'gerbang-officer-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

let signers = 0;
async function gateway(withReports = true) {
  if (!withReports) return { ...(await buildTestApp()), caPem: '' };
  const { authority, caPem, workDir } = await testCertificateAuthority();
  const files = await authority.issue({
    kind: 'signing',
    id: 'gerbang-reports',
    role: 'reports',
    basePath: join(workDir, `officer-report-signing-${String(++signers)}`),
    notBefore: new Date('2025-01-01T00:00:00Z'),
  });
  const config = structuredClone(demoConfig(0, 0, DEMO_AGREEMENT.signedOn));
  Object.assign(config, {
    reports: { signingKeyFile: files.keyPath, signingCertFile: files.certificatePath },
  });
  return { ...(await buildTestApp({ config })), caPem };
}
type App = Awaited<ReturnType<typeof gateway>>;

const post = (
  app: App,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = FORM,
) =>
  app.request('officer-1', path, {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields).toString(),
  });
const search = (app: App, fields: Record<string, string>) => post(app, '/console/officer', fields);
/** The seq column of the results table, in page order. */
const seqsOf = (page: string): number[] => {
  const table = /<caption>Hasil \/ results<\/caption>([^]*?)<\/table>/.exec(page)?.[1] ?? '';
  return [...table.matchAll(/<tr><td class="n">(\d+)<\/td>/g)].map((m) => Number(m[1]));
};
const lookupAt = async (app: App, iso: string, operator: string, requestId?: string) => {
  app.setNow(Date.parse(iso));
  const response = await app.request('app-pendaftaran', '/v1/nik/lookup', {
    method: 'POST',
    json: lookupBody(),
    operator,
    ...(requestId === undefined ? {} : { headers: { 'x-request-id': requestId } }),
  });
  expect(response.status).toBe(200);
};

describe('officer console search', () => {
  it('filters by operator, request id and the agreement’s local days, newest first, in WITA', async () => {
    const app = await gateway(false);
    // 15 January 23:30 WITA and 16 January 00:30 WITA: both 15 January in UTC.
    await lookupAt(app, '2026-01-15T15:30:00Z', 'petugas.07', 'req-late-15');
    await lookupAt(app, '2026-01-15T16:30:00Z', 'petugas.07', 'req-early-16');
    await lookupAt(app, '2026-01-15T16:40:00Z', 'petugas.08');
    const lookups = app.deps.auditLog.query({ type: 'lookup', limit: 10 }).items;
    const [late15, early16, other] = lookups.map((r) => r.seq);

    const byOperator = await (await search(app, { operator: 'petugas.07' })).text();
    expect(seqsOf(byOperator)).toEqual([early16, late15]);
    expect(byOperator).toContain('2026-01-16 00:30:00 WITA');
    expect(byOperator).toContain('Waktu / time (WITA)');
    expect(byOperator).toMatch(/title="lookup">Pencarian data <small class="code">lookup/);
    expect(byOperator).toMatch(/title="success">Berhasil/);

    const sixteenth = await (
      await search(app, { type: 'lookup', from: '2026-01-16', to: '2026-01-16' })
    ).text();
    expect(seqsOf(sixteenth)).toEqual([other, early16]);
    const fifteenth = await (
      await search(app, { type: 'lookup', from: '2026-01-15', to: '2026-01-15' })
    ).text();
    expect(seqsOf(fifteenth)).toEqual([late15]);

    const byRequest = await (await search(app, { requestId: 'req-early-16' })).text();
    expect(seqsOf(byRequest)).toEqual([early16]);
    const noReader = await (await search(app, { reader: 'reader-01' })).text();
    expect(seqsOf(noReader)).toEqual([]);
    await app.deps.audit.append({ type: 'card_read', outcome: 'success', readerId: 'reader-01' });
    const [cardRead] = app.deps.auditLog.query({ type: 'card_read', limit: 1 }).items;
    const byReader = await (await search(app, { reader: 'reader-01' })).text();
    expect(seqsOf(byReader)).toEqual([cardRead?.seq]);
    // Each search is recorded, naming its filters and never their values.
    const uses = app.deps.auditLog.query({ type: 'audit', event: 'query', limit: 10 }).items;
    expect(uses.map((u) => u.detail?.['filters'])).toEqual([
      'operator',
      'type,from,to',
      'type,from,to',
      'requestId',
      'reader',
      'reader',
    ]);
  });

  it('pages a search newest first, and a NIK search by its subjects, never the NIK', async () => {
    const app = await gateway(false);
    for (let i = 0; i < 105; i++)
      await app.deps.audit.append({
        type: 'lookup',
        outcome: 'success',
        operator: 'petugas.paging',
        subject: app.deps.traceSubjects(NIK)[0] ?? '',
      });
    const first = await (await search(app, { nik: NIK, type: 'lookup' })).text();
    expect(seqsOf(first)).toHaveLength(100);
    expect(first).not.toContain(NIK);
    const before = /id="next-page">[^]*?name="before" value="(\d+)"/.exec(first)?.[1];
    const subjects = /id="next-page">[^]*?name="subjects" value="([0-9a-f,]+)"/.exec(first)?.[1];
    expect(before).toBeDefined();
    expect(subjects).toBe(app.deps.traceSubjects(NIK).join(','));
    const second = await (
      await search(app, { subjects: subjects ?? '', type: 'lookup', before: before ?? '' })
    ).text();
    const seqs = [...seqsOf(first), ...seqsOf(second)];
    expect(seqs).toHaveLength(105);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    expect(second).not.toContain('id="next-page"');
    expect(second).toContain('id="first-page"');
  });

  it.each([
    ['an operator that could be a NIK', { operator: NIK }, 'invalid operator'],
    ['a bad request id', { requestId: 'a b' }, 'invalid request id'],
    ['a NIK and subjects at once', { nik: NIK, subjects: 'ab'.repeat(32) }, 'unknown field'],
    ['bad subjects', { subjects: 'zz' }, 'invalid subjects'],
    ['a bad page', { before: '0' }, 'invalid page'],
  ])('shows %s on the page (400), echoing no NIK', async (_, fields, message) => {
    const app = await gateway(false);
    const response = await search(app, fields);
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain(message);
    expect(page).not.toContain(NIK);
  });
});

describe('officer console export', () => {
  it('exports a NIK search as CSV and as signed JSON Lines, audited, with no NIK in either', async () => {
    const app = await gateway();
    await lookupAt(app, '2026-01-15T04:00:00Z', 'petugas.07');
    await lookupAt(app, '2026-01-15T05:00:00Z', 'petugas.07');
    const subjects = app.deps.traceSubjects(NIK).join(',');
    const csv = await post(app, '/console/officer/export', {
      subjects,
      type: 'lookup',
      format: 'csv',
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.csv"/);
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]).toMatch(/^seq,time_utc,time_local,type,event,client,operator/);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('2026-01-15 13:00:00 WITA');
    expect(rows.join('\n')).not.toContain(NIK);

    const jsonl = await post(app, '/console/officer/export', {
      subjects,
      type: 'lookup',
      format: 'jsonl',
    });
    expect(jsonl.status).toBe(200);
    const bytes = Buffer.from(await jsonl.arrayBuffer());
    expect(bytes.toString('utf8')).not.toContain(NIK);
    const lines = bytes.toString('utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      export: { records: 2, timeZone: 'Asia/Makassar', exportedBy: 'officer-1', truncated: false },
    });
    expect(lines.slice(1, -1).map((l) => (JSON.parse(l) as { type: string }).type)).toEqual([
      'lookup',
      'lookup',
    ]);
    const seal = JSON.parse(lines.at(-1) ?? '') as { signature: { p7s: string; sha256: string } };
    const content = bytes.subarray(0, bytes.length - Buffer.byteLength(`${lines.at(-1) ?? ''}\n`));
    const files = {
      content: join(scratch, 'search.content'),
      signature: join(scratch, 'search.p7s'),
      caFile: join(scratch, 'ca.crt'),
    };
    writeFileSync(files.content, content);
    writeFileSync(files.signature, Buffer.from(seal.signature.p7s, 'base64'));
    writeFileSync(files.caFile, app.caPem);
    const verified = opensslCmsVerify(files);
    expect(verified.stderr).toContain('Verification successful');
    expect(verified.status).toBe(0);
    // One changed byte and the signature no longer holds.
    writeFileSync(files.content, Buffer.from(content.toString('utf8').replace('lookup', 'lookuP')));
    expect(opensslCmsVerify(files).status).not.toBe(0);
    expect(readFileSync(files.signature).length).toBeGreaterThan(100);

    const exports = app.deps.auditLog.query({ type: 'audit', event: 'export', limit: 10 }).items;
    expect(exports.map((e) => [e.detail?.['format'], e.detail?.['records'], e.subject])).toEqual([
      ['csv', 2, app.deps.traceSubjects(NIK)[0]],
      ['jsonl', 2, app.deps.traceSubjects(NIK)[0]],
    ]);
    expect(exports[1]?.detail?.['sha256']).toBe(seal.signature.sha256);
  });

  it('refuses a signed export without a report-signing key, and a NIK in an export form', async () => {
    const { reports: _none, ...config } = structuredClone(
      demoConfig(0, 0, DEMO_AGREEMENT.signedOn),
    );
    const app = { ...(await buildTestApp({ config })), caPem: '' };
    const jsonl = await post(app, '/console/officer/export', { format: 'jsonl' });
    expect(jsonl.status).toBe(409);
    expect(await jsonl.text()).toContain('<code>conflict</code>');
    const nik = await post(app, '/console/officer/export', { nik: NIK, format: 'csv' });
    expect(nik.status).toBe(400);
    expect(await nik.text()).not.toContain(NIK);
    const crossSite = await post(
      app,
      '/console/officer/export',
      { format: 'csv' },
      { ...FORM, 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.status).toBe(403);
    expect(app.deps.auditLog.query({ type: 'audit', event: 'export', limit: 10 }).items).toEqual(
      [],
    );
  });
});

describe('alert acknowledgement', () => {
  it('records who acknowledged an alert, when and why, and shows it; once only', async () => {
    const app = await gateway(false);
    await app.deps.audit.append({
      type: 'security',
      event: 'alert',
      outcome: 'alert',
      operator: 'petugas.07',
      detail: { rule: 'burst' },
    });
    const [alert] = app.deps.auditLog.query({ type: 'security', event: 'alert', limit: 1 }).items;
    const seq = String(alert?.seq);
    const before = await (await app.request('officer-1', '/console/officer')).text();
    expect(before).toContain('/console/officer/alerts/ack');

    const missing = await post(app, '/console/officer/alerts/ack', { alert: seq, note: '' });
    expect(missing.status).toBe(400);
    const unknown = await post(app, '/console/officer/alerts/ack', { alert: '9999', note: 'x' });
    expect(unknown.status).toBe(404);
    const done = await post(app, '/console/officer/alerts/ack', {
      alert: seq,
      note: 'dicek dengan kepala bidang',
    });
    expect(done.status).toBe(200);
    const page = await done.text();
    expect(page).toContain(`id="ack-${seq}"`);
    expect(page).toMatch(/Diakui \/ acknowledged: officer-1, <time[^>]*>2026-01-15 11:00:00 WITA/);
    expect(page).toContain('dicek dengan kepala bidang');
    const [ack] = app.deps.auditLog.query({
      type: 'security',
      event: 'alert_acknowledged',
      limit: 5,
    }).items;
    expect(ack).toMatchObject({
      principal: { id: 'officer-1', role: 'officer' },
      detail: { alert: alert?.seq, note: 'dicek dengan kepala bidang', via: 'console' },
    });
    const again = await post(app, '/console/officer/alerts/ack', { alert: seq, note: 'lagi' });
    expect(again.status).toBe(409);
    const crossSite = await post(
      app,
      '/console/officer/alerts/ack',
      { alert: seq, note: 'x' },
      { ...FORM, 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.status).toBe(403);
  });
});
