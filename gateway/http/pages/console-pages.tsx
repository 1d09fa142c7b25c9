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
} from '../../../audit/index.ts';
import type { SiemStatus } from '../app-deps.ts';
import type { ReaderRow } from '../../../adapters/sqlite/state-db.ts';
import type { AgreementView, ClientView } from '../../services/admin/admin-actions.ts';
import { Label, Table, type Column } from './components.tsx';
import { pagesFor } from './layout.tsx';
import type { Role } from '../../config/index.ts';

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

const EVENT_COLUMNS: readonly Column<AuditRecord>[] = [
  { header: 'seq', cell: (r) => r.seq, numeric: true },
  { header: 'Waktu / time (UTC)', cell: (r) => r.time },
  {
    header: 'Jenis / type',
    cell: (r) => (r.event === undefined ? r.type : `${r.type} / ${r.event}`),
  },
  { header: 'Klien / client', cell: (r) => r.principal?.id ?? '' },
  { header: 'Operator', cell: (r) => r.operator ?? '' },
  {
    header: 'Hasil / outcome',
    cell: (r) => (r.errorCode === undefined ? r.outcome : `${r.outcome} (${r.errorCode})`),
  },
  { header: 'Elemen / elements', cell: (r) => (r.elementsReleased ?? []).join(', ') },
  {
    header: 'Rincian / detail',
    cell: (r) =>
      Object.entries(r.detail ?? {})
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(' '),
  },
];

function EventsTable(props: { items: readonly AuditRecord[]; caption: string }) {
  return <Table columns={EVENT_COLUMNS} rows={props.items} caption={props.caption} />;
}

export function OfficerPage(props: {
  form: AuditSearchForm;
  error?: string;
  results?: readonly AuditRecord[];
  verification?: VerifyResult;
  auditWritable: boolean;
  alerts: readonly AuditRecord[];
  siem?: SiemStatus;
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

const AGREEMENT_COLUMNS: readonly Column<AgreementView>[] = [
  { header: 'Nomor / number', cell: (a) => a.number },
  {
    header: 'Status / state',
    cell: (a) =>
      `${a.state}${a.inForce ? ' (berlaku / in force)' : ''}${
        a.terminationReason === undefined ? '' : ` — ${a.terminationReason}`
      }`,
    tone: (a) => (a.inForce ? 'ok' : 'bad'),
  },
  { header: 'Berlaku / valid', cell: (a) => `${a.validFrom} – ${a.validUntil} (${a.timeZone})` },
  {
    header: 'Sisa hari / days left',
    cell: (a) => a.daysLeft,
    numeric: true,
    tone: (a) => (a.daysLeft <= 90 ? 'warn' : undefined),
  },
  {
    header: 'ISO/IEC 27001',
    cell: (a) =>
      a.iso27001.submittedOn === undefined
        ? `${a.iso27001.status}, batas / due ${a.iso27001.deadline}`
        : `${a.iso27001.status}, ${a.iso27001.submittedOn}`,
    tone: (a) => (a.iso27001.status === 'overdue' ? 'bad' : undefined),
  },
];

const READER_COLUMNS: readonly Column<Omit<ReaderRow, 'samCertificate'>>[] = [
  { header: 'ID', cell: (r) => r.id },
  {
    header: 'SAM',
    cell: (r) => (
      <>
        {r.samSerial} <code>{r.samFingerprint.slice(0, 16)}…</code>
      </>
    ),
  },
  {
    header: 'Status / state',
    cell: (r) => (r.reason === undefined ? r.state : `${r.state} — ${r.reason}`),
    tone: (r) => (r.state === 'active' ? 'ok' : 'bad'),
  },
  { header: 'Diubah / changed', cell: (r) => `${r.changedAt} (${r.changedBy})` },
];

const CLIENT_COLUMNS: readonly Column<ClientView>[] = [
  { header: 'ID', cell: (c) => c.id },
  { header: 'Peran / role', cell: (c) => c.role },
  {
    header: 'Profil / profile',
    cell: (c) =>
      c.profile === undefined
        ? ''
        : `${c.profile.elements.length} elemen / elements; ${c.profile.purposes.join(', ')}`,
  },
  {
    header: 'Hari ini / today',
    cell: (c) => (c.profile === undefined ? '' : `${c.usedToday ?? 0} / ${c.profile.dailyQuota}`),
    numeric: true,
  },
  {
    header: 'Status / standing',
    cell: (c) => (c.suspended ? `ditangguhkan / suspended — ${c.reason ?? ''}` : 'aktif / active'),
    tone: (c) => (c.suspended ? 'bad' : 'ok'),
  },
];

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
        <Table columns={AGREEMENT_COLUMNS} rows={props.agreements} />
      </section>
      <section aria-labelledby="readers">
        <h2 id="readers">
          <Label id="Pembaca KTP-el" en="Card readers" />
        </h2>
        {props.readers.length === 0 ? (
          <p>Belum ada / none enrolled</p>
        ) : (
          <Table columns={READER_COLUMNS} rows={props.readers} />
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
        <Table columns={CLIENT_COLUMNS} rows={props.clients} />
      </section>
    </>
  );
}
