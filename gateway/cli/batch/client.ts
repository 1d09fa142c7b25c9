/**
 * One verification through the gateway (`POST /v1/nik/verify` over mTLS), and what its answer
 * means for the batch: a row result, a retry (with how long to wait), or a reason to stop the
 * whole run (a refusal that every row would get, or the day's quota). Never reads a value: the
 * answer carries match or no-match per element and nothing else (no score; the threshold is the
 * agreement's, so none is sent), and errors are read by their code. A row refused with
 * `verification_limit` (the resident verified too often today) is that row's `error`; one answered
 * `409 nik_ambiguous` (the registry holds more than one record for the NIK, so none was verified:
 * PKS Pasal 2(2)a) has an outcome of its own, `nik_ambiguous`, for the agency to follow up.
 */
import { Agent, request } from 'undici';
import type { ElementName } from '../../../policies/index.ts';
import { resultFromVerdicts, type ClaimElement, type RowResult } from './plan.ts';

export interface GatewayConnection {
  readonly url: string;
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface VerifyQuery {
  readonly nik: string;
  readonly claims: Readonly<Partial<Record<ClaimElement, string>>>;
  readonly missing: readonly ElementName[];
  readonly reference: string;
}

/** What the gateway said about the client's allowance (RateLimit-Policy / RateLimit). */
export interface Allowance {
  readonly ratePerSecond?: number;
  readonly dailyRemaining?: number;
  readonly resetSeconds?: number;
}

export type Attempt =
  | { readonly kind: 'result'; readonly result: RowResult }
  /** Try again later; `overload` marks answers that say the path is saturated or down. */
  | {
      readonly kind: 'retry';
      readonly code: string;
      readonly afterSeconds?: number;
      readonly overload: boolean;
    }
  | {
      readonly kind: 'stop';
      readonly code: string;
      readonly message: string;
      /** The quota: the run can be resumed after `afterSeconds`. */
      readonly afterSeconds?: number;
    };

/** Refusals every row would get: stop instead of writing N identical errors. */
const STOP_CODES = new Set([
  'unauthenticated',
  'forbidden',
  'client_suspended',
  'purpose_not_allowed',
  'field_not_allowed',
  'agreement_inactive',
  'agreement_suspended',
  'upstream_rejected',
  'clock_untrusted',
  'unsupported_media_type',
]);
const QUOTA_CODES = new Set(['quota_exhausted', 'upstream_quota_exhausted']);
/** Transient: the upstream, the audit or the gateway will likely answer on a later try. */
const RETRY_CODES = new Set([
  'rate_limited',
  'upstream_error',
  'upstream_unavailable',
  'upstream_timeout',
  'audit_unavailable',
  'internal_error',
]);
const OVERLOAD_CODES = new Set(['rate_limited', 'upstream_unavailable', 'upstream_timeout']);
/** TLS failures: the certificate or the trust anchor is wrong; retrying will not help. */
const TLS_ERROR = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/;

function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Reads `RateLimit-Policy: "rate";q=N;w=1, ...` and `RateLimit: "daily";r=N;t=S`. */
export function readAllowance(headers: Record<string, string | string[] | undefined>): Allowance {
  const text = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  };
  const rate = /"rate";q=([0-9.]+)/.exec(text('ratelimit-policy'))?.[1];
  const daily = /"daily";r=(\d+);t=(\d+)/.exec(text('ratelimit'));
  return {
    ...(rate === undefined ? {} : { ratePerSecond: Number(rate) }),
    ...(daily?.[1] === undefined ? {} : { dailyRemaining: Number(daily[1]) }),
    ...(daily?.[2] === undefined ? {} : { resetSeconds: Number(daily[2]) }),
  };
}

export class VerifyClient {
  private readonly agent: Agent;
  private readonly endpoint: string;
  private readonly operator: string;
  private readonly purpose: string;

  constructor(options: {
    connection: GatewayConnection;
    operator: string;
    purpose: string;
    connections: number;
  }) {
    const { connection } = options;
    this.agent = new Agent({
      connections: options.connections,
      connect: { ca: connection.ca, cert: connection.cert, key: connection.key },
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    this.endpoint = new URL('/v1/nik/verify', connection.url).toString();
    this.operator = options.operator;
    this.purpose = options.purpose;
  }

  /** One attempt. Resolves, never throws: network failures are retries (TLS ones stop). */
  async verify(query: VerifyQuery): Promise<{ attempt: Attempt; allowance: Allowance }> {
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const response = await request(this.endpoint, {
        dispatcher: this.agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-operator-id': this.operator },
        body: JSON.stringify({
          nik: query.nik,
          purpose: this.purpose,
          reference: query.reference,
          claims: query.claims,
        }),
      });
      status = response.statusCode;
      headers = response.headers;
      text = await response.body.text();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const name = typeof code === 'string' ? code : 'network_error';
      return {
        attempt: TLS_ERROR.test(name)
          ? { kind: 'stop', code: name, message: 'the TLS connection to the gateway failed' }
          : { kind: 'retry', code: name, overload: true },
        allowance: {},
      };
    }
    return {
      attempt: interpretAnswer(status, headers, text, query),
      allowance: readAllowance(headers),
    };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** What one answer of the gateway means for the row it was about (pure, for tests too). */
export function interpretAnswer(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
  query: VerifyQuery,
): Attempt {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status === 200) {
    const result = (body as { result?: unknown } | undefined)?.result;
    // Every claim must have come back with a verdict, or the answer cannot be trusted.
    const readable =
      typeof result === 'object' &&
      result !== null &&
      Object.keys(query.claims).every(
        (element) =>
          typeof (result as Record<string, { match?: unknown } | undefined>)[element]?.match ===
          'boolean',
      );
    if (!readable) return { kind: 'retry', code: 'unreadable_answer', overload: false };
    return {
      kind: 'result',
      result: resultFromVerdicts(result, query.missing),
    };
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${String(status)}`;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${String(status)}`;
  const after = retryAfter(headers['retry-after']);
  if (code === 'nik_not_found') return { kind: 'result', result: { outcome: 'nik_not_found' } };
  if (code === 'nik_ambiguous') return { kind: 'result', result: { outcome: 'nik_ambiguous' } };
  if (code === 'invalid_nik')
    return { kind: 'result', result: { outcome: 'invalid_format', invalid: ['nik'] } };
  if (QUOTA_CODES.has(code))
    return {
      kind: 'stop',
      code,
      message,
      ...(after === undefined ? {} : { afterSeconds: after }),
    };
  if (STOP_CODES.has(code)) return { kind: 'stop', code, message };
  if (RETRY_CODES.has(code) || status >= 500)
    return {
      kind: 'retry',
      code,
      overload: OVERLOAD_CODES.has(code),
      ...(after === undefined ? {} : { afterSeconds: after }),
    };
  // Any other refusal concerns this row alone (e.g. a claim the gateway would not take).
  return { kind: 'result', result: { outcome: 'error', error: code } };
}
