/**
 * An upstream profile: how one Dukcapil endpoint is spoken to, as data. The adapter (http-client.ts),
 * the simulator (dukcapil-sim) and `gerbang doctor` read the same profile, so a new endpoint is a
 * configuration change, not code (docs/upstream.md). The built-in profiles are DOMAIN.md's facts,
 * section "Dukcapil web service":
 *
 * - `central`: Ditjen Dukcapil, `{base}/dukcapil/get_json/{consumer}/{METHOD}`, upper-case
 *   methods, `CALL_NIK` with `NIK, user_id, password, ip_user`, verify with upper-case keys.
 * - `regional`: a province or city Disdukcapil (PIHAK KESATU of the Bontang PKS), a region segment
 *   before the consumer and lower-case method names
 *   (`{base}/dukcapil/get_json/12-05/diskominfo_1205/call_nik`), lower-case request keys.
 *
 * Answers: both families use the same envelope (`content`, `totalElements`, …); `CALL_NIK`
 * failures carry `RESPON` text, verify failures `RESPONSE_CODE` with text under `RESPONSE`, and
 * verify successes carry no code but a verdict under each claimed key, `NIK` included. The adapter
 * accepts either key case in answers whatever the profile (DOMAIN.md: "the adapter must take
 * either").
 */

export type DukcapilMethod = 'CALL_NIK' | 'CALL_VERIFY_BY_ELEMEN';

/** How the element keys of a verify request are spelt (`NAMA_LGKP` or `nama_lgkp`). */
export type KeyCase = 'upper' | 'lower';

/** The request's own keys, spelt as the endpoint wants them (DOMAIN.md: "a setting of the endpoint"). */
export interface RequestKeys {
  readonly nik: string;
  readonly userId: string;
  readonly password: string;
  readonly ipUser: string;
  /** Verify only: the threshold, `TRESHOLD` on the wire (sic). */
  readonly threshold?: string;
}

/** The date form `TGL_LHR` is sent in (clients disagree: DOMAIN.md). */
export type DateFormat = 'DD-MM-YYYY' | 'YYYY-MM-DD';

/** Address parts a verify request may carry beside `ALAMAT` (DOMAIN.md). */
export const ADDRESS_PART_KEYS = [
  'PROP_NAME',
  'KAB_NAME',
  'KEC_NAME',
  'KEL_NAME',
  'NO_PROP',
  'NO_KAB',
  'NO_KEC',
  'NO_KEL',
  'NO_RT',
  'NO_RW',
] as const;
export type AddressPartKey = (typeof ADDRESS_PART_KEYS)[number];

/** What a verify `RESPONSE_CODE` means; codes not in the table are `unknown_code`, not outages. */
export type ResponseCodeMeaning =
  | 'not_found'
  | 'deceased'
  | 'ambiguous'
  | 'rejected_login'
  | 'rejected_ip'
  | 'quota'
  | 'resident_inactive'
  | 'institution_inactive'
  | 'user_inactive';

export interface MethodProfile {
  /** The method's name in the path, in the endpoint's own case (`CALL_NIK`, `call_nik`, `GET_NIK`). */
  readonly name: string;
  readonly keys: RequestKeys;
  /** The case of the element keys on verify (`NAMA_LGKP`, `TGL_LHR`, … or lower case). */
  readonly elementKeyCase: KeyCase;
}

export interface UpstreamProfile {
  /** `central`, `regional` or the configuration's own name. */
  readonly name: string;
  /**
   * The path after the base URL, with `{region}`, `{consumer}` and `{method}` placeholders, e.g.
   * `/dukcapil/get_json/{region}/{consumer}/{method}`. Each placeholder is filled percent-encoded.
   */
  readonly pathTemplate: string;
  readonly methods: Readonly<Record<DukcapilMethod, MethodProfile>>;
  /** The form `TGL_LHR` is sent in on verify. */
  readonly dateFormat: DateFormat;
  /** The address parts sent with a claimed `alamat`, from the agency's structured address. */
  readonly addressParts: readonly AddressPartKey[];
  /** What a claimed element is sent as when not claimed: DOMAIN.md, "a blank (\" \")". */
  readonly unclaimed: 'omit' | 'blank';
  /** Verify `RESPONSE_CODE` table; defaults to DOMAIN.md's list. */
  readonly responseCodes: Readonly<Record<string, ResponseCodeMeaning>>;
}

/** The placeholders a path template may use; `{consumer}` and `{method}` are required. */
export const PATH_PLACEHOLDERS = ['region', 'consumer', 'method'] as const;

/**
 * A profile as configuration writes it (`upstream.profile`): a built-in name, or a whole profile
 * whose `addressParts`, `unclaimed` and `responseCodes` may be left out (then DOMAIN.md's list,
 * `omit`, DOMAIN.md's code table). docs/upstream.md, "Writing a profile".
 */
export type UpstreamProfileSetting =
  | keyof typeof BUILT_IN_PROFILES
  | (Omit<UpstreamProfile, 'addressParts' | 'unclaimed' | 'responseCodes'> & {
      readonly addressParts?: readonly AddressPartKey[] | undefined;
      readonly unclaimed?: UpstreamProfile['unclaimed'] | undefined;
      readonly responseCodes?: UpstreamProfile['responseCodes'] | undefined;
    });

