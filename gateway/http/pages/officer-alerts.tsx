/**
 * The latest alerts, each with its acknowledgement: who acknowledged it, when and with which note
 * (an audit record of its own, `security`/`alert_acknowledged`), or the form that does it.
 */
import type { AuditRecord } from '../../../audit/index.ts';
import { LocalTime, eventColumns } from './audit-table.tsx';
import { Label, Table, type Column } from './components.tsx';

function Acknowledgement(props: {
  alert: AuditRecord;
  ack: AuditRecord | undefined;
  timeZone: string;
}) {
  const ack = props.ack;
  if (ack !== undefined)
    return (
      <span class="ok" id={`ack-${String(props.alert.seq)}`}>
        Diakui / acknowledged: {ack.principal?.id ?? ''},{' '}
        <LocalTime iso={ack.time} timeZone={props.timeZone} /> —{' '}
        {String(ack.detail?.['note'] ?? '')}
      </span>
    );
  return (
    <form method="post" action="/console/officer/alerts/ack" class="inline-form">
      <input type="hidden" name="alert" value={String(props.alert.seq)} />
      <label>
        <span>
          <Label id="Catatan" en="note" />
        </span>
        <input name="note" maxlength={500} autocomplete="off" required />
      </label>
      <button type="submit">Akui / Acknowledge</button>
    </form>
  );
}

export function AlertsSection(props: {
  alerts: readonly AuditRecord[];
  acks: ReadonlyMap<number, AuditRecord>;
  timeZone: string;
  error?: string;
  notice?: string;
}) {
  const columns: readonly Column<AuditRecord>[] = [
    ...eventColumns(props.timeZone).filter((_, i) => i !== 7),
    {
      header: 'Pengakuan / acknowledgement',
      cell: (alert) => (
        <Acknowledgement alert={alert} ack={props.acks.get(alert.seq)} timeZone={props.timeZone} />
      ),
    },
  ];
  return (
    <section aria-labelledby="alerts">
      <h2 id="alerts">
        <Label id="Peringatan" en="Alerts" />
      </h2>
      {props.error === undefined ? null : (
        <p class="error" role="alert" id="alert-error">
          {props.error}
        </p>
      )}
      {props.notice === undefined ? null : (
        <p class="ok" role="status" id="alert-notice">
          {props.notice}
        </p>
      )}
      {props.alerts.length === 0 ? (
        <p class="ok">Tidak ada / none</p>
      ) : (
        <Table
          columns={columns}
          rows={props.alerts}
          caption="50 peringatan terakhir / last 50 alerts"
        />
      )}
    </section>
  );
}
