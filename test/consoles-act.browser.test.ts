/**
 * The consoles that act, in a real headless Chromium over real mTLS against `gerbang serve`:
 * each admin action through its form (reason, confirmation, then its effect on the page); the
 * officer's filters (operator, reader, request id, local dates), paging, CSV and signed JSONL
 * downloads (verified with stock OpenSSL, no NIK in them) and an alert acknowledged; a refused
 * browser's HTML page. Screenshots of each page state go to test-artifacts/consoles/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays, addYears, calendarDateIn } from '../policies/index.ts';
import { demoReaderFiles } from '../gateway/cli/demo/instance.ts';
import { browserSuite, chromiumInstalled, principalBrowsers, submit } from './helpers/browser.ts';
import { canaryTracesIn, filesUnder, ROOT } from './helpers/child-gateway.ts';
import { canaryLookup, LOOKUP_HEADERS } from './helpers/instance.ts';
import { opensslCmsVerify } from './helpers/openssl.ts';
import { describeWithTools } from './helpers/tools.ts';
import { eventually } from './helpers/until.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts/consoles');
const CANARY_NIK = '6474015709900001';
const ZONE = 'Asia/Makassar';
const downloads = mkdtempSync(join(tmpdir(), 'gerbang-downloads-'));

const suite = browserSuite({
  artifacts: ARTIFACTS,
  healthAs: 'officer-1',
  // One lookup of the canary resident by operator petugas.01 under a known request id.
  prepare: async () => {
    const lookup = await api('app-pendaftaran', 'POST', '/v1/nik/lookup', canaryLookup());
    expect(lookup.status).toBe(200);
  },
});
const started = suite.instance;
const { open } = principalBrowsers(suite.browser, started, { acceptDownloads: true });
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

async function api(id: string, method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await request(`${started().url}${path}`, {
    method,
    dispatcher: started().agent(id),
    headers: {
      'content-type': 'application/json',
      ...LOOKUP_HEADERS,
      'x-request-id': 'req-console-1',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.statusCode, body: await response.body.json() };
}

/** Fills an action's form, posts it, checks the confirmation page, and confirms. */
async function act(
  page: Page,
  action: string,
  fill: (form: Locator) => Promise<void>,
  reason: string,
  screenshot?: string,
): Promise<void> {
  const form = page.locator(`#act-${action}`);
  await fill(form);
  await form.locator('input[name=reason]').fill(reason);
  await submit(page, /Continue/, `#act-${action}`);
  expect(await page.locator('#confirm-summary').innerText()).toContain(reason);
  if (screenshot !== undefined) await shot(page, screenshot);
  await submit(page, /Yes, do it/);
}

const rowOf = (page: Page, section: string, id: string) =>
  page.locator(`section[aria-labelledby=${section}] tbody tr`, { hasText: id }).first();

