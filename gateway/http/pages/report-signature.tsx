/**
 * The signature block of the printed report, as an Indonesian official letter closes: place and
 * date, the office of the head of the agency, room for the signature and the stamp, then the
 * name and NIP, left as lines to fill in by hand — the report is signed electronically by the
 * gateway, and on paper by the official who delivers it (PKS Pasal 8). The agency is named by
 * the agreement's parties, so nothing here is configured twice.
 */
import type { ComplianceReport } from '../../services/reports/report.ts';
import { indonesianDate } from './indonesian-dates.ts';
import { calendarDateIn } from '../../../policies/index.ts';

const DEFAULT_AGENCY = 'Badan Pendapatan Daerah';
const BLANK = '..............................';

/** The agency among the parties: the revenue office (PIHAK KEDUA), else the second party. */
export function agencyOf(parties: readonly string[] | undefined): string {
  if (parties === undefined) return DEFAULT_AGENCY;
  return parties.find((p) => /pendapatan/i.test(p)) ?? parties[1] ?? DEFAULT_AGENCY;
}

/** The place a letter is written from: the city or regency in the agency's name, if it has one. */
export function placeOf(agency: string): string | undefined {
  return /\b(?:Kota|Kabupaten)\s+(.+)$/.exec(agency)?.[1];
}

export function SignatureBlock(props: { report: ComplianceReport }) {
  const r = props.report;
  const agency = agencyOf(r.agreement?.parties);
  const date = indonesianDate(calendarDateIn(Date.parse(r.generatedAt), r.period.timeZone));
  return (
    <section class="signature" id="signature" aria-label="Tanda tangan / signature">
      <p>
        {placeOf(agency) ?? BLANK}, {date}
      </p>
      <p>Kepala {agency}</p>
      <p class="signature-space" aria-hidden="true" />
      <p class="signature-name">
        (<span class="signature-line">{BLANK}</span>) <span class="en">nama / name</span>
      </p>
      <p>
        NIP. <span class="signature-line">{BLANK}</span>
      </p>
    </section>
  );
}
