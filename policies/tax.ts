/**
 * Regional tax types (jenis pajak) of UU 1/2022 Pasal 4 (DOMAIN.md, "Code lists"): the province
 * taxes, the regency/city taxes with the PBJT sub-kinds, and the opsen each level levies on the
 * other's tax. Return data names one or more of these per NIK — only those of the agency's own
 * level: a city Bapenda has no PKB taxpayers (the province levies PKB; the city its opsen).
 */

/** Province taxes (Pasal 4(1)), with the province's opsen on the regency/city MBLB. */
export const PROVINCE_TAXES = [
  'PKB',
  'BBNKB',
  'PAB',
  'PBBKB',
  'PAP',
  'PAJAK_ROKOK',
  'OPSEN_MBLB',
] as const;

/** Regency/city taxes (Pasal 4(2)), with their opsen on the province's PKB and BBNKB. */
export const REGENCY_CITY_TAXES = [
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

export const JENIS_PAJAK = [...PROVINCE_TAXES, ...REGENCY_CITY_TAXES] as const;

export type JenisPajak = (typeof JENIS_PAJAK)[number];

const SET: ReadonlySet<string> = new Set(JENIS_PAJAK);

export function isJenisPajak(value: unknown): value is JenisPajak {
  return typeof value === 'string' && SET.has(value);
}

/** The level of the agency's government (config `returnData.agencyLevel`). */
export const AGENCY_LEVELS = ['kota', 'kabupaten', 'provinsi'] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];

/** The tax types an agency of this level levies, and so may name in return data. */
export function taxesOfLevel(level: AgencyLevel): readonly JenisPajak[] {
  return level === 'provinsi' ? PROVINCE_TAXES : REGENCY_CITY_TAXES;
}

/** The level whose tax this is (every tax type belongs to exactly one). */
export function levelOfTax(jenis: JenisPajak): 'provinsi' | 'kabupaten/kota' {
  return (PROVINCE_TAXES as readonly string[]).includes(jenis) ? 'provinsi' : 'kabupaten/kota';
}
