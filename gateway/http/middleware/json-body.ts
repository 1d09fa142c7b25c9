/**
 * Reads a JSON body under a byte limit. The limit is enforced on the bytes actually received, so
 * a chunked body (Transfer-Encoding) cannot slip past a small or missing Content-Length. Then:
 * strict UTF-8, JSON.parse, and the route's compiled schema.
 */
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { nodeRequest, requestHeader } from '../request-header.ts';

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

/**
 * The same limit on the server's own request stream. Reading `c.req.raw.body` made
 * @hono/node-server build a whole WHATWG Request for every data request (Headers, an
 * AbortController, the body as a web stream wrapped around another), the largest single cost on
 * a lookup's path after the audit commit; the Node stream gives the same bytes without it.
 * An oversized body stops being read here; the server drains the rest after the 413 is sent
 * (`Connection: close`).
 */
export function readIncomingLimited(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        incoming.pause();
        reject(new ApiError('payload_too_large', { headers: { Connection: 'close' } }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new ApiError('invalid_request', { detail: 'body ended early' }));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

export const jsonBody = (options: {
  readonly limitBytes: number;
}): MiddlewareHandler<GatewayEnv> => {
  if (!Number.isInteger(options.limitBytes) || options.limitBytes < 1)
    throw new RangeError('limitBytes must be a positive integer');
  return async function jsonBodyMiddleware(c, next) {
    const type = requestHeader(c, 'content-type') ?? '';
    if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type.trim()))
      throw new ApiError('unsupported_media_type');
    const declared = requestHeader(c, 'content-length');
    if (
      declared !== undefined &&
      requestHeader(c, 'transfer-encoding') === undefined &&
      Number(declared) > options.limitBytes
    ) {
      throw new ApiError('payload_too_large', { headers: { Connection: 'close' } });
    }
    // Under the server, its Node request; under app.request() (the tests), the Request's body.
    const incoming = nodeRequest(c);
    const bytes =
      incoming === undefined
        ? await readLimited(c.req.raw.body, options.limitBytes)
        : await readIncomingLimited(incoming, options.limitBytes);
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
