/**
 * Two sections of the configuration schema large enough to stand apart from schema.ts: the
 * anomaly detector's thresholds (docs/security.md) and the return data's delivery to Dukcapil
 * (docs/return-data.md).
 */
import { Type } from '@sinclair/typebox';
import { AGENCY_LEVELS } from '../../policies/index.ts';
import { DEFAULT_RETURN_DATA_TEMPLATE } from './return-data-template.ts';
import { SecretPath } from './schema-primitives.ts';

export const AnomaliesSection = Type.Object(
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
);

export const ReturnDataSection = Type.Object(
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
);
