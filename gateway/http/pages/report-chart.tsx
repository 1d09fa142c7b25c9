/**
 * The report's chart of monthly use: a server-rendered SVG, one pair of stacked bars for every
 * month of the half — a month without requests is drawn as a zero, not left out, so a quiet month
 * reads as quiet and not as missing. The legend sits on its own lines inside the drawing.
 */
import type { ComplianceReport } from '../../services/reports/report.ts';
import { monthName, monthsOf } from './indonesian-dates.ts';

const HALF_MONTHS = 6;
const BAR_STEP = 70;
const LEFT = 50;
const BASE = 180;
const BAR_HEIGHT = 160;

/**
 * The months to draw: all six of the half (a status report's period ends today, but its half
 * does not), and any month the figures name besides — none, as they are counted in the same
 * zone, but a count is never dropped from the drawing.
 */
export function chartMonths(report: ComplianceReport): string[] {
  const { from, to, timeZone } = report.period;
  const months = monthsOf(from, to, timeZone);
  while (months.length > 0 && months.length < HALF_MONTHS) {
    const last = months.at(-1) ?? '';
    const [y, m] = last.split('-').map(Number);
    const next = new Date(Date.UTC(y ?? 0, m ?? 0, 1)).toISOString().slice(0, 7);
    months.push(next);
  }
  const extra = report.usage.byMonth.map((row) => row.month).filter((m) => !months.includes(m));
  return [...new Set([...months, ...extra])].sort();
}

/** Bars per month: data requests that released data, and those refused or failed. */
export function MonthlyChart(props: { report: ComplianceReport }) {
  const rows = props.report.usage.byMonth;
  const totals = chartMonths(props.report).map((month) => {
    const of = rows.filter((m) => m.month === month);
    return {
      month,
      success: of.filter((r) => r.outcome === 'success').reduce((a, r) => a + r.count, 0),
      other: of.filter((r) => r.outcome !== 'success').reduce((a, r) => a + r.count, 0),
    };
  });
  const max = Math.max(1, ...totals.map((t) => t.success + t.other));
  const width = LEFT + 10 + totals.length * BAR_STEP;
  const height = 240;
  return (
    <svg
      id="monthly-chart"
      role="img"
      aria-label="Permintaan data per bulan / data requests per month"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      {totals.map((t, i) => {
        const x = LEFT + i * BAR_STEP;
        const hs = (t.success / max) * BAR_HEIGHT;
        const ho = (t.other / max) * BAR_HEIGHT;
        return (
          <g class="month" data-month={t.month}>
            <rect x={x} y={BASE - hs} width={40} height={hs} fill="#2b6cb0" />
            <rect x={x} y={BASE - hs - ho} width={40} height={ho} fill="#c05621" />
            <text x={x + 20} y={BASE + 16} text-anchor="middle" font-size="11">
              {monthName(t.month)}
            </text>
            <text x={x + 20} y={BASE - 5 - hs - ho} text-anchor="middle" font-size="11">
              {t.success + t.other}
            </text>
          </g>
        );
      })}
      <line x1={LEFT - 5} y1={BASE} x2={width - 5} y2={BASE} stroke="#333" />
      <g class="legend">
        <text x={LEFT} y={BASE + 36} font-size="11" fill="#2b6cb0">
          ■ berhasil / released
        </text>
        <text x={LEFT} y={BASE + 52} font-size="11" fill="#c05621">
          ■ ditolak atau gagal / refused or failed
        </text>
      </g>
    </svg>
  );
}
