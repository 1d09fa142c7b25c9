/**
 * The report as a printable page (A4), Indonesian labels with English, and a server-rendered SVG
 * chart of monthly use. The numbers are the JSON's; no script, no external asset.
 */
import type { Child } from 'hono/jsx';
import type { ComplianceReport } from './report.ts';

export const REPORT_STYLE = `
@page { size: A4; margin: 18mm; }
body { font: 11pt/1.45 system-ui, sans-serif; color: #111; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; } th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; }
th { background: #eee; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.en { color: #555; font-size: .9em; } .ok { color: #0a5c0a; font-weight: bold; } .bad { color: #a30000; font-weight: bold; }
code { word-break: break-all; }`;

function Label(props: { id: string; en: string }) {
  return (
    <>
      {props.id} <span class="en">/ {props.en}</span>
    </>
  );
}

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

/** Bars per month: data requests that released data, and those refused or failed. */
function MonthlyChart(props: { report: ComplianceReport }) {
  const months = [...new Set(props.report.usage.byMonth.map((m) => m.month))];
  const totals = months.map((month) => {
    const rows = props.report.usage.byMonth.filter((m) => m.month === month);
    return {
      month,
      success: rows.filter((r) => r.outcome === 'success').reduce((a, r) => a + r.count, 0),
      other: rows.filter((r) => r.outcome !== 'success').reduce((a, r) => a + r.count, 0),
    };
  });
  const max = Math.max(1, ...totals.map((t) => t.success + t.other));
  const width = 60 + totals.length * 70;
  return (
    <svg
      role="img"
      aria-label="Permintaan data per bulan / data requests per month"
      width={width}
      height={220}
      viewBox={`0 0 ${width} 220`}
    >
      {totals.map((t, i) => {
        const x = 50 + i * 70;
        const hs = (t.success / max) * 160;
        const ho = (t.other / max) * 160;
        return (
          <g>
            <rect x={x} y={180 - hs} width={40} height={hs} fill="#2b6cb0" />
            <rect x={x} y={180 - hs - ho} width={40} height={ho} fill="#c05621" />
            <text x={x + 20} y={196} text-anchor="middle" font-size="11">
              {t.month}
            </text>
            <text x={x + 20} y={175 - hs - ho} text-anchor="middle" font-size="11">
              {t.success + t.other}
            </text>
          </g>
        );
      })}
      <line x1={45} y1={180} x2={width - 5} y2={180} stroke="#333" />
      <text x={50} y={214} font-size="11" fill="#2b6cb0">
        ■ berhasil / released
      </text>
      <text x={190} y={214} font-size="11" fill="#c05621">
        ■ ditolak atau gagal / refused or failed
      </text>
    </svg>
  );
}

export function ReportPage(props: { report: ComplianceReport; digest: string }) {
  const r = props.report;
  const v = r.audit.verification;
  return (
    <html lang="id">
      <head>
        <meta charset="utf-8" />
        <title>{`Laporan pemanfaatan data kependudukan ${r.period.label}`}</title>
        <style dangerouslySetInnerHTML={{ __html: REPORT_STYLE }} />
      </head>
      <body>
        <h1>
          Laporan Pemanfaatan NIK dan Data Kependudukan{' '}
          <span class="en">/ Use of NIK and population data</span>
        </h1>
        <p>
          {r.instance} · {r.kind === 'semester' ? 'Laporan semester' : 'Status kepatuhan'}{' '}
          {r.period.label} · {r.period.from} – {r.period.to} ({r.period.timeZone}) · dibuat /
          generated {r.generatedAt}
        </p>
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
                    {r.agreement.validFrom} – {r.agreement.validUntil} ({r.agreement.timeZone})
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
          <table>
            <thead>
              <tr>
                <th>Bulan / month</th>
                <th>Jenis / type</th>
                <th>Hasil / outcome</th>
                <th>Jumlah / count</th>
              </tr>
            </thead>
            <tbody>
              {r.usage.byMonth.map((m) => (
                <tr>
                  <td>{m.month}</td>
                  <td>{m.type}</td>
                  <td>{m.outcome}</td>
                  <td class="n">{m.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section id="Per aplikasi" en="Per client">
          <table>
            <thead>
              <tr>
                <th>Aplikasi / client</th>
                <th>Jenis / type</th>
                <th>Hasil / outcome</th>
                <th>Jumlah / count</th>
              </tr>
            </thead>
            <tbody>
              {r.usage.byClient.map((m) => (
                <tr>
                  <td>{m.client}</td>
                  <td>{m.type}</td>
                  <td>{m.outcome}</td>
                  <td class="n">{m.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section id="Per keperluan" en="Per purpose">
          <table>
            <thead>
              <tr>
                <th>Keperluan / purpose</th>
                <th>Jumlah / count</th>
              </tr>
            </thead>
            <tbody>
              {r.usage.byPurpose.map((p) => (
                <tr>
                  <td>{p.purpose}</td>
                  <td class="n">{p.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section id="Elemen yang diberikan" en="Elements released">
          <table>
            <thead>
              <tr>
                <th>Elemen / element</th>
                <th>Jumlah / count</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(r.usage.elementsReleased).map(([e, n]) => (
                <tr>
                  <td>{e}</td>
                  <td class="n">{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            Penduduk berbeda / distinct residents (HMAC):{' '}
            <strong>{r.usage.distinctResidents}</strong>
          </p>
        </Section>
        <Section id="Data balikan" en="Return data">
          <table>
            <thead>
              <tr>
                <th>Aplikasi / client</th>
                <th>Bulan / month</th>
                <th>Diakses / accessed</th>
                <th>Dikembalikan / returned</th>
                <th>Terlambat / overdue (&gt; {r.returnData.withinDays} hari)</th>
              </tr>
            </thead>
            <tbody>
              {r.returnData.coverage.map((c) => (
                <tr>
                  <td>{c.client}</td>
                  <td>{c.month}</td>
                  <td class="n">{c.accessed}</td>
                  <td class="n">{c.returned}</td>
                  <td class="n">{c.overdue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section id="Pembaca KTP-el" en="Card readers">
          <table>
            <thead>
              <tr>
                <th>Pembaca / reader</th>
                <th>Status / state</th>
                <th>Sejak / since</th>
                <th>Alasan / reason</th>
              </tr>
            </thead>
            <tbody>
              {r.readers.map((x) => (
                <tr>
                  <td>{x.id}</td>
                  <td>{x.state}</td>
                  <td>{x.changedAt}</td>
                  <td>{x.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section id="Peringatan" en="Alerts">
          <table>
            <thead>
              <tr>
                <th>Aturan / rule</th>
                <th>Jumlah / count</th>
              </tr>
            </thead>
            <tbody>
              {r.usage.alerts.map((a) => (
                <tr>
                  <td>{a.rule}</td>
                  <td class="n">{a.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
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
          <p>
            Checkpoint bertanda tangan / signed checkpoint: ukuran / tree size{' '}
            {r.audit.checkpoint.treeSize}, root <code>{r.audit.checkpoint.rootHash}</code>,{' '}
            {r.audit.checkpoint.time}
          </p>
        </Section>
      </body>
    </html>
  );
}

export function renderReportHtml(report: ComplianceReport, digest: string): string {
  // hono/jsx nodes render to HTML through toString(); the rule cannot see that override.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return `<!doctype html>${String(<ReportPage report={report} digest={digest} />)}`;
}
