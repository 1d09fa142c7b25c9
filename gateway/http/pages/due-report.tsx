/**
 * The semester report due next (PKS Pasal 8(1)), as the evaluator page and the admin console show
 * it: the semester, its due date, whether it has been made (every generated report is signed), and
 * a banner from `reminderDays` before the due date, or once it is overdue. A pure component.
 */
import type { DueStatus } from '../../services/reports/due-status.ts';
import { Label } from './components.tsx';
import { indonesianDate, indonesianTime, monthName, zoneAbbreviation } from './indonesian-dates.ts';

const STATE_WORDS: Record<DueStatus['state'], string> = {
  upcoming: 'belum dibuat / not made yet',
  reminder: 'belum dibuat, segera jatuh tempo / not made yet, due soon',
  overdue: 'TERLAMBAT: belum dibuat / OVERDUE: not made',
  met: 'sudah dibuat dan ditandatangani / made and signed',
  met_late: 'dibuat setelah jatuh tempo / made after the due date',
  not_owed: 'tidak wajib: tidak ada perjanjian berlaku / not owed: no agreement in force',
};

export function DueReport(props: { status: DueStatus }) {
  const { due, state, daysLeft, delivered, final } = props.status;
  const alarm = state === 'reminder' || state === 'overdue';
  return (
    <section aria-labelledby="due-report" id="due-report-section">
      <h2 id="due-report">
        <Label id="Laporan yang jatuh tempo" en="Report due (PKS Pasal 8 ayat 1)" />
      </h2>
      {alarm ? (
        <p class={state === 'overdue' ? 'error' : 'warn'} role="alert" id="due-report-banner">
          {state === 'overdue'
            ? `Laporan semester ${due.semester} terlambat: jatuh tempo ${due.dueDate} / the ${due.semester} report is overdue (due ${due.dueDate}).`
            : `Laporan semester ${due.semester} jatuh tempo ${due.dueDate}, ${String(daysLeft)} hari lagi / the ${due.semester} report is due on ${due.dueDate}, in ${String(daysLeft)} day(s).`}
        </p>
      ) : null}
      <table>
        <tbody>
          <tr>
            <th>Semester</th>
            <td id="due-semester">{due.semester}</td>
          </tr>
          <tr>
            <th>Jatuh tempo / due</th>
            <td id="due-date">
              bulan / in {monthName(due.deliveryMonth)} {due.deliveryMonth.slice(0, 4)}, paling
              lambat / by <strong>{indonesianDate(due.dueDate)}</strong> (
              {zoneAbbreviation(due.timeZone)}) <span class="en">{due.dueDate}</span>
            </td>
          </tr>
          <tr>
            <th>Status</th>
            <td id="due-state" data-state={state}>
              {STATE_WORDS[state]}
              {delivered === undefined
                ? ''
                : ` — ${indonesianTime(delivered.time, due.timeZone)}, ${delivered.sementara ? `sementara, batas / cut-off ${delivered.cutOff === undefined ? '?' : indonesianTime(delivered.cutOff, due.timeZone)}` : 'final'}`}
            </td>
          </tr>
          <tr>
            <th>Laporan final / final report</th>
            <td>
              {final === undefined
                ? `belum / not yet (dapat dibuat sejak / can be made from ${indonesianTime(due.dueEnd, due.timeZone)})`
                : indonesianTime(final.time, due.timeZone)}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
