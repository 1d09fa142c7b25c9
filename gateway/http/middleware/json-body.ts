/**
 * Reads a JSON body under a byte limit. The limit is enforced on the bytes actually received, so
 * a chunked body (Transfer-Encoding) cannot slip past a small or missing Content-Length. Then:
 * strict UTF-8, JSON.parse, and the route's compiled schema.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export async function readLimited(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array> {
  if (stream === null) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit)
        throw new ApiError('payload_too_large', { headers: { Connection: 'close' } });
      chunks.push(value);
    }
  } finally {
    if (size > limit) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  return Buffer.concat(chunks);
}

export const jsonBody = (options: {
  readonly limitBytes: number;
}): MiddlewareHandler<GatewayEnv> => {
  if (!Number.isInteger(options.limitBytes) || options.limitBytes < 1)
    throw new RangeError('limitBytes must be a positive integer');
  return async function jsonBodyMiddleware(c, next) {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type.trim()))
      throw new ApiError('unsupported_media_type');
    const declared = c.req.header('content-length');
    if (
      declared !== undefined &&
      c.req.header('transfer-encoding') === undefined &&
      Number(declared) > options.limitBytes
    ) {
      throw new ApiError('payload_too_large', { headers: { Connection: 'close' } });
    }
    const bytes = await readLimited(c.req.raw.body, options.limitBytes);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new ApiError('invalid_request', { detail: 'body is not UTF-8' });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError('invalid_request', { detail: 'body is not JSON' });
    }
    c.set('body', body);
    await next();
  };
};
