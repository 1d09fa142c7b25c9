/**
 * Is it Dukcapil that answers at `upstream.baseUrl`? A connection alone proves nothing: any web
 * server on that port answers something (a 404 page), and the first lookup would then fail.
 *
 * The probe POSTs to the configured `CALL_NIK` method URL, built by the adapter's own code from the
 * upstream profile (`central`, `regional` or the configuration's own: docs/upstream.md), a JSON
 * body with **no NIK and no credentials**. Dukcapil answers every request with HTTP 200 and its
 * envelope (`{"content":[{"RESPON": "Login Gagal"}], ...}` here). The request is refused at the
 * login, before any lookup: it asks for no one's data, and, naming no user, it cannot be counted
 * against the agency's quota. Healthy means exactly that answer: HTTP 200 with a body that is the
 * envelope. Anything else fails, naming what answered by its status and content type, never by
 * its body.
 */
import { request } from 'undici';
import {
  classifyRespon,
  dukcapilMethodUrl,
  firstContentObject,
  getCaseInsensitive,
  readBodyWithin,
  resolveUpstreamProfile,
  UpstreamFailure,
  type UpstreamProfileSetting,
} from '../../../adapters/dukcapil/index.ts';

export type DukcapilProbe =
  | { readonly ok: true; readonly ms: number; readonly respon: string | undefined }
  | { readonly ok: false; readonly reason: string };

/** A content type as a short token (never more of what the server sent). */
function mediaTypeOf(header: string | string[] | undefined): string {
  const value = (Array.isArray(header) ? header[0] : header)?.split(';')[0]?.trim() ?? '';
  return /^[\w.+-]{1,60}\/[\w.+-]{1,60}$/.test(value) ? value : 'no content type';
}

export async function probeDukcapil(options: {
  readonly baseUrl: string;
  readonly consumer: string;
  /** `upstream.profile` and `upstream.region`; default: the central profile. */
  readonly profile?: UpstreamProfileSetting | undefined;
  readonly region?: string | undefined;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}): Promise<DukcapilProbe> {
  const endpoint = {
    profile: resolveUpstreamProfile(options.profile),
    consumer: options.consumer,
    region: options.region,
  };
  const url = dukcapilMethodUrl(options.baseUrl, endpoint, 'CALL_NIK');
  const started = performance.now();
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: '{}',
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const answered = `HTTP ${response.statusCode}, ${mediaTypeOf(response.headers['content-type'])}`;
  const text = await readBodyWithin(response.body, options.maxResponseBytes);
  if (text === undefined)
    return { ok: false, reason: `${answered}, more than ${options.maxResponseBytes} bytes` };
  const ms = Math.round(performance.now() - started);
  if (response.statusCode !== 200) return { ok: false, reason: answered };
  let first: Record<string, unknown>;
  try {
    first = firstContentObject(text);
  } catch (error) {
    if (!(error instanceof UpstreamFailure)) throw error;
    // The adapter's own phrase ("response is not JSON", "response has no content").
    return { ok: false, reason: `${answered}: ${error.reason}, not the Dukcapil envelope` };
  }
  const respon = getCaseInsensitive(first, 'RESPON');
  return {
    ok: true,
    ms,
    // Gerbang's reading of the RESPON text, not the text itself.
    respon: typeof respon === 'string' ? classifyRespon(respon).reason : undefined,
  };
}
