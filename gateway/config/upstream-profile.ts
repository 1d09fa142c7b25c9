/**
 * `upstream.profile` and `upstream.region` of the configuration: how one Dukcapil endpoint is
 * spoken to, as data (docs/upstream.md). The fields are those of the adapter's `UpstreamProfile`
 * (adapters/dukcapil/profile.ts); configuration sits below the adapters, so the lists are repeated
 * here, and the composition root (gateway/server/adapters.ts) passes the parsed value to the
 * adapter's `resolveUpstreamProfile`, which makes the TypeScript compiler hold the two together.
 */
import { Type } from '@sinclair/typebox';

/** DOMAIN.md, "Dukcapil web service": the address parts a verify request names beside ALAMAT. */
const ADDRESS_PARTS = [
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

/** What a verify RESPONSE_CODE means (docs/upstream.md, "Response codes"). */
const CODE_MEANINGS = [
  'not_found',
  'deceased',
  'ambiguous',
  'rejected_login',
  'rejected_ip',
  'quota',
  'resident_inactive',
  'institution_inactive',
  'user_inactive',
] as const;

const literals = <T extends string>(values: readonly T[]) =>
  values.map((value) => Type.Literal(value));

/** A JSON key as the endpoint spells it (`NIK`, `nik`, `userId`, `user_id`, `TRESHOLD`). */
const WireKey = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' });

const MethodProfile = Type.Object(
  {
    /** The method's name in the path, in the endpoint's own case (`CALL_NIK`, `call_nik`). */
    name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    /** The request's own keys, spelt as the endpoint wants them. */
    keys: Type.Object(
      {
        nik: WireKey,
        userId: WireKey,
        password: WireKey,
        ipUser: WireKey,
        /** Verify only: the threshold's key (`TRESHOLD` on the central service, sic). */
        threshold: Type.Optional(WireKey),
      },
      { additionalProperties: false },
    ),
    /** The case of the element keys on verify: `upper` (`NAMA_LGKP`) or `lower` (`nama_lgkp`). */
    elementKeyCase: Type.Union([Type.Literal('upper'), Type.Literal('lower')]),
  },
  { additionalProperties: false },
);

/** A profile written out in configuration (docs/upstream.md, "Writing a profile"). */
export const UpstreamProfileObject = Type.Object(
  {
    /** The profile's name, for logs and `gerbang doctor`. */
    name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
    /**
     * The path after the base URL, whole segments only, with `{consumer}` and `{method}` and,
     * where the endpoint has one, `{region}`: `/dukcapil/get_json/{region}/{consumer}/{method}`.
     */
    pathTemplate: Type.String({
      maxLength: 256,
      pattern:
        '^(?=.*\\{consumer\\})(?=.*\\{method\\})(?:/(?:[A-Za-z0-9._~-]+|\\{(?:region|consumer|method)\\}))+$',
    }),
    methods: Type.Object(
      { CALL_NIK: MethodProfile, CALL_VERIFY_BY_ELEMEN: MethodProfile },
      { additionalProperties: false },
    ),
    /** The form `TGL_LHR` is sent in on verify. */
    dateFormat: Type.Union([Type.Literal('DD-MM-YYYY'), Type.Literal('YYYY-MM-DD')]),
    /** The address parts sent beside ALAMAT for a structured address; absent: all ten. */
    addressParts: Type.Optional(
      Type.Array(Type.Union(literals(ADDRESS_PARTS)), { uniqueItems: true, maxItems: 10 }),
    ),
    /** An unclaimed verify element: left out (`omit`) or sent as `" "` (`blank`); absent: omit. */
    unclaimed: Type.Optional(Type.Union([Type.Literal('omit'), Type.Literal('blank')])),
    /** RESPONSE_CODE → meaning, added to DOMAIN.md's table (and winning on the same code). */
    responseCodes: Type.Optional(
      Type.Record(Type.String({ pattern: '^[0-9]{2,3}$' }), Type.Union(literals(CODE_MEANINGS)), {
        maxProperties: 100,
      }),
    ),
  },
  { additionalProperties: false },
);

/** `central`, `regional`, or a profile object; default `central`. */
export const UpstreamProfileSetting = Type.Union(
  [Type.Literal('central'), Type.Literal('regional'), UpstreamProfileObject],
  { default: 'central' },
);

/** The `{region}` segment: a province code with its regency (and district), e.g. `64-74`. */
export const UpstreamRegion = Type.String({ pattern: '^[0-9]{2}(?:-[0-9]{2}){0,2}$' });

/**
 * `upstream.region` is required when the profile's path has `{region}` (`regional`, or an object
 * whose template has it): checked by the schema, so `gerbang config check` names it.
 */
export const REGION_REQUIRED = {
  if: {
    type: 'object',
    required: ['profile'],
    properties: {
      profile: {
        anyOf: [
          { const: 'regional' },
          {
            type: 'object',
            required: ['pathTemplate'],
            properties: { pathTemplate: { type: 'string', pattern: '\\{region\\}' } },
          },
        ],
      },
    },
  },
  then: { type: 'object', properties: { region: { type: 'string' } }, required: ['region'] },
} as const;
