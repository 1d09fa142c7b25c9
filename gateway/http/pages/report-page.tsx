/**
 * The report as a printable page (A4), Indonesian labels with English, and a server-rendered SVG
 * chart of monthly use. The numbers are the JSON's; no script, no external asset.
 */
import type { Child } from 'hono/jsx';
import { Label, renderDocument, Table, type Column } from './components.tsx';
import type { ComplianceReport } from '../../services/reports/report.ts';
import {
  indonesianDate,
  indonesianPeriod,
  indonesianTime,
  monthName,
  zoneAbbreviation,
} from './indonesian-dates.ts';
import { MonthlyChart } from './report-chart.tsx';
import { SignatureBlock } from './report-signature.tsx';

// Printed, every page is numbered in its bottom margin (CSS paged media margin boxes, Chromium
// 131+); the stylesheet is one constant, so the CSP's hash of it (reports.ts) covers print too.
export const REPORT_STYLE = `
@page { size: A4; margin: 18mm 18mm 20mm;
  @bottom-right { content: "Halaman / page " counter(page) " / " counter(pages); font: 9pt system-ui, sans-serif; color: #555; }
  @bottom-left { content: "Laporan Pemanfaatan NIK dan Data Kependudukan"; font: 9pt system-ui, sans-serif; color: #555; } }
body { font: 11pt/1.45 system-ui, sans-serif; color: #111; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; border-bottom: 1px solid #999; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; } th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; }
th { background: #eee; } td.n { text-align: right; font-variant-numeric: tabular-nums; } tr, svg { break-inside: avoid; }
.en { color: #555; font-size: .9em; } .ok { color: #0a5c0a; font-weight: bold; } .bad { color: #a30000; font-weight: bold; }
code { word-break: break-all; }
.signature { break-inside: avoid; width: 22rem; margin: 2.5rem 0 0 auto; } .signature p { margin: .2rem 0; }
.signature-space { height: 5rem; } .signature-name { font-weight: bold; }
@media print { body { max-width: none; margin: 0; padding: 0; } th { print-color-adjust: exact; } }`;

type Usage = ComplianceReport['usage'];
const COUNT: Column<{ count: number }> = {
  header: 'Jumlah / count',
  cell: (row) => row.count,
  numeric: true,
};
const TYPE_OUTCOME_COUNT: readonly Column<{ type: string; outcome: string; count: number }>[] = [
  { header: 'Jenis / type', cell: (row) => row.type },
  { header: 'Hasil / outcome', cell: (row) => row.outcome },
  COUNT,
];
const BY_MONTH: readonly Column<Usage['byMonth'][number]>[] = [
  { header: 'Bulan / month', cell: (row) => `${monthName(row.month)} ${row.month.slice(0, 4)}` },
  ...TYPE_OUTCOME_COUNT,
];
const BY_CLIENT: readonly Column<Usage['byClient'][number]>[] = [
  { header: 'Aplikasi / client', cell: (row) => row.client },
  ...TYPE_OUTCOME_COUNT,
];
/** Two columns: what was counted, and how often. */
const countedBy = (header: string): readonly Column<{ key: string; count: number }>[] => [
  { header, cell: (row) => row.key },
  COUNT,
];
const coverageColumns = (
  withinDays: number,
): readonly Column<ComplianceReport['returnData']['coverage'][number]>[] => [
  { header: 'Aplikasi / client', cell: (row) => row.client },
  { header: 'Bulan / month', cell: (row) => row.month },
  { header: 'Diakses / accessed', cell: (row) => row.accessed, numeric: true },
  { header: 'Dikembalikan / returned', cell: (row) => row.returned, numeric: true },
  {
    header: `Terlambat / overdue (> ${withinDays} hari)`,
    cell: (row) => row.overdue,
    numeric: true,
  },
];
const READERS: readonly Column<ComplianceReport['readers'][number]>[] = [
  { header: 'Pembaca / reader', cell: (row) => row.id },
  { header: 'Status / state', cell: (row) => row.state },
  { header: 'Sejak / since', cell: (row) => row.changedAt },
  { header: 'Alasan / reason', cell: (row) => row.reason ?? '' },
];

