/**
 * Bad HTTP that never reaches the router (a request line or header the parser refuses, headers
 * larger than the limit, a request that does not arrive in time, CONNECT, a target Hono cannot be
 * handed) still gets a coded JSON answer in the one error shape, then the connection is closed.
 * Node's default would be a bare status line or a silent close; a client deserves the code, and
 * the operator a log line and a metric.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { errorBody, ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';

interface PreRoutingOptions {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

/** The status, headers and body of a coded answer given before any middleware ran. */
function codedAnswer(code: ErrorCode): {
  status: number;
  requestId: string;
  headers: Record<string, string>;
  body: string;
} {
  const requestId = randomUUID();
  return {
    status: ERROR_CATALOGUE[code].status,
    requestId,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': requestId,
      'cache-control': 'no-store',
      connection: 'close',
    },
    body: JSON.stringify(errorBody(code, requestId)),
  };
}

/** Writes a coded answer on the raw socket and closes it. */
function answerOnSocket(
  code: ErrorCode,
  cause: string,
  socket: Duplex,
  options: PreRoutingOptions,
): void {
  options.metrics.httpClientErrors.inc({ code });
  const answer = codedAnswer(code);
  options.logger.warn(
    { event: 'http_client_error', requestId: answer.requestId, code, cause },
    'bad HTTP before routing',
  );
  const head = Object.entries({
    ...answer.headers,
    'content-length': String(Buffer.byteLength(answer.body)),
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? 'Error'}\r\n${head}\r\n${answer.body}`,
  );
  // A peer that does not read its answer must not hold the socket.
  setTimeout(() => socket.destroy(), 2000).unref();
}

/** Node's `clientError`: a parser error or a timeout, answered with its code. */
export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Duplex,
  options: PreRoutingOptions,
): void {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable) {
    options.metrics.httpClientErrors.inc({ code: 'peer_gone' });
    socket.destroy();
    return;
  }
  const code: ErrorCode =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'request_timeout'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 'headers_too_large'
        : 'invalid_request';
  answerOnSocket(code, error.code ?? 'unknown', socket, options);
}

/** CONNECT: Gerbang is not a proxy. */
export function answerConnect(socket: Duplex, options: PreRoutingOptions): void {
  answerOnSocket('invalid_request', 'CONNECT', socket, options);
}

/**
 * The answer to a request that never reached the application (Node parsed it, the adapter could
 * not turn it into a Request): `400 invalid_request`, or `500 internal_error` for anything else.
 */
export function unroutableRequest(error: unknown): Response {
  const answer = codedAnswer(
    error instanceof Error && error.name === 'RequestError' ? 'invalid_request' : 'internal_error',
  );
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
