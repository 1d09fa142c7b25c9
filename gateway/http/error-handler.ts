/**
 * The single error handler: domain errors become catalogue codes; anything unexpected becomes
 * `500 internal_error` with no stack, no message and no upstream text reaching the client.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { UpstreamFailure, type UpstreamFailureKind } from '../../adapters/dukcapil/index.ts';
import { StorageUnavailable } from '../../adapters/sqlite/open.ts';
import { ApiError, errorBody, type ErrorCode } from './error-catalogue.ts';
import type { GatewayEnv } from './env.ts';

const UPSTREAM_CODES: Readonly<Record<UpstreamFailureKind, ErrorCode>> = {
  not_found: 'nik_not_found',
  rejected: 'upstream_rejected',
  quota: 'upstream_quota_exhausted',
  malformed: 'upstream_error',
  timeout: 'upstream_timeout',
  unavailable: 'upstream_unavailable',
};

/** Maps a domain error to the API error clients see. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof UpstreamFailure)
    return new ApiError(UPSTREAM_CODES[error.kind], { cause: error, detail: error.reason });
  if (error instanceof StorageUnavailable)
    return new ApiError(error.store === 'state' ? 'state_unavailable' : 'outbox_unavailable', {
      cause: error,
      detail: error.message,
    });
  return new ApiError('internal_error', { cause: error });
}

function respond(c: Context<GatewayEnv>, error: ApiError): Response {
  const requestId = c.get('requestId');
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(errorBody(error.code, requestId, error.publicMessage), error.status as 400);
}

export const handleError: ErrorHandler<GatewayEnv> = (error, c) => {
  const apiError = toApiError(error);
  const log = c.get('log');
  if (apiError.code === 'internal_error') {
    log.error(
      { err: { type: error.name, message: error.message, stack: error.stack } },
      'unexpected error',
    );
  } else if (apiError.status >= 500) {
    log.warn({ code: apiError.code, detail: apiError.detail }, 'request failed');
  } else {
    log.info({ code: apiError.code, detail: apiError.detail }, 'request refused');
  }
  return respond(c, apiError);
};

export const handleNotFound: NotFoundHandler<GatewayEnv> = (c) =>
  respond(c, new ApiError('not_found'));
