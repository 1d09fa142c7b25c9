/**
 * The reports issued so far, newest first, on the evaluator's page: what each was (semester or
 * status, final or `sementara`), when it was made, whether it counts as the delivery of PKS
 * Pasal 8(1), its due date, and its anchor — the tree size and root of the signed checkpoint it
 * cites, which the next verification of an audit export proves consistent with. A pure component.
 */
import type { Delivery, IssuedReport } from '../../services/reports/report-history.ts';
import { Label, Table, type Column } from './components.tsx';
import { indonesianDate, indonesianTime, zoneAbbreviation } from './indonesian-dates.ts';

const DELIVERY_WORDS: Record<Delivery, string> = {
  on_time: 'tepat waktu: memenuhi Pasal 8 ayat 1 / on time: meets Pasal 8(1)',
  late: 'terlambat / late',
  early: 'sebelum bulan penyerahan: tidak dihitung / before the delivery month: does not count',
  not_a_delivery: 'laporan status: bukan penyerahan / status report: not a delivery',
};
const DELIVERY_TONE: Record<Delivery, string | undefined> = {
  on_time: 'ok',
  late: 'warn',
  early: undefined,
  not_a_delivery: undefined,
};

function columns(timeZone: string): readonly Column<IssuedReport>[] {
  return [
    { header: 'Periode / period', cell: (r) => r.period },
    { header: 'Dibuat / made at', cell: (r) => indonesianTime(r.time, timeZone) },
    {
      header: 'Sifat / status',
      cell: (r) => (r.sementara ? 'sementara / partial' : 'final'),
      tone: (r) => (r.sementara ? 'warn' : 'ok'),
    },
    {
      header: 'Penyerahan / delivery',
      cell: (r) => DELIVERY_WORDS[r.delivery],
      tone: (r) => DELIVERY_TONE[r.delivery],
    },
    {
      header: 'Jatuh tempo / due',
      cell: (r) =>
        r.due === undefined
          ? '—'
          : `${indonesianDate(r.due.dueDate)} (${zoneAbbreviation(r.due.timeZone)})`,
    },
    {
      header: 'Ukuran pohon / tree size',
      cell: (r) => (r.anchor.treeSize === undefined ? '—' : r.anchor.treeSize),
      numeric: true,
    },
    {
      header: 'Root checkpoint',
      cell: (r) =>
        r.anchor.rootHash === undefined ? (
          'tidak tercatat / not recorded'
        ) : (
          <code class="anchor-root">{r.anchor.rootHash}</code>
        ),
    },
    { header: 'Oleh / by', cell: (r) => r.by },
  ];
}

export function ReportHistory(props: {
  reports: readonly IssuedReport[];
  limit: number;
  timeZone: string;
}) {
  return (
    <section aria-labelledby="report-history" id="report-history-section">
      <h2 id="report-history">
        <Label id="Laporan yang telah dibuat" en="Reports issued" />
      </h2>
      {props.reports.length === 0 ? (
        <p id="report-history-empty">Belum ada laporan / no report has been made yet.</p>
      ) : (
        <Table
          columns={columns(props.timeZone)}
          rows={props.reports}
          caption={`${String(props.reports.length)} laporan terbaru / newest reports (paling banyak / at most ${String(props.limit)})`}
        />
      )}
      <p>
        Jangkar (ukuran pohon dan root) adalah checkpoint bertanda tangan yang dikutip laporan;
        verifikasi berikutnya membuktikan jejak audit konsisten dengannya /{' '}
        <span class="en">
          The anchor (tree size and root) is the signed checkpoint the report cites; prove the next
          audit export consistent with it: <code>gerbang audit proof --old-size N --size M</code>.
        </span>
      </p>
    </section>
  );
}
