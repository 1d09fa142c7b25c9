/**
 * The nine data elements of the agreement (PKS Pasal 2(1)a, 3(2)a) under their canonical names.
 * Nothing outside this list may ever leave the gateway.
 */

export const ELEMENTS = [
  'no_kk',
  'nik',
  'nama_lengkap',
  'jenis_kelamin',
  'tempat_lahir',
  'tanggal_lahir',
  'status_perkawinan',
  'jenis_pekerjaan',
  'alamat',
] as const;

export type ElementName = (typeof ELEMENTS)[number];

const ELEMENT_SET: ReadonlySet<string> = new Set(ELEMENTS);

export function isElementName(value: unknown): value is ElementName {
  return typeof value === 'string' && ELEMENT_SET.has(value);
}

/** The current address as one element. RT and RW are 3-digit strings. */
export interface Alamat {
  readonly jalan?: string;
  readonly rt?: string;
  readonly rw?: string;
  readonly kelurahan?: string;
  readonly kecamatan?: string;
  readonly kabupaten_kota?: string;
  readonly provinsi?: string;
  readonly kode_pos?: string;
}

export interface ElementValues {
  readonly no_kk: string;
  readonly nik: string;
  readonly nama_lengkap: string;
  readonly jenis_kelamin: string;
  readonly tempat_lahir: string;
  readonly tanggal_lahir: string;
  readonly status_perkawinan: string;
  readonly jenis_pekerjaan: string;
  readonly alamat: Alamat;
}

declare const populationData: unique symbol;

/**
 * One resident's data as the upstream returned it, reduced to the nine elements. The brand makes
 * it a distinct type: it is produced only by `normaliseUpstreamRecord` and is meant to live for
 * one request, never to be stored or logged.
 */
export type PopulationRecord = Partial<ElementValues> & { readonly [populationData]: true };

/** What a client receives: a subset of the nine elements, still population data. */
export type ReleasedElements = Partial<ElementValues> & { readonly [populationData]: true };