function Section(props: { id: string; en: string; children?: Child }) {
  return (
    <section>
      <h2>
        <Label id={props.id} en={props.en} />
      </h2>
      {props.children}
    </section>
  );
}

/**
 * What the figures count and whether the half is over: a report made before the half ends says
 * so first, in words and in the signed JSON (`sementara`), so it cannot pass for the final one.
 */
function CutOff(props: { report: ComplianceReport }) {
  const r = props.report;
  return (
    <>
      {r.sementara ? (
        <p class="bad" id="sementara" role="note">
          SEMENTARA / PARTIAL: semester belum berakhir; angka dihitung sampai batas{' '}
          {indonesianTime(r.cutOff, r.period.timeZone)}. Laporan final dapat dibuat setelah semester
          berakhir
          {r.due === undefined
            ? ''
            : ` (sejak / from ${indonesianTime(r.due.dueEnd, r.period.timeZone)})`}{' '}
          / the half has not ended; the figures count up to the cut-off, and the final report can be
          made once the half is over.
        </p>
      ) : (
        <p class="ok" id="final">
          FINAL: seluruh semester, batas / cut-off {indonesianTime(r.cutOff, r.period.timeZone)}
        </p>
      )}
      <p id="cut-off">
        Batas data / cut-off: <strong>{indonesianTime(r.cutOff, r.period.timeZone)}</strong> (
        <code>{r.cutOff}</code>)
        {r.due === undefined ? null : (
          <>
            {' '}
            · Jatuh tempo (PKS Pasal 8 ayat 1) / due: bulan {monthName(r.due.deliveryMonth)}{' '}
            {r.due.deliveryMonth.slice(0, 4)}, paling lambat / by{' '}
            <strong>{indonesianDate(r.due.dueDate)}</strong> ({zoneAbbreviation(r.due.timeZone)})
          </>
        )}
      </p>
    </>
  );
}

