/**
 * The console pages as pure components: each gets the figures its route gathered and renders
 * them. No page holds population data: the audit trail has none (a NIK is an HMAC there), and the
 * NIK an officer searches for is never echoed back.
 */
import {
  AUDIT_EVENT_TYPES,
  AUDIT_OUTCOMES,
  type AuditRecord,
  type VerifyResult,
} from '../../audit/index.ts';
import type { ReaderRow } from '../policy/state-db.ts';
import type { AgreementView, ClientView } from '../policy/admin-actions.ts';
import { Label, pagesFor } from './layout.tsx';
import type { Role } from '../config/index.ts';

export function HomePage(props: { role: Role }) {
  return (
    <>
      <p>
        Halaman yang dapat Anda buka <span class="en">/ Pages you may open</span>:
      </p>
      <ul>
        {pagesFor(props.role)
          .filter((entry) => entry.page !== 'home')
          .map((entry) => (
            <li>
              <a href={entry.href}>
                <Label id={entry.id} en={entry.en} />
              </a>
            </li>
          ))}
      </ul>
    </>
  );
}

export interface AuditSearchForm {
  readonly client?: string;
  readonly type?: string;
  readonly outcome?: string;
  readonly from?: string;
  readonly to?: string;
  /** Whether a NIK was part of the search (the NIK itself is not shown again). */
  readonly byNik: boolean;
}

export interface SiemView {
  readonly target: string;
  readonly connected: boolean;
  readonly cursor: number;
  /** The newest record in the trail. */
  readonly lastSeq: number;
}

