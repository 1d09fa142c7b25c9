/**
 * The configuration file's one JSON Schema. It is written with TypeBox so that the TypeScript
 * type (`GerbangConfig`) is derived from the very schema ajv validates at start-up.
 * Paths are relative to the configuration file's directory. Secrets are paths, never values.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  AGENCY_LEVELS,
  DEFAULT_EXTENSION_NOTICE_MONTHS,
  INSTRUMENT_KINDS,
  DEFAULT_VERIFY_THRESHOLD,
  ELEMENTS,
  MIN_VERIFY_THRESHOLD,
  type ElementName,
} from '../../policies/index.ts';
import { DEFAULT_RETURN_DATA_TEMPLATE } from './return-data-template.ts';
import { REGION_REQUIRED, UpstreamProfileSetting, UpstreamRegion } from './upstream-profile.ts';

export const UPSTREAM_METHODS = ['CALL_NIK', 'CALL_VERIFY_BY_ELEMEN'] as const;
/**
 * Every role a certificate's OU may name. `operator` is never configured: an operator certificate
 * names its client (an `app` principal) itself (docs/pki.md, "Operators").
 */
export const ROLES = ['app', 'operator', 'reader', 'officer', 'evaluator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** The roles a principal of the configuration may have. */
export const CONFIGURED_ROLES = ['app', 'reader', 'officer', 'evaluator', 'admin'] as const;

const Path = Type.String({
  minLength: 1,
  maxLength: 4096,
  description: 'a file path, relative to this file',
});
const SecretPath = Type.String({
  minLength: 1,
  maxLength: 4096,
  description:
    'a file readable by the owner only (mode 0600), or credential:NAME for a systemd credential',
});
const Element = Type.Unsafe<ElementName>({ type: 'string', enum: [...ELEMENTS] });
const Milliseconds = (fallback: number, maximum = 600_000) =>
  Type.Integer({ minimum: 1, maximum, default: fallback });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
export const PRINCIPAL_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
/** An upstream's name in `upstreams` and in an agreement's `upstream`: one safe identifier. */
export const UPSTREAM_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
export const PURPOSE_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';
/** The IKD profile the gateway knows (adapters/ikd), and its issuer key ids. */
export const IKD_PROFILE = 'gerbang-ikd-1';
export const IKD_KEY_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

const ClientProfile = Type.Object(
  {
    elements: Type.Array(Element, { minItems: 1, uniqueItems: true }),
    purposes: Type.Array(Type.String({ pattern: PURPOSE_PATTERN }), {
      minItems: 1,
      uniqueItems: true,
    }),
    ratePerSecond: Type.Number({ exclusiveMinimum: 0, default: 1000 }),
    burst: Type.Integer({ minimum: 1, default: 2000 }),
    dailyQuota: Type.Integer({ minimum: 1, default: 1_000_000 }),
    /** Units of the agency's Dukcapil quota reserved for this client every day. */
    upstreamQuotaReserve: Type.Integer({ minimum: 0, default: 0 }),
    /**
     * Data requests must come from an operator certificate bound to this client: the app's own
     * certificate with an asserted X-Operator-Id is refused (`operator_not_authenticated`).
     */
    requireAuthenticatedOperators: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Principal = Type.Object(
  {
    role: Type.Unsafe<Role>({ type: 'string', enum: [...CONFIGURED_ROLES] }),
    /** Required for role `app`: what it may see and why. */
    profile: Type.Optional(ClientProfile),
  },
  { additionalProperties: false },
);

/** The name of the `upstream` object, for agreements bound to it by name. */
export const DEFAULT_UPSTREAM = 'default';

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

/**
 * One Dukcapil endpoint and the agency's account there: `upstream` (named `default`) and each
 * entry of `upstreams` are validated by this one schema.
 */
export const UpstreamSchema = Type.Object(
  {
    baseUrl: Type.String({ pattern: '^https?://[^\\s]+$' }),
    /**
     * How the endpoint is spoken to: `central` (Ditjen Dukcapil), `regional` (a province or
     * city Disdukcapil) or a profile object (docs/upstream.md). Default: central.
     */
    profile: Type.Optional(UpstreamProfileSetting),
    /** The `{region}` path segment (`64-74`); required by a profile whose path has one. */
    region: Type.Optional(UpstreamRegion),
    /** One path segment: regional consumers (`diskominfo_1205`, `IDINSOS_3374`) fit. */
    consumer: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
    userId: Type.String({ minLength: 1, maxLength: 128 }),
    passwordFile: SecretPath,
    ipUser: Type.String({ minLength: 1, maxLength: 64 }),
    connectTimeoutMs: Milliseconds(2_000),
    headersTimeoutMs: Milliseconds(8_000),
    bodyTimeoutMs: Milliseconds(8_000),
    requestTimeoutMs: Milliseconds(10_000),
    maxConnections: Type.Integer({ minimum: 1, maximum: 1024, default: 64 }),
    maxQueued: Type.Integer({ minimum: 0, maximum: 100_000, default: 1024 }),
    maxResponseBytes: Type.Integer({ minimum: 1024, maximum: 10_485_760, default: 65_536 }),
    /**
     * The agency's Dukcapil rate quota in calls per second, if it has one: calls are paced to
     * it and wait at most maxRateWaitMs for their turn.
     */
    ratePerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000 })),
    maxRateWaitMs: Milliseconds(2_000, 60_000),
    /** The agency's daily Dukcapil quota, shared by all clients. */
    dailyQuota: Type.Integer({ minimum: 1, default: 1_000_000 }),
    /** The zone of Dukcapil's day (its quota resets at midnight there). */
    quotaTimeZone: Type.String({ minLength: 1, maxLength: 64, default: 'Asia/Jakarta' }),
    breaker: Type.Object(
      {
        failureThreshold: Type.Integer({ minimum: 1, default: 5 }),
        openMs: Milliseconds(10_000),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, ...REGION_REQUIRED },
);

export const ConfigSchema = Type.Object(
  {
    instance: Type.Object(
      { name: Type.String({ minLength: 1, maxLength: 64 }) },
      { additionalProperties: false },
    ),
    server: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', minLength: 1 }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8443 }),
        certFile: Path,
        keyFile: SecretPath,
        clientCaFile: Path,
        crlFile: Path,
        /**
         * How long past its nextUpdate the CRL is still used; after it, every client is refused
         * until a fresh one is published (docs/security.md, attack 08). At most 7 days.
         */
        crlGraceSeconds: Type.Integer({ minimum: 0, maximum: 604_800, default: 3600 }),
        bodyLimitBytes: Type.Integer({ minimum: 256, maximum: 1_048_576, default: 16_384 }),
        requestTimeoutMs: Milliseconds(30_000),
        keepAliveTimeoutMs: Milliseconds(5_000),
        /** Whole request headers must arrive within this (slow-header attacks). */
        headersTimeoutMs: Milliseconds(10_000),
        /** A TLS handshake must finish within this, or the socket is dropped. */
        handshakeTimeoutMs: Milliseconds(5_000),
        /** Open connections at most; beyond it new ones are dropped, established ones served. */
        maxConnections: Type.Integer({ minimum: 1, maximum: 100_000, default: 1024 }),
        /** Request line plus headers, in bytes; larger is answered 431. */
        maxHeaderBytes: Type.Integer({ minimum: 1024, maximum: 65_536, default: 8192 }),
        /**
         * Requests that fail authentication, and failed handshakes: refusals per second and
         * burst an address earns before further certain refusals are answered without work; the
         * addresses held; the (address, reason) pairs recorded apart per minute, the rest counted
         * in one record (docs/security.md, attack 06).
         */
        unauthenticated: Type.Object(
          {
            ratePerSecond: Type.Number({ exclusiveMinimum: 0, maximum: 10_000, default: 5 }),
            burst: Type.Integer({ minimum: 1, maximum: 100_000, default: 20 }),
            maxAddresses: Type.Integer({ minimum: 16, maximum: 1_000_000, default: 4096 }),
            maxSourcesPerMinute: Type.Integer({ minimum: 1, maximum: 10_000, default: 64 }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false },
    ),
    upstream: UpstreamSchema,
    /**
     * Further upstreams by name, for agreements bound to them (`agreements[].upstream`); the
     * `upstream` above is the one named `default` (docs/upstream.md, "Several upstreams").
     */
    upstreams: Type.Optional(
      Type.Record(Type.String({ pattern: UPSTREAM_NAME_PATTERN }), UpstreamSchema, {
        additionalProperties: false,
        maxProperties: 16,
      }),
    ),
    audit: Type.Object(
      {
        hmacKeyFile: SecretPath,
        /**
         * Keys retired by rotations, in any order: records made under them can still be traced
         * by NIK (docs/operations.md, "The audit HMAC key"). New records use hmacKeyFile only.
         */
        previousHmacKeyFiles: Type.Optional(Type.Array(SecretPath, { maxItems: 8 })),
        signingKeyFile: SecretPath,
        signingCertFile: Path,
        /** Signing certificates retired by rotations, oldest first (their keys are not needed). */
        previousSigningCertFiles: Type.Optional(Type.Array(Path, { maxItems: 8 })),
        /** Default: audit.db in the data directory. */
        databaseFile: Type.Optional(Path),
        checkpointEvery: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1000 }),
        checkpointIntervalSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 10 }),
        retentionDays: Type.Integer({ minimum: 1, maximum: 36_500, default: 730 }),
        /**
         * An RFC 3161 time-stamp authority of the closed network: the newest checkpoint is
         * time-stamped by it every `everySeconds` (docs/audit.md, "Time-stamps").
         */
        timestampAuthority: Type.Optional(
          Type.Object(
            {
              url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 }),
              /** The CA the TSA's certificate chains to: tokens are checked against it. */
              caFile: Path,
              /** For an https URL whose TLS certificate is not under the system's CAs. */
              tlsCaFile: Type.Optional(Path),
              /** The TSA policy OID to ask for; the TSA's default otherwise. */
              policy: Type.Optional(Type.String({ pattern: '^[0-2](\\.[0-9]{1,9}){1,30}$' })),
              everySeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
              timeoutMs: Milliseconds(10_000, 60_000),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    agreements: Type.Array(AgreementSchema, { minItems: 1 }),
    principals: Type.Record(Type.String({ pattern: PRINCIPAL_ID_PATTERN }), Principal),
    siem: Type.Optional(
      Type.Object(
        {
          host: Type.String({ minLength: 1, maxLength: 253 }),
          port: Type.Integer({ minimum: 1, maximum: 65535, default: 6514 }),
          serverName: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
          caFile: Path,
          certFile: Path,
          keyFile: SecretPath,
        },
        { additionalProperties: false },
      ),
    ),
    anomalies: Type.Object(
      {
        operatorLookupsPerHour: Type.Integer({ minimum: 1, default: 300 }),
        serviceHours: Type.Optional(
          Type.Object(
            {
              timeZone: Type.String({ minLength: 1, maxLength: 64 }),
              days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
                minItems: 1,
                uniqueItems: true,
              }),
              from: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
              to: Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$' }),
            },
            { additionalProperties: false },
          ),
        ),
        notFoundWindow: Type.Integer({ minimum: 5, default: 50 }),
        notFoundMinLookups: Type.Integer({ minimum: 1, default: 20 }),
        notFoundRatio: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.3 }),
        sequentialRun: Type.Integer({ minimum: 2, default: 5 }),
        sequentialMaxGap: Type.Integer({ minimum: 1, default: 3 }),
        refusedElementsPerHour: Type.Integer({ minimum: 1, default: 5 }),
        cooldownMinutes: Type.Integer({ minimum: 1, default: 60 }),
        /**
         * Operator ids held per client (about 0.5 KB each), the least recently seen forgotten
         * first: X-Operator-Id is the client's to choose (docs/security.md, attack 10).
         */
        maxOperatorsPerClient: Type.Integer({ minimum: 10, maximum: 1_000_000, default: 1000 }),
        /** New operator ids one client may bring in an hour before an `operator_churn` alert. */
        newOperatorsPerHour: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 200 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /**
     * Verification of claims (POST /v1/nik/verify): each client may try this many distinct sets of
     * claims about one resident per day (Dukcapil's day, `upstream.quotaTimeZone`), whatever the
     * operator; beyond it `429 verification_limit` and an alert. The counts are held for at most
     * `maxTrackedResidents` (client, resident) pairs, the least recently used evicted first.
     */
    verification: Type.Object(
      {
        attemptsPerResidentPerDay: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
        maxTrackedResidents: Type.Integer({ minimum: 100, maximum: 10_000_000, default: 50_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    clock: Type.Object(
      {
        maxJumpSeconds: Type.Integer({ minimum: 1, default: 300 }),
        /**
         * A start this many days after the trail's newest record holds the retention purge until
         * an administrator acknowledges the clock (a clock set ahead would otherwise erase
         * evidence). Longer than any planned downtime; data requests are not affected.
         */
        maxStartGapDays: Type.Integer({ minimum: 1, maximum: 3650, default: 7 }),
      },
      { additionalProperties: false, default: {} },
    ),
    reports: Type.Optional(
      Type.Object(
        {
          /** The report-signing key (secret) and its certificate, issued by the gateway CA. */
          signingKeyFile: SecretPath,
          signingCertFile: Path,
          /**
           * The semester report's reminder (consoles, alert `report_due`) starts this many days
           * before its due date, the last day of June or December (PKS Pasal 8(1)).
           */
          reminderDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
        },
        { additionalProperties: false },
      ),
    ),
    readers: Type.Optional(
      Type.Object(
        {
          /** The CA that certifies SAM cards (Dukcapil's, or the demo's). */
          samCaFile: Path,
          samCrlFile: Type.Optional(Path),
          /** The certificate of the KTP-el issuer, whose signature every card read must carry. */
          cardIssuerCertFile: Path,
          nonceTtlSeconds: Type.Integer({ minimum: 5, maximum: 600, default: 60 }),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * IKD (digital ID) presentations, read by the clerk portal: the project's own QR profile
     * (docs/ikd-profile.md) and the issuers' public keys. Absent: no IKD intake.
     */
    ikd: Type.Optional(
      Type.Object(
        {
          profile: Type.Literal(IKD_PROFILE, { default: IKD_PROFILE }),
          /** Several at once for an issuer's key rotation. PEM public keys, never private. */
          issuerKeys: Type.Array(
            Type.Object(
              { id: Type.String({ pattern: IKD_KEY_ID_PATTERN }), publicKeyFile: Path },
              { additionalProperties: false },
            ),
            { minItems: 1, maxItems: 16 },
          ),
          maxClockSkewSeconds: Type.Integer({ minimum: 0, maximum: 300, default: 30 }),
          /** The longest validity a presentation may claim: a short one limits a screenshot. */
          maxValiditySeconds: Type.Integer({ minimum: 30, maximum: 3600, default: 300 }),
        },
        { additionalProperties: false },
      ),
    ),
    returnData: Type.Object(
      {
        /**
         * The agency's level of government: which tax types (UU 1/2022 Pasal 4) it may name in
         * return data — a city's or regency's, or a province's (policies/tax.ts).
         */
        agencyLevel: Type.Union(
          AGENCY_LEVELS.map((level) => Type.Literal(level)),
          { default: 'kota' },
        ),
        npwpdPattern: Type.String({
          minLength: 1,
          maxLength: 256,
          default: '^\\d{4}\\.\\d{2}\\.\\d{2}$',
        }),
        /**
         * The data balikan application's own URL (DOMAIN.md: "at its own URL"); {consumer} is
         * replaced. When absent, `path` on the upstream host, as before (docs/return-data.md).
         */
        url: Type.Optional(Type.String({ pattern: '^https?://[^\\s@]+$', maxLength: 2048 })),
        /** Used only without `url`: the endpoint on `upstream.baseUrl`; {consumer} is replaced. */
        path: Type.String({
          pattern: '^/[A-Za-z0-9_./{}-]*$',
          default: '/dukcapil/data_balikan/{consumer}',
        }),
        /** `none`, or `Authorization: Bearer` with the token read from a secret file. */
        auth: Type.Union(
          [
            Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
            Type.Object(
              { kind: Type.Literal('bearer'), tokenFile: SecretPath },
              { additionalProperties: false },
            ),
          ],
          { default: { kind: 'none' } },
        ),
        /** The body, as a template (gateway/config/return-data-template.ts). */
        payload: Type.Unknown({ default: DEFAULT_RETURN_DATA_TEMPLATE }),
        /**
         * When the receiver has taken the record: an HTTP status of `statuses` and, when
         * `pointer` is given, a JSON answer whose value there is one of `equals` (compared
         * case-insensitively). Anything else is a failed attempt, retried.
         */
        success: Type.Object(
          {
            statuses: Type.Array(Type.Integer({ minimum: 200, maximum: 299 }), {
              minItems: 1,
              uniqueItems: true,
            }),
            pointer: Type.Optional(Type.String({ pattern: '^(/[^/]*)*$', maxLength: 256 })),
            equals: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1 }),
            ),
          },
          {
            additionalProperties: false,
            default: { statuses: [200], pointer: '/status', equals: ['OK'] },
          },
        ),
        idLembaga: Type.String({ minLength: 1, maxLength: 64, default: 'BAPENDA' }),
        namaLembaga: Type.String({
          minLength: 1,
          maxLength: 256,
          default: 'Badan Pendapatan Daerah',
        }),
        maxAttempts: Type.Integer({ minimum: 1, maximum: 1000, default: 20 }),
        initialBackoffMs: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 2_000 }),
        maxBackoffMs: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 600_000 }),
        concurrency: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
        requestTimeoutMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    logging: Type.Object(
      {
        level: Type.Union(
          [
            Type.Literal('debug'),
            Type.Literal('info'),
            Type.Literal('warn'),
            Type.Literal('error'),
          ],
          { default: 'info' },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type GerbangConfig = Static<typeof ConfigSchema>;
export type PrincipalConfig = Static<typeof Principal>;
export type ClientProfileConfig = Static<typeof ClientProfile>;
export type AgreementConfig = Static<typeof AgreementSchema>;
export type UpstreamConfig = Static<typeof UpstreamSchema>;
export type IkdConfig = NonNullable<GerbangConfig['ikd']>;
