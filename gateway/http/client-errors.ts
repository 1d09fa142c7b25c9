/**
 * Bad HTTP that never reaches the router (a request line or header the parser refuses, headers
 * larger than the limit, a request that does not arrive in time) still gets a coded JSON answer
 * in the one error shape, then the connection is closed. Node's default would be a bare status
 * line; a client deserves the code, and the operator a log line and a metric.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { errorBody, ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.ts';
import type { GatewayMetrics } from '../metrics.ts';

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** Which code a parser or timeout error gets; undefined when the peer is gone (nothing to say). */
export function clientErrorCode(error: NodeJS.ErrnoException): ErrorCode | undefined {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return undefined;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large';
  return 'invalid_request';
}

/** CONNECT: Gerbang is not a proxy. Node would close the socket without a word. */
export function answerConnect(
  socket: Duplex,
  options: { readonly logger: Logger; readonly metrics: GatewayMetrics },
): void {
  const error: NodeJS.ErrnoException = new Error('CONNECT is not served');
  error.code = 'CONNECT';
  answerClientError(error, socket, options);
}

export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Duplex,
  options: { readonly logger: Logger; readonly metrics: GatewayMetrics },
): void {
  const code = clientErrorCode(error);
  options.metrics.httpClientErrors.inc({ code: code ?? 'peer_gone' });
  if (code === undefined || !socket.writable) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const status = ERROR_CATALOGUE[code].status;
  const body = JSON.stringify(errorBody(code, requestId));
  options.logger.warn(
    { event: 'http_client_error', requestId, code, parserError: error.code },
    'bad HTTP before routing',
  );
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\n` +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
  // A peer that does not read its answer must not hold the socket.
  setTimeout(() => socket.destroy(), 2000).unref();
}

/**
 * The answer to a request that never reached the application (Node parsed it, the adapter could
 * not turn it into a Request): `400 invalid_request`, or `500 internal_error` for anything else.
 */
export function unroutableRequest(error: unknown): Response {
  const code: ErrorCode =
    error instanceof Error && error.name === 'RequestError' ? 'invalid_request' : 'internal_error';
  const requestId = randomUUID();
  return new Response(JSON.stringify(errorBody(code, requestId)), {
    status: ERROR_CATALOGUE[code].status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': requestId,
      'cache-control': 'no-store',
      connection: 'close',
    },
  });
}