describeWithTools(
  'the consoles that act, in a real Chromium',
  { chromium: chromiumInstalled() },
  () => {
    suite.hooks();
    afterAll(() => {
      rmSync(downloads, { recursive: true, force: true });
    });

    describe('admin console', () => {
      it('makes every change through its form, with a reason and a confirmation', async () => {
        const { page } = await open('admin-1', '/console/admin');
        await shot(page, 'admin-forms');
        const pem = readFileSync(
          demoReaderFiles(join(started().dir, 'pki')).samCertificate,
          'utf8',
        );

        await act(
          page,
          'reader_enrol',
          async (form) => {
            await form.locator('input[name=newReaderId]').fill('reader-01');
            await form.locator('textarea[name=samCertificate]').fill(pem);
          },
          'pembaca loket 1',
          'admin-confirm-reader-enrol',
        );
        await shot(page, 'admin-done-reader-enrolled');
        expect(await rowOf(page, 'readers', 'reader-01').innerText()).toContain('enrolled');
        for (const [action, state] of [
          ['reader_activate', 'active'],
          ['reader_deactivate', 'deactivated'],
          ['reader_activate', 'active'],
        ] as const) {
          await act(
            page,
            action,
            (form) => form.locator('select[name=readerId]').selectOption('reader-01').then(),
            `uji ${action}`,
          );
          expect(await page.locator('#action-done').innerText()).toContain('Done');
          expect(
            await rowOf(page, 'readers', 'reader-01').locator('td').nth(2).innerText(),
          ).toMatch(new RegExp(`^${state}`));
        }

        await act(
          page,
          'client_suspend',
          (form) => form.locator('select[name=clientId]').selectOption('app-kasir').then(),
          'audit internal',
        );
        expect(await rowOf(page, 'clients', 'app-kasir').innerText()).toContain(
          'suspended — audit internal',
        );
        await act(
          page,
          'client_resume',
          (form) => form.locator('select[name=clientId]').selectOption('app-kasir').then(),
          'audit selesai',
        );
        expect(await rowOf(page, 'clients', 'app-kasir').innerText()).toContain('aktif / active');

        const agreements = (await api('admin-1', 'GET', '/v1/admin/agreements')).body as {
          items: { number: string; validUntil: string }[];
        };
        const current = agreements.items[0];
        if (current === undefined) throw new Error('no agreement');
        const today = calendarDateIn(Date.now(), ZONE);
        await act(
          page,
          'agreement_iso27001',
          (form) => form.locator('input[name=submittedOn]').fill(today),
          'sertifikat diterima',
        );
        expect(await rowOf(page, 'agreements', current.number).innerText()).toContain(
          `submitted, ${today}`,
        );
        await act(
          page,
          'agreement_instrument',
          async (form) => {
            await form.locator('select[name=kind]').selectOption('petunjuk_teknis');
            await form.locator('input[name=instrumentNumber]').fill('JUKNIS-01/2026');
            await form.locator('input[name=effectiveOn]').fill(today);
            await form.locator('input[name=sha256]').fill('ab'.repeat(32));
          },
          'juknis baru',
        );
        expect(await rowOf(page, 'agreements', current.number).innerText()).toContain(
          'petunjuk_teknis JUKNIS-01/2026',
        );

        await act(
          page,
          'agreement_suspend',
          (form) => form.locator('select[name=number]').selectOption(current.number).then(),
          'banjir di pusat data',
          'admin-confirm-agreement-suspend',
        );
        await shot(page, 'admin-done-agreement-suspended');
        expect(await rowOf(page, 'agreements', current.number).innerText()).toContain(
          'suspended since',
        );
        expect(
          (await api('app-pendaftaran', 'POST', '/v1/nik/lookup', canaryLookup())).body,
        ).toMatchObject({
          error: { code: 'agreement_suspended' },
        });
        // Twice: the service's conflict, shown on the page with its code and status.
        await act(
          page,
          'agreement_suspend',
          (form) => form.locator('select[name=number]').selectOption(current.number).then(),
          'lagi',
        );
        expect(await page.locator('#action-error').innerText()).toContain('conflict');
        await shot(page, 'admin-error-conflict');
        await act(
          page,
          'agreement_resume',
          (form) => form.locator('select[name=number]').selectOption(current.number).then(),
          'pusat data pulih',
        );
        expect(await rowOf(page, 'agreements', current.number).innerText()).not.toContain(
          'suspended since',
        );

        const from = addDays(current.validUntil, 1);
        await act(
          page,
          'agreement_renew',
          async (form) => {
            await form.locator('select[name=follows]').selectOption(current.number);
            await form.locator('input[name=newNumber]').fill('400.12.4.3/1/DKPS/2027');
            await form.locator('input[name=signedOn]').fill(today);
            await form.locator('input[name=validFrom]').fill(from);
            await form.locator('input[name=validUntil]').fill(addDays(addYears(from, 5), -1));
          },
          'perpanjangan PKS',
        );
        expect(await rowOf(page, 'agreements', '400.12.4.3/1/DKPS/2027').innerText()).toContain(
          from,
        );
        await act(
          page,
          'agreement_terminate',
          async (form) => {
            await form.locator('select[name=number]').selectOption('400.12.4.3/1/DKPS/2027');
            await form.locator('select[name=terminationReason]').selectOption('mutual_agreement');
          },
          'dibatalkan bersama',
        );
        expect(await rowOf(page, 'agreements', '400.12.4.3/1/DKPS/2027').innerText()).toContain(
          'terminated',
        );

        await act(page, 'clock_acknowledge', () => Promise.resolve(), 'jam sudah dicek');
        expect(await page.locator('#action-error').innerText()).toContain('conflict');
        await act(
          page,
          'reader_blacklist',
          (form) => form.locator('select[name=readerId]').selectOption('reader-01').then(),
          'hilang',
        );
        expect(await rowOf(page, 'readers', 'reader-01').innerText()).toContain('blacklisted');
        await shot(page, 'admin-after-actions');
        await page.close();
      });
    });

    describe('officer console', () => {
      it('filters by operator, reader, request id and local dates, newest first, in WITA', async () => {
        const { page } = await open('officer-1', '/console/officer');
        const search = async (fields: Record<string, string>) => {
          for (const [name, value] of Object.entries(fields))
            await page
              .locator(`form[action="/console/officer"] [name=${name}]`)
              .first()
              .fill(value);
          await submit(page, /Cari/);
        };
        const seqs = async () =>
          (
            await page.locator('table').first().locator('tbody tr td:first-child').allInnerTexts()
          ).map(Number);
        const recordDays = async () =>
          (
            await page.locator('table').first().locator('tbody tr td:nth-child(2)').allInnerTexts()
          ).map((time) => time.trim().slice(0, 10));
        await search({ operator: 'petugas.01' });
        const byOperator = await seqs();
        expect(byOperator.length).toBeGreaterThanOrEqual(2);
        expect([...byOperator].sort((a, b) => b - a)).toEqual(byOperator);
        expect(await page.locator('table').first().innerText()).toContain('WITA');
        expect(await page.locator('table').first().innerText()).toContain('Pencarian data');
        await shot(page, 'officer-filter-operator');
        await page.goto(`${started().url}/console/officer`);
        await search({ requestId: 'req-console-1', operator: 'petugas.01' });
        expect(await seqs()).toEqual(byOperator);
        // The records' own local days, as the page shows them (a run across midnight in the
        // agreement's zone has records on two days): from the first to the last, both inclusive.
        const days = await recordDays();
        const [first, last] = [days.at(-1) ?? '', days[0] ?? ''];
        expect(first).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        await page.goto(`${started().url}/console/officer`);
        await search({ operator: 'petugas.01', from: first, to: last });
        expect(await seqs()).toEqual(byOperator);
        await page.goto(`${started().url}/console/officer`);
        await search({ operator: 'petugas.01', from: addDays(first, -3), to: addDays(first, -1) });
        expect(await seqs()).toEqual([]);
        await page.goto(`${started().url}/console/officer`);
        await search({ reader: 'reader-01' });
        expect(await page.locator('#result-count').innerText()).toContain('0 catatan');
        await page.close();
      });

      it('pages a search and downloads it as CSV and as signed JSONL without any NIK', async () => {
        // More than a page of records: each search through the API is itself one.
        for (let i = 0; i < 101; i++)
          expect((await api('officer-1', 'GET', '/v1/audit/events?limit=1')).status).toBe(200);
        const { page } = await open('officer-1', '/console/officer');
        await page.locator('select[name=type]').selectOption('audit');
        await submit(page, /Cari/);
        const first = await page.locator('table').first().locator('tbody tr').count();
        expect(first).toBe(100);
        await submit(page, /Next page/);
        await shot(page, 'officer-page-2');
        expect(await page.locator('#first-page').count()).toBe(1);

        // A NIK search, exported: the export form carries the NIK's HMAC subjects, never the NIK.
        await page.goto(`${started().url}/console/officer`);
        await page.locator('input[name=nik]').fill(CANARY_NIK);
        await submit(page, /Cari/);
        expect(await page.content()).not.toContain(CANARY_NIK);
        const save = async (button: RegExp) => {
          const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.getByRole('button', { name: button }).click(),
          ]);
          const path = join(downloads, download.suggestedFilename());
          await download.saveAs(path);
          return path;
        };
        const csv = await save(/Download CSV/);
        expect(csv).toMatch(/\.csv$/);
        const rows = readFileSync(csv, 'utf8').trim().split('\r\n');
        expect(rows[0]).toMatch(/^seq,time_utc,time_local,type/);
        expect(rows.some((row) => row.includes(',lookup,'))).toBe(true);
        const jsonl = await save(/signed JSONL/);
        const text = readFileSync(jsonl, 'utf8');
        const lines = text.trimEnd().split('\n');
        const seal = JSON.parse(lines.at(-1) ?? '') as { signature: { p7s: string } };
        const files = {
          content: join(downloads, 'search.content'),
          signature: join(downloads, 'search.p7s'),
          caFile: join(started().dir, 'pki/ca.crt'),
        };
        writeFileSync(files.content, text.slice(0, text.length - (lines.at(-1) ?? '').length - 1));
        writeFileSync(files.signature, Buffer.from(seal.signature.p7s, 'base64'));
        const verified = opensslCmsVerify(files);
        expect(verified.stderr).toContain('Verification successful');
        for (const path of [csv, jsonl]) expect(canaryTracesIn(path)).toEqual([]);
        expect(text).not.toContain(CANARY_NIK);
        await page.close();
      });

      it('acknowledges an alert with a note, and shows who and when', async () => {
        // The suspension above raised an alert (agreement_suspended).
        const { page } = await open('officer-1', '/console/officer');
        await eventually(
          async () => {
            await page.reload();
            return (await page.locator('form[action="/console/officer/alerts/ack"]').count()) > 0;
          },
          { what: 'an alert to acknowledge' },
        );
        await shot(page, 'officer-alerts');
        const form = page.locator('form[action="/console/officer/alerts/ack"]').first();
        const seq = await form.locator('input[name=alert]').getAttribute('value');
        await form.locator('input[name=note]').fill('sudah dicek dengan Disdukcapil');
        await submit(page, /Acknowledge/, `form:has(input[name=alert][value="${seq ?? ''}"])`);
        const ack = page.locator(`#ack-${seq ?? ''}`);
        expect(await ack.innerText()).toMatch(
          /acknowledged: officer-1, \d{4}-\d{2}-\d{2} [\d:]+ WITA — sudah dicek/,
        );
        await shot(page, 'officer-alert-acknowledged');
        await page.close();
      });
    });

    describe('refusals in a browser', () => {
      it('shows an app certificate opening the admin console an HTML page with the code', async () => {
        const { page, response } = await open('app-pendaftaran', '/console/admin');
        expect(response.status()).toBe(403);
        expect(await page.locator('#refusal-code').innerText()).toContain('forbidden');
        expect(await page.locator('main').innerText()).toContain(
          'Your certificate may not open this page',
        );
        await shot(page, 'refusal-forbidden');
        const missing = await open('admin-1', '/console/nothing');
        expect(missing.response.status()).toBe(404);
        await shot(missing.page, 'refusal-not-found');
        await page.close();
        await missing.page.close();
      });

      it('left no canary NIK or name in any file the gateway wrote', () => {
        const traces = filesUnder(started().dir).flatMap((file) =>
          canaryTracesIn(file).map((canary) => `${file}: ${canary}`),
        );
        expect(traces).toEqual([]);
      });
    });
  },
);