function Select(props: {
  name: string;
  label: string;
  en: string;
  options: readonly string[];
  value?: string;
}) {
  return (
    <label>
      <span>
        <Label id={props.label} en={props.en} />
      </span>
      <select name={props.name}>
        <option value="">— semua / all —</option>
        {props.options.map((option) => (
          <option value={option} {...(option === props.value ? { selected: true } : {})}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}

function ChainStatus(props: { verification: VerifyResult | undefined; auditWritable: boolean }) {
  const v = props.verification;
  return (
    <section aria-labelledby="chain">
      <h2 id="chain">
        <Label id="Rantai audit" en="Audit chain" />
      </h2>
      <p>
        Penulisan audit / audit writes:{' '}
        {props.auditWritable ? (
          <span class="ok">berjalan / working</span>
        ) : (
          <span class="bad">GAGAL — permintaan data ditolak / FAILING — data requests refused</span>
        )}
      </p>
      {v === undefined ? (
        <form method="get" action="/console/officer">
          <input type="hidden" name="verify" value="1" />
          <button type="submit">Verifikasi sekarang / Verify now</button>
        </form>
      ) : v.ok ? (
        <p id="chain-result" class="ok">
          Utuh / intact: {v.records} catatan / records, {v.checkpoints} checkpoint bertanda tangan /
          signed checkpoints, {v.unsealedRecords} belum disegel / not yet sealed. Root{' '}
          <code>{v.rootHash}</code>
        </p>
      ) : (
        <p id="chain-result" class="bad">
          RUSAK / BROKEN at seq {v.firstBadSeq}: {v.reason}
        </p>
      )}
    </section>
  );
}

function EventsTable(props: { items: readonly AuditRecord[]; caption: string }) {
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">seq</th>
          <th scope="col">Waktu / time (UTC)</th>
          <th scope="col">Jenis / type</th>
          <th scope="col">Klien / client</th>
          <th scope="col">Operator</th>
          <th scope="col">Hasil / outcome</th>
          <th scope="col">Elemen / elements</th>
          <th scope="col">Rincian / detail</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((r) => (
          <tr>
            <td class="n">{r.seq}</td>
            <td>{r.time}</td>
            <td>
              {r.type}
              {r.event === undefined ? '' : ` / ${r.event}`}
            </td>
            <td>{r.principal?.id ?? ''}</td>
            <td>{r.operator ?? ''}</td>
            <td>
              {r.outcome}
              {r.errorCode === undefined ? '' : ` (${r.errorCode})`}
            </td>
            <td>{(r.elementsReleased ?? []).join(', ')}</td>
            <td>
              {Object.entries(r.detail ?? {})
                .map(([key, value]) => `${key}=${String(value)}`)
                .join(' ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OfficerPage(props: {
  form: AuditSearchForm;
  error?: string;
  results?: readonly AuditRecord[];
  verification?: VerifyResult;
  auditWritable: boolean;
  alerts: readonly AuditRecord[];
  siem?: SiemView;
}) {
  const f = props.form;
  return (
    <>
      <section aria-labelledby="search">
        <h2 id="search">
          <Label id="Cari jejak audit" en="Search the audit trail" />
        </h2>
        <p class="en">
          The NIK is sent by POST (never in the address bar or history), hashed by the gateway, and
          not shown again. Every search is itself audited.
        </p>
        <form method="post" action="/console/officer" aria-describedby="search">
          <label>
            <span>
              <Label id="NIK" en="resident (hashed)" />
            </span>
            <input
              name="nik"
              inputmode="numeric"
              autocomplete="off"
              maxlength={16}
              pattern="[0-9]{16}"
            />
          </label>
          <label>
            <span>
              <Label id="Klien" en="client" />
            </span>
            <input name="client" value={f.client ?? ''} autocomplete="off" />
          </label>
          <Select
            name="type"
            label="Jenis"
            en="type"
            options={AUDIT_EVENT_TYPES}
            {...(f.type ? { value: f.type } : {})}
          />
          <Select
            name="outcome"
            label="Hasil"
            en="outcome"
            options={AUDIT_OUTCOMES}
            {...(f.outcome ? { value: f.outcome } : {})}
          />
          <label>
            <span>
              <Label id="Dari" en="from" />
            </span>
            <input name="from" type="date" value={f.from ?? ''} />
          </label>
          <label>
            <span>
              <Label id="Sampai" en="until (exclusive)" />
            </span>
            <input name="to" type="date" value={f.to ?? ''} />
          </label>
          <button type="submit">Cari / Search</button>
        </form>
        {props.error === undefined ? null : (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        {props.results === undefined ? null : (
          <>
            <p role="status" id="result-count">
              {props.results.length} catatan / records
              {f.byNik ? ' untuk NIK yang dicari / for the NIK searched' : ''}
              {props.results.length === 200
                ? ' (200 pertama / first 200 — persempit / narrow it)'
                : ''}
            </p>
            <EventsTable items={props.results} caption="Hasil / results" />
          </>
        )}
      </section>
      <ChainStatus verification={props.verification} auditWritable={props.auditWritable} />
      <section aria-labelledby="alerts">
        <h2 id="alerts">
          <Label id="Peringatan" en="Alerts" />
        </h2>
        {props.alerts.length === 0 ? (
          <p class="ok">Tidak ada / none</p>
        ) : (
          <EventsTable items={props.alerts} caption="50 peringatan terakhir / last 50 alerts" />
        )}
      </section>
      <section aria-labelledby="siem">
        <h2 id="siem">
          <Label id="Penerusan SIEM" en="SIEM forwarding" />
        </h2>
        {props.siem === undefined ? (
          <p class="warn">Tidak dikonfigurasi / not configured</p>
        ) : (
          <p>
            {props.siem.target}:{' '}
            {props.siem.connected ? (
              <span class="ok">terhubung / connected</span>
            ) : (
              <span class="bad">terputus / disconnected</span>
            )}
            ; terkirim sampai / sent up to seq {props.siem.cursor} dari / of {props.siem.lastSeq} (
            {props.siem.lastSeq - props.siem.cursor} tertunda / pending)
          </p>
        )}
      </section>
    </>
  );
}

export function EvaluatorPage(props: {
  years: readonly number[];
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
                <option value={String(year)}>{year}</option>
              ))}
            </select>
          </label>
          <label>
            <span>
              <Label id="Semester" en="half" />
            </span>
            <select name="half">
              <option value="1">I (Januari–Juni)</option>
              <option value="2">II (Juli–Desember)</option>
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
          <a href="/v1/reports/status?format=html">
            <Label id="Status kepatuhan hari ini" en="Compliance status today" />
          </a>
        </p>
      </section>
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
          -purpose any -out /dev/null
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

export function AdminPage(props: {
  agreements: readonly AgreementView[];
  readers: readonly Omit<ReaderRow, 'samCertificate'>[];
  clients: readonly ClientView[];
  upstream: { used: number; total: number };
}) {
  return (
    <>
      <section aria-labelledby="agreements">
        <h2 id="agreements">
          <Label id="Perjanjian kerja sama" en="Agreements" />
        </h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Nomor / number</th>
              <th scope="col">Status / state</th>
              <th scope="col">Berlaku / valid</th>
              <th scope="col">Sisa hari / days left</th>
              <th scope="col">ISO/IEC 27001</th>
            </tr>
          </thead>
          <tbody>
            {props.agreements.map((a) => (
              <tr>
                <td>{a.number}</td>
                <td class={a.inForce ? 'ok' : 'bad'}>
                  {a.state}
                  {a.inForce ? ' (berlaku / in force)' : ''}
                  {a.terminationReason === undefined ? '' : ` — ${a.terminationReason}`}
                </td>
                <td>
                  {a.validFrom} – {a.validUntil} ({a.timeZone})
                </td>
                <td class={a.daysLeft <= 90 ? 'n warn' : 'n'}>{a.daysLeft}</td>
                <td class={a.iso27001.status === 'overdue' ? 'bad' : ''}>
                  {a.iso27001.status}
                  {a.iso27001.submittedOn === undefined
                    ? `, batas / due ${a.iso27001.deadline}`
                    : `, ${a.iso27001.submittedOn}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="readers">
        <h2 id="readers">
          <Label id="Pembaca KTP-el" en="Card readers" />
        </h2>
        {props.readers.length === 0 ? (
          <p>Belum ada / none enrolled</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">SAM</th>
                <th scope="col">Status / state</th>
                <th scope="col">Diubah / changed</th>
              </tr>
            </thead>
            <tbody>
              {props.readers.map((r) => (
                <tr>
                  <td>{r.id}</td>
                  <td>
                    {r.samSerial} <code>{r.samFingerprint.slice(0, 16)}…</code>
                  </td>
                  <td class={r.state === 'active' ? 'ok' : 'bad'}>
                    {r.state}
                    {r.reason === undefined ? '' : ` — ${r.reason}`}
                  </td>
                  <td>
                    {r.changedAt} ({r.changedBy})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="clients">
        <h2 id="clients">
          <Label id="Klien" en="Clients" />
        </h2>
        <p>
          Kuota Dukcapil hari ini / Dukcapil quota today: {props.upstream.used} /{' '}
          {props.upstream.total}
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">Peran / role</th>
              <th scope="col">Profil / profile</th>
              <th scope="col">Hari ini / today</th>
              <th scope="col">Status / standing</th>
            </tr>
          </thead>
          <tbody>
            {props.clients.map((client) => (
              <tr>
                <td>{client.id}</td>
                <td>{client.role}</td>
                <td>
                  {client.profile === undefined
                    ? ''
                    : `${client.profile.elements.length} elemen / elements; ${client.profile.purposes.join(', ')}`}
                </td>
                <td class="n">
                  {client.profile === undefined
                    ? ''
                    : `${client.usedToday ?? 0} / ${client.profile.dailyQuota}`}
                </td>
                <td class={client.suspended ? 'bad' : 'ok'}>
                  {client.suspended
                    ? `ditangguhkan / suspended — ${client.reason ?? ''}`
                    : 'aktif / active'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
