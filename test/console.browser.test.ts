/**
 * The web consoles in a real headless Chromium, over real mTLS with the demo principals' client
 * certificates, against `gerbang serve` as a child process. Each page loads for its roles and is
 * refused for the others; an officer traces a resident by NIK (the NIK never reaches the address
 * bar, the page or the disk); an evaluator renders the semester report under the page's CSP.
 * Screenshots are kept under test-artifacts/console/ for review. Needs Debian's chromium
 * (.ci/run installs it; test/helpers/tools.ts says what happens without).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryTracesIn, filesUnder, ROOT } from './helpers/child-gateway.ts';
import { describeWithTools } from './helpers/tools.ts';
import {
  browserSuite,
  chromiumInstalled,
  computedStyle,
  lookUpCanary,
  principalBrowsers,
  submit,
} from './helpers/browser.ts';
import { calendarDateIn } from '../policies/index.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts/console');
const CANARY_NIK = '6474015709900001';
const OTHER_NIK = '3316010101850002';

const suite = browserSuite({
  artifacts: ARTIFACTS,
  healthAs: 'officer-1',
  // One lookup of the canary resident, so that the trail has something to find by NIK.
  prepare: lookUpCanary,
});
const started = suite.instance;
const { as, open } = principalBrowsers(suite.browser, started);

describeWithTools('the web consoles in a real Chromium', { chromium: chromiumInstalled() }, () => {
  suite.hooks();

  describe('console pages and their roles', () => {
    const matrix: readonly [string, string, boolean][] = [
      ['/console/', 'officer-1', true],
      ['/console/', 'evaluator-1', true],
      ['/console/', 'admin-1', true],
      ['/console/', 'app-pendaftaran', false],
      ['/console/', 'reader-01', false],
      ['/console/officer', 'officer-1', true],
      ['/console/officer', 'evaluator-1', false],
      ['/console/officer', 'admin-1', false],
      ['/console/officer', 'app-kasir', false],
      ['/console/evaluator', 'evaluator-1', true],
      ['/console/evaluator', 'officer-1', true],
      ['/console/evaluator', 'admin-1', false],
      ['/console/evaluator', 'app-pendaftaran', false],
      ['/console/admin', 'admin-1', true],
      ['/console/admin', 'officer-1', false],
      ['/console/admin', 'evaluator-1', false],
      ['/console/admin', 'reader-01', false],
    ];
    it.each(matrix)('%s as %s: allowed=%s', async (path, id, allowed) => {
      const { page, response } = await open(id, path);
      if (allowed) {
        expect(response.status()).toBe(200);
        expect(response.headers()['content-security-policy']).toMatch(
          /script-src|default-src 'none'/,
        );
        expect(response.headers()['cache-control']).toBe('no-store');
        expect(await page.locator('header').innerText()).toContain(id);
        // The stylesheet is allowed by its hash: the page is styled, not blocked by the CSP.
        const background = await page.locator('header').evaluate(computedStyle, 'backgroundColor');
        expect(background).toBe('rgb(17, 34, 51)');
        await page.screenshot({
          path: join(ARTIFACTS, `${path.replaceAll('/', '_')}-${id}.png`),
          fullPage: true,
        });
      } else {
        expect(response.status()).toBe(403);
        // A browser is refused with the consoles' HTML page, its code shown (error-handler.ts).
        expect(response.headers()['content-type']).toContain('text/html');
        expect(await page.locator('#refusal-code').innerText()).toContain('forbidden');
      }
      await page.close();
    });

    it('shows each role only the pages it may open', async () => {
      const { page } = await open('evaluator-1', '/console/');
      const links = await Promise.all(
        (await page.locator('main a').all()).map((link) => link.getAttribute('href')),
      );
      expect(links).toEqual(['/console/evaluator']);
      await page.close();
    });
  });

  describe('officer console', () => {
    it('finds the resident’s lookups by NIK without the NIK reaching the URL, page or disk', async () => {
      const { page } = await open('officer-1', '/console/officer');
      await page.locator('input[name=nik]').fill(CANARY_NIK);
      await submit(page, /Cari/);
      await page.waitForSelector('#result-count');
      expect(page.url()).not.toContain(CANARY_NIK);
      // Rows as "type / event | client", newest first: this search itself (the officer's use of
      // the trail is audited under the same NIK hash), then the resident's lookup. The codes are
      // the titles of their Indonesian labels.
      const rowsOf = async () =>
        Promise.all(
          (await page.locator('table').first().locator('tbody tr').all()).map(async (row) => {
            const cells = row.locator('td');
            const codes = await Promise.all(
              (await cells.nth(2).locator('[title]').all()).map((c) => c.getAttribute('title')),
            );
            return `${codes.join(' / ')} | ${(await cells.nth(3).innerText()).trim()}`;
          }),
        );
      expect(await rowsOf()).toEqual(['audit / query | officer-1', 'lookup | app-pendaftaran']);
      expect(await page.content()).not.toContain(CANARY_NIK);
      await page.screenshot({ path: join(ARTIFACTS, 'officer-search-by-nik.png'), fullPage: true });

      // Another resident was never looked up: only this search is found under that NIK.
      await page.locator('input[name=nik]').fill(OTHER_NIK);
      await submit(page, /Cari/);
      expect(await rowsOf()).toEqual(['audit / query | officer-1']);

      // Sixteen digits, but day 99 of the month: the gateway's check answers on the page.
      await page.locator('input[name=nik]').fill('6474019913990001');
      await submit(page, /Cari/);
      expect(await page.getByRole('alert').innerText()).toContain('16-digit');
      await page.close();
    });

    it('verifies the chain on request and records the use of the trail', async () => {
      const { page } = await open('officer-1', '/console/officer');
      await submit(page, /Verify now/);
      expect(await page.locator('#chain-result').innerText()).toContain('intact');
      await page.locator('input[name=nik]').fill(CANARY_NIK);
      await submit(page, /Cari/);
      // The console search was itself audited, under the same subject hash as the lookup.
      const table = page.locator('table').first();
      // Labelled in Indonesian, the code small beside it: "pencarian query".
      expect(await table.innerText()).toContain('Penggunaan jejak audit audit / pencarian query');
      expect(await table.innerText()).toContain('via=console');
      await page.close();
    });

    it('can be used from the keyboard, with every control named by its label', async () => {
      const { page } = await open('officer-1', '/console/officer');
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').innerText()).toContain('Skip to content');
      // Labels name the controls (what a screen reader announces), so role + name finds them.
      for (const name of [/NIK/, /client/]) {
        expect(await page.getByRole('textbox', { name }).count()).toBe(1);
      }
      expect(await page.getByRole('combobox', { name: /type/ }).count()).toBe(1);
      // Typing a NIK and pressing Enter submits the search.
      await page.getByRole('textbox', { name: /NIK/ }).focus();
      await page.keyboard.type(CANARY_NIK);
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
      expect(await page.locator('#result-count').innerText()).toContain('catatan');
      await page.close();
    });

    it('refuses a form posted from another site', async () => {
      const context = await as('officer-1');
      const response = await context.request.post(`${started().url}/console/officer`, {
        headers: {
          origin: 'https://evil.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        data: `nik=${CANARY_NIK}`,
      });
      expect(response.status()).toBe(403);
      const fetchMetadata = await context.request.post(`${started().url}/console/officer`, {
        headers: {
          'sec-fetch-site': 'cross-site',
          'content-type': 'application/x-www-form-urlencoded',
        },
        data: `nik=${CANARY_NIK}`,
      });
      expect(fetchMetadata.status()).toBe(403);
    });
  });

  describe('evaluator console', () => {
    it('renders the signed semester report with its styles', async () => {
      const { page } = await open('evaluator-1', '/console/evaluator');
      expect(await page.locator('#ca-certificate').innerText()).toContain('BEGIN CERTIFICATE');
      // The current half in the agreement's zone is preselected, and its report is the one due.
      const [year = '', month = '01'] = calendarDateIn(Date.now(), 'Asia/Makassar').split('-');
      const half = Number(month) <= 6 ? '1' : '2';
      expect(await page.locator('select[name=year]').inputValue()).toBe(year);
      expect(await page.locator('select[name=half]').inputValue()).toBe(half);
      expect(await page.locator('#due-semester').innerText()).toBe(`${year}-S${half}`);
      expect(await page.locator('#due-date').innerText()).toContain(
        half === '1' ? `${year}-06-30` : `${year}-12-31`,
      );
      await submit(page, /Generate/);
      expect(await page.locator('h1').innerText()).toContain('Laporan Pemanfaatan');
      expect(page.url()).toContain(`year=${year}`);
      expect(await page.locator('body').innerText()).toContain(`${year}-S${half}`);
      // Made before the half ends: partial, with its cut-off, before anything else on the page.
      expect(await page.locator('#sementara').innerText()).toContain('SEMENTARA');
      expect(await page.locator('#cut-off').innerText()).toMatch(
        /cut-off: \d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WITA \(\d{4}-\d{2}-\d{2}T/,
      );
      const border = await page.locator('th').first().evaluate(computedStyle, 'borderTopStyle');
      expect(border).toBe('solid');
      await page.screenshot({
        path: join(ARTIFACTS, 'evaluator-semester-report.png'),
        fullPage: true,
      });
      await page.close();
    });
  });

  describe('admin console', () => {
    it('lists the agreement with its days left, the clients and the readers', async () => {
      const { page } = await open('admin-1', '/console/admin');
      const agreements = page.locator('section[aria-labelledby=agreements] tbody tr');
      expect(await agreements.count()).toBeGreaterThan(0);
      const daysLeft = Number(await agreements.first().locator('td').nth(3).innerText());
      expect(daysLeft).toBeGreaterThan(0);
      expect(await page.locator('section[aria-labelledby=clients]').innerText()).toContain(
        'app-kasir',
      );
      await page.close();
    });
  });

  describe('after the console session', () => {
    it('left no canary NIK or name in any file the gateway wrote', () => {
      const traces = filesUnder(started().dir).flatMap((file) =>
        canaryTracesIn(file).map((canary) => `${file}: ${canary}`),
      );
      expect(traces).toEqual([]);
    });
  });
});