export function ReportPage(props: { report: ComplianceReport; digest: string }) {
  const r = props.report;
  const v = r.audit.verification;
  return (
    <html lang="id">
      <head>
        <meta charset="utf-8" />
        <title>{`Laporan pemanfaatan data kependudukan ${r.period.label}${r.sementara ? ' (sementara)' : ''}`}</title>
        <style dangerouslySetInnerHTML={{ __html: REPORT_STYLE }} />
      </head>
      <body>
        <h1>
          Laporan Pemanfaatan NIK dan Data Kependudukan{' '}
          <span class="en">/ Use of NIK and population data</span>
        </h1>
        <p>
          {r.instance} · {r.kind === 'semester' ? 'Laporan semester' : 'Status kepatuhan'}{' '}
          {r.period.label} ·{' '}
          <strong id="period">
            {indonesianPeriod(r.period.from, r.period.to, r.period.timeZone)}
          </strong>{' '}
          · dibuat / generated {indonesianTime(r.generatedAt, r.period.timeZone)}
        </p>
        <CutOff report={r} />
        <p>
          SHA-256 report.json: <code>{props.digest}</code>
        </p>
        <Section id="Perjanjian kerja sama" en="Agreement">
          {r.agreement === null ? (
            <p class="bad">Tidak ada / none</p>
          ) : (
            <table>
              <tbody>
                <tr>
                  <th>Nomor / number</th>
                  <td>{r.agreement.number}</td>
                </tr>
                <tr>
                  <th>Berlaku / valid</th>
                  <td>
                    {indonesianDate(r.agreement.validFrom)} –{' '}
                    {indonesianDate(r.agreement.validUntil)} (
                    {zoneAbbreviation(r.agreement.timeZone)})
                  </td>
                </tr>
                <tr>
                  <th>Status / state</th>
                  <td>
                    {r.agreement.state}, {r.agreement.daysLeft} hari tersisa / days left
                  </td>
                </tr>
                <tr>
                  <th>Elemen / elements</th>
                  <td>{r.agreement.elements.join(', ')}</td>
                </tr>
                <tr>
                  <th>Sertifikat ISO/IEC 27001</th>
                  <td>
                    {r.agreement.iso27001.status} (batas / due {r.agreement.iso27001.deadline}
                    {r.agreement.iso27001.submittedOn
                      ? `, diserahkan / submitted ${r.agreement.iso27001.submittedOn}`
                      : ''}
                    )
                  </td>
                </tr>
              </tbody>
            </table>
          )}
        </Section>
        <Section id="Pemanfaatan per bulan" en="Use per month">
          <MonthlyChart report={r} />
          <Table columns={BY_MONTH} rows={r.usage.byMonth} />
        </Section>
        <Section id="Per aplikasi" en="Per client">
          <Table columns={BY_CLIENT} rows={r.usage.byClient} />
        </Section>
        <Section id="Per keperluan" en="Per purpose">
          <Table
            columns={countedBy('Keperluan / purpose')}
            rows={r.usage.byPurpose.map((p) => ({ key: p.purpose, count: p.count }))}
          />
        </Section>
        <Section id="Elemen yang diberikan" en="Elements released">
          <Table
            columns={countedBy('Elemen / element')}
            rows={Object.entries(r.usage.elementsReleased).map(([key, count]) => ({ key, count }))}
          />
          <p>
            Penduduk berbeda / distinct residents (HMAC):{' '}
            <strong>{r.usage.distinctResidents}</strong>
          </p>
        </Section>
        <Section id="Data balikan" en="Return data">
          <Table columns={coverageColumns(r.returnData.withinDays)} rows={r.returnData.coverage} />
        </Section>
        <Section id="Pembaca KTP-el" en="Card readers">
          <Table columns={READERS} rows={r.readers} />
        </Section>
        <Section id="Peringatan" en="Alerts">
          <Table
            columns={countedBy('Aturan / rule')}
            rows={r.usage.alerts.map((x) => ({ key: x.rule, count: x.count }))}
          />
        </Section>
        <Section id="Tidak menyimpan data" en="No retention">
          <p>
            {r.usage.latestRetentionScan === undefined ? (
              <span class="bad">Belum ada pemindaian / no scan yet</span>
            ) : (
              <>
                <span class={r.usage.latestRetentionScan.findings === 0 ? 'ok' : 'bad'}>
                  {r.usage.latestRetentionScan.findings === 0
                    ? 'Bersih / clean'
                    : `${r.usage.latestRetentionScan.findings} temuan / findings`}
                </span>{' '}
                {r.usage.latestRetentionScan.time}, {r.usage.latestRetentionScan.files} berkas /
                files
                {r.usage.latestRetentionScan.selfTest
                  ? ', dengan uji mandiri / with self-test'
                  : ''}
              </>
            )}
          </p>
        </Section>
        <Section id="Jejak audit" en="Audit trail">
          <p>
            Verifikasi / verification:{' '}
            <span class={v.ok ? 'ok' : 'bad'}>
              {v.ok
                ? `OK, ${v.records} catatan / records`
                : `GAGAL / FAILED at ${v.firstBadSeq}: ${v.reason}`}
            </span>
          </p>
          <p id="checkpoint">
            Checkpoint bertanda tangan / signed checkpoint: ukuran / tree size{' '}
            {r.audit.checkpoint.treeSize}, root <code>{r.audit.checkpoint.rootHash}</code>,{' '}
            {r.audit.checkpoint.time}
          </p>
        </Section>
        <SignatureBlock report={r} />
      </body>
    </html>
  );
}

export function renderReportHtml(report: ComplianceReport, digest: string): string {
  return renderDocument(<ReportPage report={report} digest={digest} />);
}