/** The profile a setting names, defaults filled in. */
export function resolveUpstreamProfile(
  setting: UpstreamProfileSetting | undefined,
): UpstreamProfile {
  if (setting === undefined) return CENTRAL_PROFILE;
  if (typeof setting === 'string') return BUILT_IN_PROFILES[setting];
  return {
    ...setting,
    addressParts: setting.addressParts ?? [...ADDRESS_PART_KEYS],
    unclaimed: setting.unclaimed ?? 'omit',
    // A profile's own codes are added to DOMAIN.md's, and win where they name the same code.
    responseCodes: { ...DOMAIN_RESPONSE_CODES, ...setting.responseCodes },
  };
}

/**
 * What is wrong with a profile for an endpoint with this region, in configuration words; empty
 * when usable. The schema checks each field's form; this checks how they fit together.
 */
export function profileProblems(profile: UpstreamProfile, region: string | undefined): string[] {
  const problems: string[] = [];
  const used = [...profile.pathTemplate.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? '');
  for (const name of used)
    if (!(PATH_PLACEHOLDERS as readonly string[]).includes(name))
      problems.push(`pathTemplate has an unknown placeholder {${name}}`);
  for (const name of ['consumer', 'method'])
    if (!used.includes(name)) problems.push(`pathTemplate must contain {${name}}`);
  if (used.includes('region') && region === undefined)
    problems.push(`upstream.region is required: profile ${profile.name} has {region} in its path`);
  if (profile.methods.CALL_NIK.name === profile.methods.CALL_VERIFY_BY_ELEMEN.name)
    problems.push('the two methods must have different names');
  return problems;
}

/** RESPONSE_CODE values used by integrators (DOMAIN.md, "CALL_VERIFY_BY_ELEMEN failure"). */
export const DOMAIN_RESPONSE_CODES: Readonly<Record<string, ResponseCodeMeaning>> = {
  '03': 'rejected_login',
  '04': 'rejected_ip',
  '05': 'quota',
  '08': 'not_found',
  '10': 'rejected_ip',
  '11': 'deceased',
  '12': 'ambiguous',
  '13': 'not_found',
  '14': 'resident_inactive',
  '15': 'not_found',
  '16': 'institution_inactive',
  '17': 'user_inactive',
};

/** DOMAIN.md: "upper-case keys `USER_ID, PASSWORD, IP_USER, TRESHOLD` (spelled so)", and `NIK`. */
const UPPER_VERIFY_KEYS: RequestKeys = {
  nik: 'NIK',
  userId: 'USER_ID',
  password: 'PASSWORD',
  ipUser: 'IP_USER',
  threshold: 'TRESHOLD',
};

export const CENTRAL_PROFILE: UpstreamProfile = {
  name: 'central',
  pathTemplate: '/dukcapil/get_json/{consumer}/{method}',
  methods: {
    // DOMAIN.md: `{"NIK": …, "user_id": …, "password": …, "ip_user": …}` in the central clients.
    CALL_NIK: {
      name: 'CALL_NIK',
      keys: { nik: 'NIK', userId: 'user_id', password: 'password', ipUser: 'ip_user' },
      elementKeyCase: 'upper',
    },
    CALL_VERIFY_BY_ELEMEN: {
      name: 'CALL_VERIFY_BY_ELEMEN',
      keys: UPPER_VERIFY_KEYS,
      elementKeyCase: 'upper',
    },
  },
  dateFormat: 'DD-MM-YYYY',
  addressParts: [...ADDRESS_PART_KEYS],
  unclaimed: 'omit',
  responseCodes: DOMAIN_RESPONSE_CODES,
};

export const REGIONAL_PROFILE: UpstreamProfile = {
  name: 'regional',
  pathTemplate: '/dukcapil/get_json/{region}/{consumer}/{method}',
  methods: {
    // DOMAIN.md: "request keys in lower case (`nik`, `user_id`, `password`, `ip_user`)".
    CALL_NIK: {
      name: 'call_nik',
      keys: { nik: 'nik', userId: 'user_id', password: 'password', ipUser: 'ip_user' },
      elementKeyCase: 'lower',
    },
    CALL_VERIFY_BY_ELEMEN: {
      name: 'call_verify_by_elemen',
      keys: {
        nik: 'nik',
        userId: 'user_id',
        password: 'password',
        ipUser: 'ip_user',
        threshold: 'treshold',
      },
      elementKeyCase: 'lower',
    },
  },
  dateFormat: 'YYYY-MM-DD',
  addressParts: [...ADDRESS_PART_KEYS],
  unclaimed: 'omit',
  responseCodes: DOMAIN_RESPONSE_CODES,
};

export const BUILT_IN_PROFILES: Readonly<Record<'central' | 'regional', UpstreamProfile>> = {
  central: CENTRAL_PROFILE,
  regional: REGIONAL_PROFILE,
};
