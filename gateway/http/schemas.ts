/**
 * Request and response schemas of the external contract (API.md). Requests are validated with
 * them; /openapi.json is generated from them.
 */
import { Type } from '@sinclair/typebox';
import { ELEMENTS, MAX_CLAIM_LENGTH, type ElementName } from '../../policies/index.ts';
import { PURPOSE_PATTERN } from '../config/schema.ts';
import { ERROR_CODES, type ErrorCode } from './error-catalogue.ts';

const Element = Type.Unsafe<ElementName>({
  type: 'string',
  enum: [...ELEMENTS],
  title: 'Element',
});

export const Nik = Type.String({
  title: 'Nik',
  minLength: 1,
  maxLength: 32,
  description: '16-digit NIK; form checked per DOMAIN.md',
});
export const Purpose = Type.String({
  title: 'Purpose',
  pattern: PURPOSE_PATTERN,
  description: 'one of the purposes granted to the client',
});
/**
 * JSON Schema formats of client text that is stored or logged, each checked by the one guard
 * (policies/stored-text.ts, registered with the validator in validate.ts): never a NIK-like run
 * (16 or more digits, counted across separators), no control or invisible character, and, for an
 * identifier, no whitespace. Every schema field whose value reaches the audit trail, state.db,
 * the outbox or a log declares one of them (stored-text.test.ts walks the route table for it).
 */
export const STORED_TEXT_FORMATS = {
  identifier: 'gerbang-stored-identifier',
  text: 'gerbang-stored-text',
} as const;

export const Reference = Type.String({
  title: 'Reference',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9 ./:_#-]*$',
  format: STORED_TEXT_FORMATS.identifier,
  description:
    'the case reference at the client (letter number, file number): an identifier, no spaces; never 16 or more digits, even with separators between them',
});

export const LookupRequest = Type.Object(
  {
    nik: Nik,
    purpose: Purpose,
    reference: Reference,
    fields: Type.Optional(
      Type.Array(Element, { minItems: 1, maxItems: ELEMENTS.length, uniqueItems: true }),
    ),
  },
  { additionalProperties: false, title: 'LookupRequest' },
);

const Alamat = Type.Object(
  {
    jalan: Type.Optional(Type.String()),
    rt: Type.Optional(Type.String({ pattern: '^\\d{3}$' })),
    rw: Type.Optional(Type.String({ pattern: '^\\d{3}$' })),
    kelurahan: Type.Optional(Type.String()),
    kecamatan: Type.Optional(Type.String()),
    kabupaten_kota: Type.Optional(Type.String()),
    provinsi: Type.Optional(Type.String()),
    kode_pos: Type.Optional(Type.String()),
  },
  { additionalProperties: false, title: 'Alamat' },
);

export const ReleasedData = Type.Object(
  {
    no_kk: Type.Optional(Type.String({ pattern: '^\\d{16}$' })),
    nik: Type.Optional(Type.String({ pattern: '^\\d{16}$' })),
    nama_lengkap: Type.Optional(Type.String()),
    jenis_kelamin: Type.Optional(Type.String()),
    tempat_lahir: Type.Optional(Type.String()),
    tanggal_lahir: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    status_perkawinan: Type.Optional(Type.String()),
    jenis_pekerjaan: Type.Optional(Type.String()),
    alamat: Type.Optional(Alamat),
  },
  { additionalProperties: false, title: 'ReleasedData' },
);

/** A claim is what the agency holds; `nik` is the key, not a claim. */
const Claim = Type.String({ minLength: 1, maxLength: MAX_CLAIM_LENGTH });
const CLAIMABLE = ELEMENTS.filter((element) => element !== 'nik');
export const VerifyRequest = Type.Object(
  {
    nik: Nik,
    purpose: Purpose,
    reference: Reference,
    claims: Type.Object(
      Object.fromEntries(CLAIMABLE.map((element) => [element, Type.Optional(Claim)])),
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  {
    additionalProperties: false,
    title: 'VerifyRequest',
    description:
      'No threshold: the match threshold is fixed by the agreement (verifyThreshold); a request that sets one is refused.',
  },
);
/** One bit per claimed element: no score, from which the registry's value could be rebuilt. */
const Verdict = Type.Object(
  { match: Type.Boolean() },
  { additionalProperties: false, title: 'Verdict' },
);
export const VerifyResponse = Type.Object(
  {
    requestId: Type.String(),
    result: Type.Object(
      Object.fromEntries(CLAIMABLE.map((element) => [element, Type.Optional(Verdict)])),
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, title: 'VerifyResponse' },
);

export const LookupResponse = Type.Object(
  { requestId: Type.String(), data: ReleasedData },
  { additionalProperties: false, title: 'LookupResponse' },
);

/** The closed catalogue of error codes (gateway/http/error-catalogue.ts). */
const ErrorCodeSchema = Type.Unsafe<ErrorCode>({
  type: 'string',
  enum: [...ERROR_CODES],
  title: 'ErrorCode',
});

export const ErrorResponse = Type.Object(
  {
    error: Type.Object(
      {
        code: ErrorCodeSchema,
        message: Type.String(),
        requestId: Type.String(),
      },
      { additionalProperties: false },
    ),
  },
  {
    additionalProperties: false,
    title: 'ErrorResponse',
    description: 'The one shape of every error (docs/errors.md): a catalogued code, its message.',
  },
);

export const HealthResponse = Type.Object(
  { status: Type.Literal('ok') },
  { title: 'HealthResponse' },
);
const BreakerState = Type.Union([
  Type.Literal('closed'),
  Type.Literal('open'),
  Type.Literal('half_open'),
]);

export const ReadinessResponse = Type.Object(
  {
    ready: Type.Boolean(),
    checks: Type.Object({
      audit: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
      /**
       * `invalid`: the CRL file cannot be read or is not the CA's; `rolled_back`: it is older than
       * a CRL already applied; `expired`: past its nextUpdate plus `server.crlGraceSeconds`.
       * Anything but `ok` refuses every client (docs/security.md, attack 08).
       */
      revocationList: Type.Union([
        Type.Literal('ok'),
        Type.Literal('invalid'),
        Type.Literal('rolled_back'),
        Type.Literal('expired'),
      ]),
      /** The `default` upstream's breaker. */
      upstreamBreaker: BreakerState,
      /** Every configured upstream's breaker by name, `default` included. */
      upstreamBreakers: Type.Record(Type.String(), BreakerState),
      agreement: Type.String(),
      clock: Type.Union([Type.Literal('trusted'), Type.Literal('untrusted')]),
      /**
       * `problems`: some rows of state.db are set aside (gerbang doctor names them);
       * `unreadable`: state.db cannot be read at all, and data requests are refused.
       */
      storedState: Type.Union([
        Type.Literal('ok'),
        Type.Literal('problems'),
        Type.Literal('unreadable'),
      ]),
    }),
  },
  { title: 'ReadinessResponse' },
);
