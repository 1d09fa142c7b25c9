/**
 * The one mapping from the errors of the layers below to the catalogue codes clients see. Domain
 * code throws its own named errors and knows nothing of HTTP; here each becomes its code. Anything
 * not named here is unexpected: `500 internal_error`, whose cause the error handler logs with its
 * stack and never sends.
 */
import { UpstreamFailure, type UpstreamFailureKind } from '../../adapters/dukcapil/port.ts';
import { StorageUnavailable } from '../../adapters/sqlite/port.ts';
import { AdminActionError } from '../services/admin/errors.ts';
import { AuditUnavailable } from '../services/errors.ts';
import { CardReadRefused } from '../services/readers/card-read-verifier.ts';
import { ApiError, type ErrorCode } from './error-catalogue.ts';

const UPSTREAM_CODES: Readonly<Record<UpstreamFailureKind, ErrorCode>> = {
  not_found: 'nik_not_found',
  ambiguous: 'nik_ambiguous',
  rejected: 'upstream_rejected',
  quota: 'upstream_quota_exhausted',
  malformed: 'upstream_error',
  timeout: 'upstream_timeout',
  unavailable: 'upstream_unavailable',
};

const ADMIN_CODES: Readonly<Record<AdminActionError['kind'], ErrorCode>> = {
  invalid: 'invalid_request',
  not_found: 'not_found',
  conflict: 'conflict',
};

/** Maps an error to the API error clients see. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof UpstreamFailure)
    return new ApiError(UPSTREAM_CODES[error.kind], {
      cause: error,
      detail: error.reason,
      // An open breaker knows when its probe goes through: a client that waits that long is
      // not refused again for nothing (verify-batch honours it).
      ...(error.retryAfterMs === undefined
        ? {}
        : {
            headers: { 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) },
          }),
    });
  if (error instanceof StorageUnavailable)
    return new ApiError(error.store === 'state' ? 'state_unavailable' : 'outbox_unavailable', {
      cause: error,
      detail: error.message,
    });
  if (error instanceof AuditUnavailable)
    return new ApiError('audit_unavailable', { cause: error, detail: error.message });
  // Its message is a fixed phrase of ours (or names fields of our own schema), never input.
  if (error instanceof AdminActionError)
    return new ApiError(ADMIN_CODES[error.kind], {
      cause: error,
      detail: error.message,
      message: error.message,
    });
  if (error instanceof CardReadRefused)
    return new ApiError(error.kind, { cause: error, detail: error.message });
  return new ApiError('internal_error', { cause: error });
}
