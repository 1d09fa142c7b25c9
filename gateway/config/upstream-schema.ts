/**
 * One Dukcapil endpoint and the agency's account there (docs/upstream.md): its profile, region,
 * credentials (a secret path), timeouts, connection limits, rate and daily quota, and breaker.
 */
import { Type } from '@sinclair/typebox';
import { REGION_REQUIRED, UpstreamProfileSetting, UpstreamRegion } from './upstream-profile.ts';
import { Milliseconds, SecretPath } from './schema-primitives.ts';

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
    /**
     * What the pacer's window adds to a second: no 1000 + this many ms holds more than
     * ratePerSecond calls, counted from when each request was written, so that jitter after the
     * writing cannot crowd more than the quota into any second at Dukcapil. Costs up to
     * margin / (1000 + margin) of the quota.
     */
    rateWindowMarginMs: Type.Integer({ minimum: 0, maximum: 500, default: 20 }),
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
