/**
 * The evaluator's console page: the report due next, a semester report to make (the half of today
 * in the agreement's zone preselected), the reports issued with their anchors, and how to verify
 * them with stock OpenSSL.
 * A pure component: it renders what its route gathered.
 */
import type { DueStatus } from '../../services/reports/due-status.ts';
import type { IssuedReport } from '../../services/reports/report-history.ts';
import { Label } from './components.tsx';
import { DueReport } from './due-report.tsx';
import { ReportHistory } from './report-history.tsx';

export function EvaluatorPage(props: {
  years: readonly number[];
  /** Preselected: the current half in the agreement's zone (not always the first). */
  current: { readonly year: number; readonly half: 1 | 2 };
  due: DueStatus;
  /** The reports made so far, newest first (at most `historyLimit`). */
  history: readonly IssuedReport[];
  historyLimit: number;
  /** The agreement's zone: the history's times are shown in it. */
  timeZone: string;
  caCertificatePem: string;
  reportsConfigured: boolean;
}) {
  return (
    <>
      {props.reportsConfigured ? null : (
        <p class="error" role="alert">
          Kunci penandatangan laporan belum dikonfigurasi / no report-signing key is configured.
        </p>
      )}
      <DueReport status={props.due} />
      <section aria-labelledby="semester">
        <h2 id="semester">
          <Label id="Laporan semester" en="Semester report (PKS Pasal 8)" />
        </h2>
        <form method="get" action="/v1/reports/semester">
          <label>
            <span>
              <Label id="Tahun" en="year" />
            </span>
            <select name="year">
              {props.years.map((year) => (
                <option value={String(year)} selected={year === props.current.year}>
                  {year}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>
              <Label id="Semester" en="half" />
            </span>
            <select name="half">
              <option value="1" selected={props.current.half === 1}>
                I (Januari–Juni)
              </option>
              <option value="2" selected={props.current.half === 2}>
                II (Juli–Desember)
              </option>
            </select>
          </label>
          <label>
            <span>
              <Label id="Bentuk" en="format" />
            </span>
            <select name="format">
              <option value="html">HTML (cetak / print)</option>
              <option value="json">JSON + tanda tangan / signature</option>
            </select>
          </label>
          <button type="submit">Buat / Generate</button>
        </form>
        <p>
          Laporan semester yang berjalan bertanda <strong>sementara</strong> dan dihitung sampai
          saat dibuat; laporan final setelah semester berakhir / A report of the current half is
          marked sementara (partial) and counts up to the moment it is made; the final one after the
          half ends.
        </p>
        <p>
          <a href="/v1/reports/status?format=html">
            <Label id="Status kepatuhan hari ini" en="Compliance status today" />
          </a>
        </p>
      </section>
      <ReportHistory reports={props.history} limit={props.historyLimit} timeZone={props.timeZone} />
      <section aria-labelledby="verify">
        <h2 id="verify">
          <Label id="Verifikasi" en="Verification" />
        </h2>
        <p>
          Format JSON memuat <code>reportJson</code> dan <code>signatureP7s</code> (base64). Simpan
          sebagai report.json dan report.p7s, simpan sertifikat CA di bawah sebagai ca.crt, lalu
          jalankan / Save them as report.json and report.p7s, the CA below as ca.crt, then run:
        </p>
        <pre>
          openssl cms -verify -binary -inform DER -in report.p7s -content report.json -CAfile ca.crt
          -out /dev/null
        </pre>
        <p>
          "Verification successful" berarti laporan utuh dan ditandatangani gateway ini; satu digit
          yang diubah membuatnya gagal / means the report is intact and signed by this gateway; one
          changed digit makes it fail.
        </p>
        <pre id="ca-certificate" aria-label="ca.crt">
          {props.caCertificatePem}
        </pre>
      </section>
    </>
  );
}
