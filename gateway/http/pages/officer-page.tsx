/**
 * The officer's console page: the audit search (a NIK is sent by POST, hashed, and never echoed
 * back: the trail holds none, a NIK there is an HMAC), the chain's status, the latest alerts and the
 * SIEM forwarding. A pure component: it renders what its route gathered. Verifying the chain is a
 * form post (a GET any site can make a browser send changes nothing), and its outcome is shown.
 */
import { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES, type AuditRecord } from '../../../audit/index.ts';
import type {
  ChainView,
  VerificationOutcome,
} from '../../services/audit-verification/chain-verification.ts';
import type { SiemStatus } from '../app-deps.ts';
import { Label, Table, type Column } from './components.tsx';

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

function VerifyButton(props: { label: string }) {
  return (
    <form method="post" action="/console/officer/verify">
      <button type="submit">{props.label}</button>
    </form>
  );
}

/** The outcome of the last verification, or the one under way, and the button that starts one. */
function ChainStatus(props: { chain: ChainView; auditWritable: boolean; notice?: string }) {
  const chain = props.chain;
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
      {props.notice === undefined ? null : (
        <p class="warn" role="status">
          {props.notice}
        </p>
      )}
      {chain.state === 'running' ? (
        <p id="chain-running" role="status" class="warn">
          Verifikasi berjalan / verification in progress (since {chain.startedAt}); muat ulang
          halaman untuk hasilnya / reload the page for its outcome
        </p>
      ) : chain.state === 'done' ? (
        <ChainOutcome outcome={chain.outcome} />
      ) : null}
      <VerifyButton
        label={
          chain.state === 'running'
            ? 'Tunggu hasilnya / Wait for its outcome'
            : 'Verifikasi sekarang / Verify now'
        }
      />
    </section>
  );
}

function ChainOutcome(props: { outcome: VerificationOutcome }) {
  const o = props.outcome;
  if (o.kind === 'failed')
    return (
      <p id="chain-result" class="bad">
        Verifikasi tidak dapat dijalankan / the verification could not run ({o.finishedAt}); lihat
        log / see the log
      </p>
    );
  const v = o.result;
  return v.ok ? (
    <p id="chain-result" class="ok">
      Utuh / intact: {v.records} catatan / records, {v.checkpoints} checkpoint bertanda tangan /
      signed checkpoints, {v.unsealedRecords} belum disegel / not yet sealed. Root{' '}
      <code>{v.rootHash}</code> (diverifikasi / verified {o.finishedAt})
    </p>
  ) : (
    <p id="chain-result" class="bad">
      RUSAK / BROKEN at seq {v.firstBadSeq}: {v.reason} (diverifikasi / verified {o.finishedAt})
    </p>
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
  chain: ChainView;
  notice?: string;
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
      <ChainStatus
        chain={props.chain}
        auditWritable={props.auditWritable}
        {...(props.notice === undefined ? {} : { notice: props.notice })}
      />
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
