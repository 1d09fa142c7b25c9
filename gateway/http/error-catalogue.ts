/**
 * The one catalogue of error codes clients can see (API.md). Each code has one HTTP status and
 * one fixed message; `docs/errors.md` documents every code and a test keeps the two in step.
 * Messages are constants so that no upstream text, secret or population data can reach a client.
 */
export const ERROR_CATALOGUE = {
  invalid_request: {
    status: 400,
    message: 'The request is malformed or does not match the schema.',
  },
  invalid_nik: { status: 400, message: 'The NIK is not a valid 16-digit NIK.' },
  invalid_npwpd: { status: 400, message: 'The NPWPD does not match the configured format.' },
  ikd_invalid: {
    status: 400,
    message:
      'The IKD (digital ID) presentation is refused: not valid, expired, unknown or used already.',
  },
  intake_expired: {
    status: 400,
    message:
      'The card read or lookup this form refers to is no longer held (held for minutes, used once): read the card or look up again.',
  },
  invalid_card: { status: 400, message: 'The card data does not carry a valid issuer signature.' },
  invalid_jenis_pajak: {
    status: 400,
    message: 'A tax type (jenis pajak) is not in the list of UU 1/2022.',
  },
  jenis_pajak_not_levied: {
    status: 400,
    message: "A tax type (jenis pajak) is not levied at this agency's level of government.",
  },
  unauthenticated: { status: 401, message: 'A valid client certificate is required.' },
  forbidden: { status: 403, message: 'This principal may not use this endpoint.' },
  client_suspended: { status: 403, message: 'This client is suspended.' },
  operator_not_authenticated: {
    status: 403,
    message:
      "This client's profile requires authenticated operators: the request must come from an operator certificate, not with an asserted X-Operator-Id.",
  },
  operator_mismatch: {
    status: 403,
    message: 'X-Operator-Id names another operator than the operator certificate.',
  },
  purpose_not_allowed: { status: 403, message: 'The purpose is not granted to this client.' },
  field_not_allowed: { status: 403, message: 'A requested field is not granted to this client.' },
  agreement_inactive: { status: 403, message: 'No agreement with Dukcapil is in force.' },
  agreement_suspended: {
    status: 403,
    message: 'The agreement with Dukcapil is suspended (force majeure); access resumes with it.',
  },
  reader_not_active: { status: 403, message: 'The card reader is not enrolled and active.' },
  reader_proof_invalid: { status: 403, message: 'The reader proof is invalid.' },
  clock_untrusted: {
    status: 403,
    message: 'The gateway clock is behind its audit trail; data requests are refused.',
  },
  nik_not_found: { status: 404, message: 'The NIK is not in the population registry.' },
  not_found: { status: 404, message: 'No such resource.' },
  nonce_used: { status: 409, message: 'The nonce has already been used.' },
  nik_ambiguous: {
    status: 409,
    message:
      'The population registry holds more than one record for this NIK; none is released. Refer the resident to Disdukcapil.',
  },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  request_timeout: {
    status: 408,
    message: 'The request did not arrive in time; the connection is closed.',
  },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'The request body must be application/json.' },
  rate_limited: { status: 429, message: 'Too many requests; retry later.' },
  headers_too_large: {
    status: 431,
    message: 'The request line and headers are too large; the connection is closed.',
  },
  quota_exhausted: { status: 429, message: 'The daily quota of this client is used up.' },
  upstream_quota_exhausted: { status: 429, message: 'The daily Dukcapil quota is used up.' },
  verification_limit: {
    status: 429,
    message:
      'This client has verified this resident as often as it may today; nothing was compared.',
  },
  internal_error: { status: 500, message: 'An internal error occurred.' },
  upstream_error: {
    status: 502,
    message: 'Dukcapil returned an answer the gateway could not use.',
  },
  upstream_rejected: {
    status: 502,
    message: 'Dukcapil refused the gateway (credentials or address).',
  },
  audit_unavailable: {
    status: 503,
    message: 'The audit trail cannot be written; data requests are refused.',
  },
  state_unavailable: {
    status: 503,
    message:
      'The change could not be stored (the state database cannot be written); it was not made.',
  },
  outbox_unavailable: {
    status: 503,
    message:
      'The return data could not be queued (the outbox cannot be written); nothing was queued.',
  },
  upstream_unavailable: { status: 503, message: 'Dukcapil is unavailable.' },
  upstream_timeout: { status: 504, message: 'Dukcapil did not answer in time.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** The single shape of every error a client sees. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly requestId: string;
  };
}

/** Thrown anywhere in request handling; the error handler turns it into the catalogue's answer. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  /** Extra headers for the answer, e.g. Retry-After. */
  readonly headers: Readonly<Record<string, string>>;
  /** For the operator's log only (never sent): why, in terms free of population data. */
  readonly detail: string | undefined;
  /** A more specific message for the client, written by our code, never built from input. */
  readonly publicMessage: string;

  constructor(
    code: ErrorCode,
    options: {
      detail?: string;
      message?: string | undefined;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(code, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.headers = options.headers ?? {};
    this.detail = options.detail;
    this.publicMessage = options.message ?? ERROR_CATALOGUE[code].message;
  }

  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}

export function errorBody(
  code: ErrorCode,
  requestId: string,
  message: string = ERROR_CATALOGUE[code].message,
): ErrorBody {
  return { error: { code, message, requestId } };
}
