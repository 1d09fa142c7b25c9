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

declare const populationText: unique symbol;

/**
 * A value of a resident's record. It is a string for everything that may read it (projection,
 * hashing, comparison), but it cannot be assigned where `SafeText` is required — the audit trail's
 * fields, the outbox's metadata — so storing an element value there is a type error.
 */
export type PopulationText = string & { readonly [populationText]: true };

/** Text that may be stored: any string except a `PopulationText`. */
export type SafeText = string & { readonly [populationText]?: never };

/** The current address as one element. RT and RW are 3-digit strings. */
export interface Alamat {
  readonly jalan?: PopulationText;
  readonly rt?: PopulationText;
  readonly rw?: PopulationText;
  readonly kelurahan?: PopulationText;
  readonly kecamatan?: PopulationText;
  readonly kabupaten_kota?: PopulationText;
  readonly provinsi?: PopulationText;
  readonly kode_pos?: PopulationText;
}

export interface ElementValues {
  readonly no_kk: PopulationText;
  readonly nik: PopulationText;
  readonly nama_lengkap: PopulationText;
  readonly jenis_kelamin: PopulationText;
  readonly tempat_lahir: PopulationText;
  readonly tanggal_lahir: PopulationText;
  readonly status_perkawinan: PopulationText;
  readonly jenis_pekerjaan: PopulationText;
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
