/**
 * The administrator's console page: agreements with their state, instruments and days left, card
 * readers, and clients with today's use; under each, the forms of its actions (admin-actions.tsx),
 * which the route passes in. A pure component: it renders what its route gathered.
 */
import type { Child } from 'hono/jsx';
import { localTimeIn } from '../../../policies/index.ts';
import type { ReaderRow } from '../../../adapters/sqlite/port.ts';
import type { AgreementView } from '../../services/admin/agreement-view.ts';
import type { ClientView } from '../../services/admin/clients.ts';
import type { DueStatus } from '../../services/reports/due-status.ts';
import { Label, Table, type Column } from './components.tsx';
import { DueReport } from './due-report.tsx';

const AGREEMENT_COLUMNS: readonly Column<AgreementView>[] = [
  { header: 'Nomor / number', cell: (a) => a.number },
  {
    header: 'Status / state',
    cell: (a) =>
      `${a.state}${a.inForce ? ' (berlaku / in force)' : ''}${
        a.terminationReason === undefined ? '' : ` — ${a.terminationReason}`
      }${
        a.suspension === undefined
          ? ''
          : ` — ditangguhkan sejak / suspended since ${localTimeIn(Date.parse(a.suspension.since), a.timeZone)}${
              a.suspension.reason === undefined ? '' : `: ${a.suspension.reason}`
            }`
      }`,
    tone: (a) => (a.suspension !== undefined ? 'warn' : a.inForce ? 'ok' : 'bad'),
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
  {
    header: 'Instrumen / instruments',
    cell: (a) =>
      a.instruments.length === 0 ? (
        '—'
      ) : (
        <ul class="plain">
          {a.instruments.map((i) => (
            <li>
              {i.kind} {i.number}, {i.effectiveOn}
              {i.validUntil === undefined ? '' : ` – ${i.validUntil}`}
              {i.inForce ? ' (berlaku / in force)' : ''}
              {i.elements === undefined ? '' : `; ${String(i.elements.length)} elemen / elements`}
            </li>
          ))}
        </ul>
      ),
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
  /** The semester report due next: its reminder is the administrator's too. */
  dueReport: DueStatus;
  /** The outcome of the last action, shown first. */
  outcome?: Child;
  /** The action forms of a section, under its table. */
  actions?: (section: 'agreements' | 'readers' | 'clients' | 'clock') => Child;
}) {
  return (
    <>
      {props.outcome}
      <DueReport status={props.dueReport} />
      <section aria-labelledby="agreements">
        <h2 id="agreements">
          <Label id="Perjanjian kerja sama" en="Agreements" />
        </h2>
        <Table columns={AGREEMENT_COLUMNS} rows={props.agreements} />
        {props.actions?.('agreements')}
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
        {props.actions?.('readers')}
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
        {props.actions?.('clients')}
      </section>
      {props.actions === undefined ? null : (
        <section aria-labelledby="clock">
          <h2 id="clock">
            <Label id="Jam" en="Clock" />
          </h2>
          {props.actions('clock')}
        </section>
      )}
    </>
  );
}
