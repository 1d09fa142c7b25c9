/**
 * Data balikan (return data): the agency's taxpayer number and tax types for a NIK it accessed,
 * posted to the data balikan application. DOMAIN.md, "Dukcapil web service": that application
 * has its own URL, is authenticated (one public client sends `Authorization: Bearer <token>`),
 * and its content is set per agreement — so URL, authentication, payload template and success
 * criterion are all configuration (`returnData`, docs/return-data.md), and this file is the one
 * place that speaks the wire.
 *
 * Every delivery carries the gateway's own key (`Idempotency-Key`, and `{{deliveryKey}}` for a
 * template that wants it in the body), the same on every retry. The gateway does not rely on the
 * receiver honouring it: the outbox never re-sends an acknowledged delivery; what this client
 * reports is whether the record was certainly not taken (`unavailable`, `rejected`, `malformed`)
 * or whether the answer was lost after the request left (`timeout`), so that the outbox can count
 * the attempts whose fate is unknowable (docs/return-data.md, "Exactly once, at least once").
 */
import { Pool } from 'undici';
import { atJsonPointer, renderTemplate } from '../../gateway/config/return-data-template.ts';
import { UpstreamFailure, type ReturnDataClient, type ReturnDataItem } from './port.ts';

export interface ReturnDataSuccess {
  readonly statuses: readonly number[];
  readonly pointer?: string | undefined;
  readonly equals?: readonly string[] | undefined;
}

export interface HttpReturnDataOptions {
  /** The endpoint: `url` as configured, or `path` on the upstream host ({consumer} replaced). */
  readonly url: string;
  readonly consumer: string;
  readonly idLembaga: string;
  readonly namaLembaga: string;
  /** The bearer token's value (read from its secret file by the caller), or none. */
  readonly bearerToken?: string | undefined;
  readonly payload: unknown;
  readonly success: ReturnDataSuccess;
  readonly requestTimeoutMs: number;
  /** Bytes of an answer read at most; a longer answer is a failed attempt. */
  readonly maxResponseBytes?: number;
}

/** RFC 6750's b64token: a token outside it would break the header or smuggle another. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** Connection errors before any byte of the request left: the receiver cannot have the record. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const codeOf = (error: unknown): string | undefined => {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED') return code;
    current = current.cause;
  }
  return undefined;
};

/** The endpoint of a configuration: its own `url`, or `path` on the upstream host as before. */
export function returnDataUrl(options: {
  readonly url?: string | undefined;
  readonly path: string;
  readonly upstreamBaseUrl: string;
  readonly consumer: string;
}): string {
  const consumer = encodeURIComponent(options.consumer);
  if (options.url !== undefined) return options.url.replace('{consumer}', consumer);
  const base = new URL(options.upstreamBaseUrl);
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${options.path.replace('{consumer}', consumer)}`;
}

export class HttpReturnDataClient implements ReturnDataClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly options: HttpReturnDataOptions;

  constructor(options: HttpReturnDataOptions) {
    const url = new URL(options.url);
    if (options.bearerToken !== undefined && !BEARER_TOKEN.test(options.bearerToken))
      // The token itself is never named: it is a secret.
      throw new Error('the return-data bearer token is not a valid token (RFC 6750 b64token)');
    this.pool = new Pool(url.origin, {
      connections: 8,
      pipelining: 1,
      connectTimeout: 2_000,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
    });
    this.path = `${url.pathname}${url.search}`;
    this.headers = {
      'content-type': 'application/json',
      ...(options.bearerToken === undefined
        ? {}
        : { authorization: `Bearer ${options.bearerToken}` }),
    };
    this.options = options;
  }

  async deliver(item: ReturnDataItem, idempotencyKey: string): Promise<void> {
    const body = JSON.stringify(
      renderTemplate(this.options.payload, {
        nik: item.nik,
        npwpd: item.npwpd,
        jenisPajak: item.jenisPajak,
        idLembaga: this.options.idLembaga,
        namaLembaga: this.options.namaLembaga,
        consumer: this.options.consumer,
        deliveryKey: idempotencyKey,
      }),
    );
    let statusCode: number;
    let text: string | undefined;
    let sent = false;
    try {
      const response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers: { ...this.headers, 'idempotency-key': idempotencyKey },
        body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      sent = true;
      statusCode = response.statusCode;
      text = await readLimited(response.body, this.options.maxResponseBytes ?? 65_536);
    } catch (error) {
      const code = codeOf(error);
      if (!sent && code !== undefined && NOT_SENT.has(code))
        throw new UpstreamFailure('unavailable', 'return-data service unreachable');
      // The request may have arrived and been recorded: whether it was is unknowable here.
      throw new UpstreamFailure('timeout', 'no answer from the return-data service');
    }
    this.judge(statusCode, text);
  }

  /** The configured success criterion; fixed reasons only, never the receiver's text. */
  private judge(statusCode: number, text: string | undefined): void {
    const { statuses, pointer, equals } = this.options.success;
    if (!statuses.includes(statusCode))
      throw new UpstreamFailure(
        statusCode >= 400 && statusCode < 500 ? 'rejected' : 'malformed',
        `return-data service answered HTTP ${String(statusCode)}`,
        statusCode,
      );
    if (text === undefined)
      throw new UpstreamFailure('malformed', 'return-data answer too long', statusCode);
    if (pointer === undefined || equals === undefined) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UpstreamFailure('malformed', 'return-data answer is not JSON', statusCode);
    }
    const value = atJsonPointer(parsed, pointer);
    const seen =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value).trim().toLowerCase()
        : undefined;
    if (seen === undefined || !equals.some((wanted) => wanted.trim().toLowerCase() === seen))
      throw new UpstreamFailure('rejected', 'return-data service refused the record', statusCode);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** The answer's text, at most `limit` bytes; undefined for a longer one, which we do not read. */
async function readLimited(
  body: AsyncIterable<Buffer | string> & { destroy?: () => void },
  limit: number,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) {
      body.destroy?.();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
