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

/**
 * status perkawinan as the registry writes it (DOMAIN.md, "Code lists"). Since the registry
 * distinguishes marriages and divorces recorded by the civil registry from those that are not,
 * one short form an agency writes (`KAWIN`) stands for two of these codes.
 */
export const STATUS_PERKAWINAN = [
  'BELUM KAWIN',
  'KAWIN TERCATAT',
  'KAWIN BELUM TERCATAT',
  'CERAI HIDUP TERCATAT',
  'CERAI HIDUP BELUM TERCATAT',
  'CERAI MATI',
] as const;

export type StatusPerkawinan = (typeof STATUS_PERKAWINAN)[number];

const KAWIN = ['KAWIN TERCATAT', 'KAWIN BELUM TERCATAT'] as const;
const CERAI_HIDUP = ['CERAI HIDUP TERCATAT', 'CERAI HIDUP BELUM TERCATAT'] as const;

/**
 * What each written form of a marital status means: the registry codes it can stand for. Keys are
 * in the form `normaliseText` gives (upper case, punctuation as one space, `TIDAK` unchanged).
 * Two values agree when their meanings share a code: `KAWIN` (an agency's short form, and the
 * form of the KTP-el before the registry split it) agrees with `KAWIN TERCATAT` and with
 * `KAWIN BELUM TERCATAT`, never with `CERAI MATI`; `KAWIN TERCATAT` and `KAWIN BELUM TERCATAT`
 * disagree, because the registry knows which one it is.
 *
 * Besides the codes and the short forms of DOMAIN.md: `MENIKAH` is the everyday word for `KAWIN`;
 * `TIDAK TERCATAT` is how forms often spell `BELUM TERCATAT`; a `SIRI` marriage is the
 * unregistered marriage the `BELUM TERCATAT` code exists for; `JANDA` / `DUDA` (a widow or
 * divorcée / a widower or divorcé) say divorced or widowed without saying which; `BK`, `K`, `CH`
 * and `CM` are the initials of the four-item list (belum kawin, kawin, cerai hidup, cerai mati)
 * that census and KTP forms use. Anything else is not in the code list: it cannot be classified,
 * and it agrees with nothing.
 */
export const STATUS_PERKAWINAN_FORMS: Readonly<Record<string, readonly StatusPerkawinan[]>> = {
  'BELUM KAWIN': ['BELUM KAWIN'],
  'BELUM MENIKAH': ['BELUM KAWIN'],
  BK: ['BELUM KAWIN'],
  KAWIN: KAWIN,
  'SUDAH KAWIN': KAWIN,
  MENIKAH: KAWIN,
  'SUDAH MENIKAH': KAWIN,
  K: KAWIN,
  'KAWIN TERCATAT': ['KAWIN TERCATAT'],
  'KAWIN BELUM TERCATAT': ['KAWIN BELUM TERCATAT'],
  'KAWIN TIDAK TERCATAT': ['KAWIN BELUM TERCATAT'],
  'KAWIN SIRI': ['KAWIN BELUM TERCATAT'],
  'NIKAH SIRI': ['KAWIN BELUM TERCATAT'],
  'CERAI HIDUP': CERAI_HIDUP,
  CERAI: CERAI_HIDUP,
  CH: CERAI_HIDUP,
  'CERAI HIDUP TERCATAT': ['CERAI HIDUP TERCATAT'],
  'CERAI HIDUP BELUM TERCATAT': ['CERAI HIDUP BELUM TERCATAT'],
  'CERAI HIDUP TIDAK TERCATAT': ['CERAI HIDUP BELUM TERCATAT'],
  'CERAI MATI': ['CERAI MATI'],
  CM: ['CERAI MATI'],
  JANDA: [...CERAI_HIDUP, 'CERAI MATI'],
  DUDA: [...CERAI_HIDUP, 'CERAI MATI'],
};
