/**
 * What the trail's codes mean, in Indonesian for the officer, with the English code kept beside
 * it (small, and as the title) so that a record can still be matched with the API, the export
 * and the documentation. Codes without a label here are shown as they are.
 */
import type { AuditEventType, AuditOutcome } from '../../../audit/index.ts';

export const TYPE_LABELS: Readonly<Record<AuditEventType, string>> = {
  lookup: 'Pencarian data',
  verify: 'Verifikasi data',
  card_read: 'Pembacaan KTP-el',
  return_data: 'Data balikan',
  security: 'Keamanan',
  audit: 'Penggunaan jejak audit',
  admin: 'Administrasi',
  system: 'Sistem',
};

export const OUTCOME_LABELS: Readonly<Record<AuditOutcome, string>> = {
  success: 'Berhasil',
  not_found: 'Tidak ditemukan',
  ambiguous: 'Data ganda',
  denied: 'Ditolak',
  error: 'Galat',
  alert: 'Peringatan',
};

/** The events an officer meets most; others keep their code. */
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  query: 'pencarian',
  export: 'ekspor',
  verify: 'verifikasi',
  alert: 'peringatan',
  alert_acknowledged: 'peringatan diakui',
  auth_failure: 'autentikasi gagal',
  report_generated: 'laporan dibuat',
  config_loaded: 'konfigurasi dimuat',
};

/** A code as its Indonesian label, the code itself small after it and in the title. */
export function Coded(props: { code: string; labels: Readonly<Record<string, string>> }) {
  const label = props.labels[props.code];
  if (label === undefined) return <code>{props.code}</code>;
  return (
    <span title={props.code}>
      {label} <small class="code">{props.code}</small>
    </span>
  );
}
