/**
 * Regional tax types (jenis pajak) of UU 1/2022 Pasal 4: province taxes, regency/city taxes with
 * the PBJT sub-kinds, and the opsen. Return data names one or more of these per NIK.
 */
export const JENIS_PAJAK = [
  'PKB',
  'BBNKB',
  'PAB',
  'PBBKB',
  'PAP',
  'PAJAK_ROKOK',
  'OPSEN_MBLB',
  'PBB_P2',
  'BPHTB',
  'PBJT_MAKANAN_MINUMAN',
  'PBJT_TENAGA_LISTRIK',
  'PBJT_PERHOTELAN',
  'PBJT_PARKIR',
  'PBJT_KESENIAN_HIBURAN',
  'REKLAME',
  'PAT',
  'MBLB',
  'SARANG_BURUNG_WALET',
  'OPSEN_PKB',
  'OPSEN_BBNKB',
] as const;

export type JenisPajak = (typeof JENIS_PAJAK)[number];

const SET: ReadonlySet<string> = new Set(JENIS_PAJAK);

export function isJenisPajak(value: unknown): value is JenisPajak {
  return typeof value === 'string' && SET.has(value);
}
