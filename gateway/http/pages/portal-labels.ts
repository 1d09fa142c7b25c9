/** The portal's labels for the nine elements and its local times (the agreement's zone). */
import { zoneAbbreviation, type ElementName } from '../../../policies/index.ts';

export const ELEMENT_LABELS: Readonly<Record<ElementName, { id: string; en: string }>> = {
  nik: { id: 'NIK', en: 'NIK' },
  no_kk: { id: 'Nomor KK', en: 'Family card number' },
  nama_lengkap: { id: 'Nama lengkap', en: 'Full name' },
  jenis_kelamin: { id: 'Jenis kelamin', en: 'Sex' },
  tempat_lahir: { id: 'Tempat lahir', en: 'Place of birth' },
  tanggal_lahir: { id: 'Tanggal lahir', en: 'Date of birth' },
  status_perkawinan: { id: 'Status perkawinan', en: 'Marital status' },
  jenis_pekerjaan: { id: 'Jenis pekerjaan', en: 'Occupation' },
  alamat: { id: 'Alamat', en: 'Address' },
};

/** `14.05.09 WITA`: a time of day in the agreement's zone. */
export function localTime(at: number, timeZone: string): string {
  const time = new Intl.DateTimeFormat('id-ID', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${time} ${zoneAbbreviation(timeZone, at)}`;
}
