/**
 * The officer's console page: the audit search (a NIK is sent by POST, hashed, and never echoed
 * back: the trail holds none, a NIK there is an HMAC), the chain's status, the latest alerts and the
 * SIEM forwarding. A pure component: it renders what its route gathered. Verifying the chain is a
 * form post (a GET any site can make a browser send changes nothing), and its outcome is shown.
 */
import { AUDIT_EVENT_TYPES, AUDIT_OUTCOMES, type AuditRecord } from '../../../audit/index.ts';
import type { ChainView } from '../../services/audit-verification/chain-verification.ts';
import type { SiemStatus } from '../app-deps.ts';
import { zoneAbbreviation } from '../../../policies/index.ts';
import { OUTCOME_LABELS, TYPE_LABELS } from './audit-labels.tsx';
import { EventsTable } from './audit-table.tsx';
import { Label } from './components.tsx';
import { AlertsSection } from './officer-alerts.tsx';
import { ChainStatus } from './officer-chain.tsx';

export interface AuditSearchForm {
  readonly client?: string;
  readonly operator?: string;
  readonly reader?: string;
  readonly requestId?: string;
  /** A NIK search's HMAC subjects, carried by the paging and export forms instead of the NIK. */
  readonly subjects?: readonly string[];
  /** The page: records before this sequence number (newest first). */
  readonly before?: number;
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
  labels: Readonly<Record<string, string>>;
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
            {props.labels[option] ?? option} ({option})
          </option>
        ))}
      </select>
    </label>
  );
}

/** The search as hidden fields, for the paging and export forms (a NIK travels as its subjects). */
function SearchHidden(props: { form: AuditSearchForm; before?: number }) {
  const f = props.form;
  const fields: [string, string | undefined][] = [
    ['subjects', f.subjects?.join(',')],
    ['client', f.client],
    ['operator', f.operator],
    ['reader', f.reader],
    ['requestId', f.requestId],
    ['type', f.type],
    ['outcome', f.outcome],
    ['from', f.from],
    ['to', f.to],
    ['before', props.before === undefined ? undefined : String(props.before)],
  ];
  return (
    <>
      {fields.map(([name, value]) =>
        value === undefined ? null : <input type="hidden" name={name} value={value} />,
      )}
    </>
  );
}

function TextFilter(props: { name: string; id: string; en: string; value?: string }) {
  return (
    <label>
      <span>
        <Label id={props.id} en={props.en} />
      </span>
      <input name={props.name} value={props.value ?? ''} autocomplete="off" />
    </label>
  );
}

/** The page's records, the way to the next page, and the export of the whole search. */
function Results(props: {
  form: AuditSearchForm;
  results: readonly AuditRecord[];
  next: number | null;
  timeZone: string;
}) {
  const f = props.form;
  return (
    <>
      <p role="status" id="result-count">
        {props.results.length} catatan di halaman ini / records on this page, terbaru dulu / newest
        first
        {f.byNik ? ' untuk NIK yang dicari / for the NIK searched' : ''}
      </p>
      <EventsTable items={props.results} caption="Hasil / results" timeZone={props.timeZone} />
      <div class="pager">
        {f.before === undefined ? null : (
          <form method="post" action="/console/officer" id="first-page">
            <SearchHidden form={f} />
            <button type="submit">« Halaman pertama / First page</button>
          </form>
        )}
        {props.next === null ? null : (
          <form method="post" action="/console/officer" id="next-page">
            <SearchHidden form={f} before={props.next} />
            <button type="submit">Halaman berikut / Next page »</button>
          </form>
        )}
        <form method="post" action="/console/officer/export" id="export">
          <SearchHidden form={f} />
          <button type="submit" name="format" value="csv">
            Unduh CSV / Download CSV
          </button>
          <button type="submit" name="format" value="jsonl">
            Unduh JSONL bertanda tangan / Download signed JSONL
          </button>
        </form>
      </div>
    </>
  );
}

export function OfficerPage(props: {
  form: AuditSearchForm;
  error?: string;
  results?: readonly AuditRecord[];
  /** The `before` of the next page, or null on the last. */
  next?: number | null;
  /** The agreement's zone: dates are its calendar days, times its wall clock. */
  timeZone: string;
  acks: ReadonlyMap<number, AuditRecord>;
  alertError?: string;
  alertNotice?: string;
  chain: ChainView;
  notice?: string;
  auditWritable: boolean;
  alerts: readonly AuditRecord[];
  siem?: SiemStatus;
}) {
  const f = props.form;
  const zone = zoneAbbreviation(props.timeZone);
  return (
    <>
      <section aria-labelledby="search">
        <h2 id="search">
          <Label id="Cari jejak audit" en="Search the audit trail" />
        </h2>
        <p class="en">
          The NIK is sent by POST (never in the address bar or history), hashed by the gateway, and
          not shown again. Every search and export is itself audited. Dates are calendar days of the
          agreement's zone ({props.timeZone}, {zone}).
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
          <TextFilter
            name="client"
            id="Klien"
            en="client"
            {...(f.client ? { value: f.client } : {})}
          />
          <TextFilter
            name="operator"
            id="Operator"
            en="operator"
            {...(f.operator ? { value: f.operator } : {})}
          />
          <TextFilter
            name="reader"
            id="Pembaca"
            en="reader"
            {...(f.reader ? { value: f.reader } : {})}
          />
          <TextFilter
            name="requestId"
            id="ID permintaan"
            en="request id"
            {...(f.requestId ? { value: f.requestId } : {})}
          />
          <Select
            name="type"
            label="Jenis"
            en="type"
            options={AUDIT_EVENT_TYPES}
            labels={TYPE_LABELS}
            {...(f.type ? { value: f.type } : {})}
          />
          <Select
            name="outcome"
            label="Hasil"
            en="outcome"
            options={AUDIT_OUTCOMES}
            labels={OUTCOME_LABELS}
            {...(f.outcome ? { value: f.outcome } : {})}
          />
          <label>
            <span>
              <Label id="Dari tanggal" en={`from (${zone})`} />
            </span>
            <input name="from" type="date" value={f.from ?? ''} />
          </label>
          <label>
            <span>
              <Label id="Sampai dengan" en={`until, inclusive (${zone})`} />
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
          <Results
            form={f}
            results={props.results}
            next={props.next ?? null}
            timeZone={props.timeZone}
          />
        )}
      </section>
      <ChainStatus
        chain={props.chain}
        auditWritable={props.auditWritable}
        {...(props.notice === undefined ? {} : { notice: props.notice })}
      />
      <AlertsSection
        alerts={props.alerts}
        acks={props.acks}
        timeZone={props.timeZone}
        {...(props.alertError === undefined ? {} : { error: props.alertError })}
        {...(props.alertNotice === undefined ? {} : { notice: props.alertNotice })}
      />
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
