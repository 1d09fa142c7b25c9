/**
 * The evaluator's desk in a real headless Chromium, over real mTLS with the demo evaluator's
 * client certificate, against `gerbang serve` as a child process: the console preselects the half
 * of today in the agreement's zone, the semester report's page is drawn whole (every month of the
 * half, the legend inside its chart), it prints to a PDF that is read back with poppler (the
 * period in Indonesian dates, each month, page numbers, the signature block), and the report then
 * stands in the history with its anchor. "Today" is the clock of this run (CI runs the suite a
 * year ahead too), read in the agreement's zone; nothing here names a date. Screenshots, the PDF
 * and its pages as PNG are kept under test-artifacts/reports/ for review.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import type { GerbangConfig } from '../gateway/config/index.ts';
import { calendarDateIn } from '../policies/index.ts';
import {
  browserSuite,
  chromiumInstalled,
  clientContext,
  lookUpCanary,
  submit,
} from './helpers/browser.ts';
import { ROOT } from './helpers/child-gateway.ts';
import { canaryLookup } from './helpers/instance.ts';
import { onPath, describeWithTools } from './helpers/tools.ts';

const ARTIFACTS = join(ROOT, 'test-artifacts/reports');
const PDF = join(ARTIFACTS, 'laporan-semester.pdf');
const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni'].concat([
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
]);

// One lookup today, so that one month of the half has a bar and the others are zero.
const suite = browserSuite({
  artifacts: ARTIFACTS,
  healthAs: 'evaluator-1',
  prepare: lookUpCanary,
});
let context: BrowserContext | undefined;
/** The checkpoint the report page cites, for the history's anchor. */
let cited: { treeSize: string; root: string } | undefined;

/** Today in the agreement's zone, and what the page should make of it. */
function today() {
  const instance = suite.instance();
  const config = JSON.parse(
    readFileSync(join(instance.dir, 'gerbang.json'), 'utf8'),
  ) as GerbangConfig;
  const agreement = config.agreements[0];
  if (agreement === undefined) throw new Error('the demo has no agreement');
  const date = calendarDateIn(Date.now(), agreement.timeZone);
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  const half = month <= 6 ? 1 : 2;
  return {
    year,
    month,
    day: Number(date.slice(8, 10)),
    half,
    zone: agreement.timeZone,
    agency: agreement.parties[1] ?? '',
    months: MONTHS.slice(half === 1 ? 0 : 6, half === 1 ? 6 : 12),
    period:
      half === 1 ? `1 Januari – 30 Juni ${year} (WITA)` : `1 Juli – 31 Desember ${year} (WITA)`,
    dueDate: half === 1 ? `30 Juni ${year} (WITA)` : `31 Desember ${year} (WITA)`,
  };
}

async function open(path: string): Promise<Page> {
  if (context === undefined) throw new Error('the browser did not start');
  const page = await context.newPage();
  const response = await page.goto(`${suite.instance().url}${path}`);
  expect(response?.status()).toBe(200);
  return page;
}

/** The text of each page of the PDF, whitespace folded (poppler separates pages by form feeds). */
function pdfPages(path: string): string[] {
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  return text
    .split('\f')
    .map((page) => page.replace(/\s+/g, ' ').trim())
    .filter((page) => page !== '');
}

