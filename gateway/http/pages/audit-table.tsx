/**
 * Audit records as the officer reads them: times in the agreement's zone with its abbreviation
 * (the stored UTC time as the title), types and outcomes with their Indonesian labels.
 */
import type { AuditRecord } from '../../../audit/index.ts';
import { localTimeIn, zoneAbbreviation } from '../../../policies/index.ts';
import { Coded, EVENT_LABELS, OUTCOME_LABELS, TYPE_LABELS } from './audit-labels.tsx';
import { Table, type Column } from './components.tsx';

export function LocalTime(props: { iso: string; timeZone: string }) {
  return <time datetime={props.iso}>{localTimeIn(Date.parse(props.iso), props.timeZone)}</time>;
}

export function eventColumns(timeZone: string): readonly Column<AuditRecord>[] {
  return [
    { header: 'seq', cell: (r) => r.seq, numeric: true },
    {
      header: `Waktu / time (${zoneAbbreviation(timeZone)})`,
      cell: (r) => <LocalTime iso={r.time} timeZone={timeZone} />,
    },
    {
      header: 'Jenis / type',
      cell: (r) => (
        <>
          <Coded code={r.type} labels={TYPE_LABELS} />
          {r.event === undefined ? null : (
            <>
              {' / '}
              <Coded code={r.event} labels={EVENT_LABELS} />
            </>
          )}
        </>
      ),
    },
    { header: 'Klien / client', cell: (r) => r.principal?.id ?? '' },
    { header: 'Operator', cell: (r) => r.operator ?? '' },
    { header: 'Pembaca / reader', cell: (r) => r.readerId ?? '' },
    {
      header: 'Hasil / outcome',
      cell: (r) => (
        <>
          <Coded code={r.outcome} labels={OUTCOME_LABELS} />
          {r.errorCode === undefined ? null : (
            <>
              {' '}
              (<code>{r.errorCode}</code>)
            </>
          )}
        </>
      ),
    },
    { header: 'Elemen / elements', cell: (r) => (r.elementsReleased ?? []).join(', ') },
    { header: 'ID permintaan / request id', cell: (r) => <code>{r.requestId ?? ''}</code> },
    {
      header: 'Rincian / detail',
      cell: (r) =>
        Object.entries(r.detail ?? {})
          .map(([key, value]) => `${key}=${String(value)}`)
          .join(' '),
      // Long values without spaces (an element list) wrap here, not across the page.
      tone: () => 'wrap',
    },
  ];
}

export function EventsTable(props: {
  items: readonly AuditRecord[];
  caption: string;
  timeZone: string;
}) {
  return (
    <Table columns={eventColumns(props.timeZone)} rows={props.items} caption={props.caption} />
  );
}
