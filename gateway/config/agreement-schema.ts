/**
 * An agreement (PKS) in the configuration and its signed instruments (addenda, Petunjuk Teknis,
 * renewals), as the file gives them and as state.db stores them (docs/policy.md).
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  DEFAULT_EXTENSION_NOTICE_MONTHS,
  INSTRUMENT_KINDS,
  DEFAULT_VERIFY_THRESHOLD,
  MIN_VERIFY_THRESHOLD,
} from '../../policies/index.ts';
import {
  Element,
  IsoDate,
  Path,
  PRINCIPAL_ID_PATTERN,
  UPSTREAM_METHODS,
  UPSTREAM_NAME_PATTERN,
} from './schema-primitives.ts';

const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lower-case hex' });
const DocumentNumber = Type.String({ minLength: 1, maxLength: 128 });

const instrumentFields = {
  kind: Type.Union(INSTRUMENT_KINDS.map((kind) => Type.Literal(kind))),
  number: DocumentNumber,
  signedOn: Type.Optional(IsoDate),
  /** First calendar day it applies, in the agreement's time zone. */
  effectiveOn: IsoDate,
  /** The signed file, checked against sha256 by `gerbang doctor`. */
  file: Type.Optional(Path),
  /** The elements granted from effectiveOn (an addendum narrowing or widening them). */
  elements: Type.Optional(Type.Array(Element, { minItems: 1, uniqueItems: true })),
  /** The last day from effectiveOn (a renewal extending the agreement). */
  validUntil: Type.Optional(IsoDate),
};

/**
 * An instrument as state.db holds it: added by an administrator (with its hash) or migrated
 * from an agreement the old model stored on its own (`migrated`, no hash was ever recorded).
 */
export const StoredInstrumentSchema = Type.Object(
  {
    ...instrumentFields,
    sha256: Type.Optional(Sha256),
    migrated: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);
export type InstrumentConfig = Static<typeof StoredInstrumentSchema>;

/** One signed document of an agreement (PKS Pasal 9(2) addenda, 9(3) Petunjuk Teknis, renewals). */
export const AgreementInstrumentSchema = Type.Object(
  {
    ...instrumentFields,
    /** SHA-256 of the signed file (the scan or the signed PDF), `sha256sum`'s hex. */
    sha256: Sha256,
  },
  { additionalProperties: false },
);

export const AgreementSchema = Type.Object(
  {
    /** Dukcapil's number of the PKS (PIHAK KESATU); the agreement's key. */
    number: DocumentNumber,
    /** The agency's own number of the same PKS (PIHAK KEDUA). */
    agencyNumber: Type.Optional(DocumentNumber),
    parties: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
      minItems: 2,
      maxItems: 8,
    }),
    signedOn: IsoDate,
    /** The Dirjen Dukcapil's letter approving the agreement (number and date, as written). */
    approvalReference: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    /** The PKS's own signed file and every later instrument; absent: the PKS alone. */
    instruments: Type.Optional(Type.Array(AgreementInstrumentSchema, { maxItems: 64 })),
    /** The upstream (Dukcapil endpoint) it is with; absent: the configured `upstream`. */
    upstream: Type.Optional(Type.String({ pattern: UPSTREAM_NAME_PATTERN })),
    /** The clients (principal ids) it serves; absent: every client. */
    clients: Type.Optional(
      Type.Array(Type.String({ pattern: PRINCIPAL_ID_PATTERN }), {
        minItems: 1,
        uniqueItems: true,
      }),
    ),
    /** The extension warning starts this many calendar months before the last day (Pasal 11). */
    extensionNoticeMonths: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 24,
        description: `calendar months; absent: ${String(DEFAULT_EXTENSION_NOTICE_MONTHS)}`,
      }),
    ),
    /**
     * Every client it serves must send data requests with an operator certificate: an app's
     * asserted X-Operator-Id is refused (`operator_not_authenticated`), as a profile may require.
     */
    requireAuthenticatedOperators: Type.Optional(Type.Boolean()),
    validFrom: IsoDate,
    validUntil: IsoDate,
    timeZone: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'IANA time zone of the agreement',
    }),
    elements: Type.Array(Element, { minItems: 1, uniqueItems: true }),
    accessMethod: Type.String({ minLength: 1, maxLength: 64, default: 'web-service' }),
    /**
     * The Dukcapil methods the agreement grants (absent: CALL_NIK only). With
     * CALL_VERIFY_BY_ELEMEN, Dukcapil compares verification claims itself and no record reaches
     * the gateway.
     */
    upstreamMethods: Type.Optional(
      Type.Array(Type.Union(UPSTREAM_METHODS.map((method) => Type.Literal(method))), {
        minItems: 1,
        uniqueItems: true,
      }),
    ),
    /**
     * The similarity (0–100) at which a name, place, occupation or address claim matches, on
     * every verification under this agreement (and sent to Dukcapil as TRESHOLD). Fixed here,
     * never by a request: a threshold of the client's choosing turns verification into a lookup.
     */
    verifyThreshold: Type.Integer({
      minimum: MIN_VERIFY_THRESHOLD,
      maximum: 100,
      default: DEFAULT_VERIFY_THRESHOLD,
    }),
    /** Return data (data balikan) owed for every NIK accessed, within this many days. */
    returnDataWithinDays: Type.Integer({ minimum: 1, maximum: 365, default: 7 }),
    /** ISO/IEC 27001 certificate: due 6 months after signing (PKS Pasal 2(2)i). */
    iso27001SubmittedOn: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