describeWithTools(
  'the evaluator’s reports in a real Chromium, printed to PDF',
  {
    chromium: chromiumInstalled(),
    'poppler-utils (pdftotext)': onPath('pdftotext') !== undefined,
    'poppler-utils (pdfinfo)': onPath('pdfinfo') !== undefined,
    'poppler-utils (pdftoppm)': onPath('pdftoppm') !== undefined,
  },
  () => {
    suite.hooks();
    beforeAll(async () => {
      const browser = suite.browser();
      if (browser === undefined) throw new Error('the browser did not start');
      context = await clientContext(browser, suite.instance(), 'evaluator-1');
    });

    it('preselects the half of today in the agreement’s zone, with no report issued yet', async () => {
      const t = today();
      const page = await open('/console/evaluator');
      expect(await page.locator('select[name=year]').inputValue()).toBe(t.year);
      expect(await page.locator('select[name=half]').inputValue()).toBe(String(t.half));
      expect(await page.locator('#due-date').innerText()).toContain(t.dueDate);
      expect(await page.locator('#report-history-empty').count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'evaluator-before.png'), fullPage: true });
      await page.close();
    });

    it('makes the semester report, drawn whole: every month of the half, the legend inside', async () => {
      const t = today();
      const page = await open('/console/evaluator');
      await submit(page, /Generate/);
      expect(page.url()).toContain(`year=${t.year}&half=${String(t.half)}&format=html`);
      expect(await page.locator('#period').innerText()).toBe(t.period);
      const chart = page.locator('#monthly-chart');
      expect(await chart.locator('g.month text:first-of-type').allTextContents()).toEqual(t.months);
      // Every label of the drawing lies inside it (the legend was once cut off at 130 px).
      const frame = await chart.boundingBox();
      if (frame === null) throw new Error('the chart is not drawn');
      for (const text of await chart.locator('text').all()) {
        const box = await text.boundingBox();
        if (box === null) throw new Error('a label is not drawn');
        expect(box.x).toBeGreaterThanOrEqual(frame.x);
        expect(box.x + box.width).toBeLessThanOrEqual(frame.x + frame.width);
        expect(box.y + box.height).toBeLessThanOrEqual(frame.y + frame.height);
      }
      expect(await page.locator('#signature').innerText()).toContain(`Kepala ${t.agency}`);
      const anchor = /tree size (\d+), root ([0-9a-f]{64})/.exec(
        await page.locator('#checkpoint').innerText(),
      );
      cited = { treeSize: anchor?.[1] ?? '', root: anchor?.[2] ?? '' };
      expect(cited.root).toMatch(/^[0-9a-f]{64}$/);
      await page.screenshot({ path: join(ARTIFACTS, 'report-page.png'), fullPage: true });
      await page.pdf({ path: PDF, format: 'A4', preferCSSPageSize: true, printBackground: true });
      await page.close();
    });

    it('prints to a PDF with the period, each month, page numbers and the signature block', () => {
      const t = today();
      const info = execFileSync('pdfinfo', [PDF], { encoding: 'utf8' });
      const count = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
      expect(info).toMatch(/Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)/);
      const pages = pdfPages(PDF);
      expect(pages).toHaveLength(count);
      expect(count).toBeGreaterThanOrEqual(2);
      // The print stylesheet (allowed by the CSP's hash) numbers every page in its margin.
      pages.forEach((text, i) => {
        expect(text).toContain(`Halaman / page ${String(i + 1)} / ${String(count)}`);
      });
      const all = pages.join(' ');
      expect(all).toContain(t.period);
      for (const month of t.months) expect(all).toContain(month);
      expect(all).not.toContain(canaryLookup().nik);
      // The signature block closes the last page: place and date, office, name and NIP lines.
      const last = pages.at(-1) ?? '';
      const place = t.agency.replace(/^.*\bKota /, '');
      expect(last).toContain(`${place}, ${String(t.day)} ${MONTHS[t.month - 1] ?? ''} ${t.year}`);
      expect(last).toContain(`Kepala ${t.agency}`);
      expect(last).toMatch(/\(\.{10,}\) nama \/ name NIP\. \.{10,}/);
      execFileSync('pdftoppm', ['-png', '-r', '60', PDF, join(ARTIFACTS, 'laporan-semester-page')]);
      const images = readdirSync(ARTIFACTS).filter((f) =>
        /^laporan-semester-page-\d+\.png$/.test(f),
      );
      expect(images).toHaveLength(count);
    });

    it('lists the report made in the history, with the anchor it cites and its due date', async () => {
      const t = today();
      const page = await open('/console/evaluator');
      const rows = page.locator('#report-history-section tbody tr');
      expect(await rows.count()).toBe(1);
      const cells = (await rows.first().locator('td').allInnerTexts()).map((c) => c.trim());
      const [period, madeAt, status, delivery, due, treeSize, root, by] = cells;
      expect(period).toBe(`${t.year}-S${String(t.half)}`);
      expect(madeAt).toMatch(
        new RegExp(
          `^${String(t.day)} ${MONTHS[t.month - 1] ?? ''} ${t.year} pukul \\d{2}\\.\\d{2} WITA$`,
        ),
      );
      expect(status).toBe('sementara / partial');
      // Made in June or December it is the delivery of Pasal 8(1); earlier in the half it is not.
      expect(delivery).toContain(t.month % 6 === 0 ? 'tepat waktu' : 'sebelum bulan penyerahan');
      expect(due).toBe(t.dueDate);
      expect({ treeSize, root }).toEqual(cited);
      expect(by).toBe('evaluator-1');
      await page.screenshot({ path: join(ARTIFACTS, 'evaluator-history.png'), fullPage: true });
      await page.close();
    });
  },
);
