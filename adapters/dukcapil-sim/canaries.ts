/**
 * The simulator's canary residents (API.md). Fixed, so that tests can check exact values and
 * search storage for any trace of them. Keys and value types are as Dukcapil sends them
 * (RT/RW as unpadded numbers).
 */
export const CANARY_RESIDENTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  '6474015709900001': {
    NIK: '6474015709900001',
    NO_KK: '6474011203150004',
    NAMA_LGKP: 'SITI KENARI RAHAYU',
    JENIS_KLMIN: 'PEREMPUAN',
    TMPT_LHR: 'BONTANG',
    TGL_LHR: '1990-09-17',
    AGAMA: 'ISLAM',
    STATUS_KAWIN: 'KAWIN',
    JENIS_PKRJN: 'PEDAGANG',
    PDDK_AKH: 'SLTA/SEDERAJAT',
    GOL_DARAH: 'O',
    STAT_HBKEL: 'ISTRI',
    NAMA_LGKP_IBU: 'MARYAM KENARI',
    NAMA_LGKP_AYAH: 'AHMAD KENARI',
    ALAMAT: 'JL. KENARI NO. 7',
    DUSUN: '-',
    NO_RT: 5,
    NO_RW: 2,
    KODE_POS: 75311,
    NO_PROP: 64,
    PROP_NAME: 'KALIMANTAN TIMUR',
    NO_KAB: 74,
    KAB_NAME: 'KOTA BONTANG',
    NO_KEC: 1,
    KEC_NAME: 'BONTANG UTARA',
    NO_KEL: 1002,
    KEL_NAME: 'BONTANG BARU',
    EKTP_STATUS: 'SUDAH REKAM',
    NO_AKTA_LHR: '6474-LT-17091990-0001',
  },
  '3316010101850002': {
    NIK: '3316010101850002',
    NO_KK: '3316012002100001',
    NAMA_LGKP: 'BUDI MERPATI SANTOSO',
    JENIS_KLMIN: 'LAKI-LAKI',
    TMPT_LHR: 'BLORA',
    TGL_LHR: '1985-01-01',
    AGAMA: 'KRISTEN',
    STATUS_KAWIN: 'CERAI HIDUP',
    JENIS_PKRJN: 'WIRASWASTA',
    PDDK_AKH: 'DIPLOMA IV/STRATA I',
    GOL_DARAH: 'A',
    STAT_HBKEL: 'KEPALA KELUARGA',
    NAMA_LGKP_IBU: 'SRI MERPATI',
    NAMA_LGKP_AYAH: 'SUGENG SANTOSO',
    ALAMAT: 'JL. MERPATI NO. 12',
    DUSUN: '-',
    NO_RT: 1,
    NO_RW: 4,
    KODE_POS: 58219,
    NO_PROP: 33,
    PROP_NAME: 'JAWA TENGAH',
    NO_KAB: 16,
    KAB_NAME: 'KABUPATEN BLORA',
    NO_KEC: 1,
    KEC_NAME: 'BLORA',
    NO_KEL: 2005,
    KEL_NAME: 'KARANGJATI',
    EKTP_STATUS: 'SUDAH REKAM',
    NO_AKTA_LHR: '3316-LT-01011985-0002',
  },
};

/** A NIK of valid form that the registry does not know. */
export const CANARY_NOT_FOUND_NIK = '6474010101010009';

/**
 * NIKs with more than one record in the registry (DOMAIN.md, "Dukcapil web service": "`content`
 * may hold more than one record"; PKS Pasal 2(2)a makes the agency answer for uniqueness). Born
 * in 2001–2003, outside the 1960–1999 range test/helpers/batch-file.ts draws from, so that no
 * generated batch meets them by chance.
 * - `two_records`: CALL_NIK answers `content` with two objects, `totalElements: 2`;
 * - `first_of_two_pages`: CALL_NIK answers one object of a page of size 1 with
 *   `totalElements: 2`, `lastPage: false` (the paged form of the same fact).
 * CALL_VERIFY_BY_ELEMEN answers both with `RESPONSE_CODE` 12.
 */
export const AMBIGUOUS_NIKS: Readonly<Record<string, 'two_records' | 'first_of_two_pages'>> = {
  '6474015505010011': 'two_records',
  '6474010202030012': 'two_records',
  '6474014303020013': 'first_of_two_pages',
};
