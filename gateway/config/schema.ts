/**
 * The configuration file's one JSON Schema, its sections here and its larger parts beside it
 * (schema-primitives.ts, agreement-schema.ts, upstream-schema.ts). It is written with TypeBox so
 * that the TypeScript type (`GerbangConfig`) is derived from the very schema ajv validates at
 * start-up.
 * Paths are relative to the configuration file's directory. Secrets are paths, never values.
 */
import { Type, type Static } from '@sinclair/typebox';
import { AgreementSchema } from './agreement-schema.ts';
import {
  Element,
  IKD_KEY_ID_PATTERN,
  IKD_PROFILE,
  Milliseconds,
  Path,
  PRINCIPAL_ID_PATTERN,
  PURPOSE_PATTERN,
  SecretPath,
  UPSTREAM_NAME_PATTERN,
} from './schema-primitives.ts';
import { AnomaliesSection, ReturnDataSection } from './section-schemas.ts';
import { UpstreamSchema } from './upstream-schema.ts';

// The parts of the schema live beside it (building blocks, agreements, upstreams); callers
// import them from here, as before the split.
export {
  UPSTREAM_METHODS,
  IKD_PROFILE,
  IKD_KEY_ID_PATTERN,
  PRINCIPAL_ID_PATTERN,
  PURPOSE_PATTERN,
  UPSTREAM_NAME_PATTERN,
} from './schema-primitives.ts';
export {
  AgreementInstrumentSchema,
  AgreementSchema,
  StoredInstrumentSchema,
  type InstrumentConfig,
} from './agreement-schema.ts';
export { UpstreamSchema } from './upstream-schema.ts';

/**
 * Every role a certificate's OU may name. `operator` is never configured: an operator certificate
 * names its client (an `app` principal) itself (docs/pki.md, "Operators").
 */
export const ROLES = ['app', 'operator', 'reader', 'officer', 'evaluator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** The roles a principal of the configuration may have. */
export const CONFIGURED_ROLES = ['app', 'reader', 'officer', 'evaluator', 'admin'] as const;

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
    anomalies: AnomaliesSection,
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
    returnData: ReturnDataSection,
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
