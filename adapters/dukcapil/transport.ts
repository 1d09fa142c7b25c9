/**
 * The HTTP transport's edges, apart from the client's call logic: which connection errors prove
 * that nothing was sent (the one case a call is retried), how undici's errors become an
 * UpstreamFailure, and reading an answer no larger than the limit (shared with doctor's probe).
 */
import { errors as undiciErrors } from 'undici';
import { UpstreamFailure } from './port.ts';

/** Errors raised before any byte of the request reached the upstream: safe to retry once. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function wasNothingSent(error: unknown): boolean {
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return true;
  if (code === undefined || !NOT_SENT_CODES.has(code)) return false;
  // undici reports the socket's counters; a reused socket that died before our write shows no
  // new bytes. Without the counters we cannot tell, so we do not retry.
  const socket = (error as { socket?: { bytesWritten?: unknown } }).socket;
  return socket !== undefined && socket.bytesWritten === 0;
}

export function toFailure(error: unknown): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  ) {
    return new UpstreamFailure('timeout', 'upstream did not answer in time');
  }
  if (error instanceof undiciErrors.ConnectTimeoutError)
    return new UpstreamFailure('timeout', 'connect timed out');
  if (
    error instanceof DOMException &&
    (error.name === 'TimeoutError' || error.name === 'AbortError')
  ) {
    return new UpstreamFailure('timeout', 'upstream call deadline passed');
  }
  if (error instanceof undiciErrors.RequestAbortedError)
    return new UpstreamFailure('timeout', 'upstream call aborted');
  return new UpstreamFailure('unavailable', `connection failed (${errorCode(error) ?? 'unknown'})`);
}

/**
 * An answer's body as UTF-8 text, or undefined once it grows past `maxBytes` (the stream is then
 * destroyed): a misbehaving upstream cannot make the gateway buffer without bound.
 */
export async function readBodyWithin(
  body: AsyncIterable<unknown> & { destroy(): unknown },
  maxBytes: number,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
