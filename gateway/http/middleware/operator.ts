/**
 * Every data request names the person at the client (ARCHITECTURE invariant 6): installed by
 * createApp on the routes that declare `requiresOperator`, it leaves the operator in
 * `c.var.operatorId` and, on a data path, in the audit draft with how it was known.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { checkStoredText, STORED_TEXT_MESSAGES } from '../../../policies/index.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { requestHeader } from '../request-header.ts';

const OPERATOR_ID = /^[A-Za-z0-9._@-]{1,64}$/;

/** X-Operator-Id as sent, or the refusal of a missing or malformed one. */
function checkedOperatorId(operator: string | undefined): string {
  if (operator === undefined)
    throw new ApiError('invalid_request', {
      detail: 'X-Operator-Id missing',
      message: 'The X-Operator-Id header is required.',
    });
  if (!OPERATOR_ID.test(operator)) {
    throw new ApiError('invalid_request', {
      detail: 'X-Operator-Id malformed',
      message: 'X-Operator-Id must be 1-64 characters of A-Z a-z 0-9 . _ @ -.',
    });
  }
  // The stored-text guard (policies/stored-text.ts): never a NIK, even written with separators.
  const refusal = checkStoredText(operator, 'identifier');
  if (refusal !== undefined) {
    throw new ApiError('invalid_request', {
      detail: `X-Operator-Id refused: ${refusal}`,
      message: `X-Operator-Id ${STORED_TEXT_MESSAGES[refusal]}.`,
    });
  }
  return operator;
}

/** How the audit record knows the operator (docs/audit.md, `operatorAuthentication`). */
export type OperatorAuthentication = 'certificate' | 'asserted';

/**
 * The operator of a request: an operator certificate's CN (authenticated; an X-Operator-Id that
 * names someone else is refused), or the app's X-Operator-Id (asserted), unless the app's
 * profile requires authenticated operators.
 */
function operatorOf(
  c: Context<GatewayEnv>,
  options: RequireOperatorOptions,
): { id: string; how: OperatorAuthentication } {
  const principal = c.get('principal');
  const header = requestHeader(c, 'x-operator-id');
  if (principal.operator !== undefined) {
    if (header !== undefined && header !== principal.operator)
      throw new ApiError('operator_mismatch', {
        detail: 'X-Operator-Id differs from the operator certificate',
      });
    return { id: principal.operator, how: 'certificate' };
  }
  const asserted = checkedOperatorId(header);
  if (principal.requireAuthenticatedOperators === true)
    throw new ApiError('operator_not_authenticated', {
      detail: 'profile requires authenticated operators',
    });
  if (options.agreementRequiresAuthentication?.(principal.id) === true)
    throw new ApiError('operator_not_authenticated', {
      detail: 'agreement requires authenticated operators',
    });
  return { id: asserted, how: 'asserted' };
}

export interface RequireOperatorOptions {
  /** Whether the agreement governing the client now requires authenticated operators. */
  readonly agreementRequiresAuthentication?: (clientId: string) => boolean;
}

export const requireOperator = (
  options: RequireOperatorOptions = {},
): MiddlewareHandler<GatewayEnv> =>
  async function requireOperatorMiddleware(c, next) {
    const draft = c.get('audit');
    // The asserted id is noted before a refusal of it, so that the refused record names it.
    const header = requestHeader(c, 'x-operator-id');
    if (draft !== undefined && header !== undefined && OPERATOR_ID.test(header))
      if (checkStoredText(header, 'identifier') === undefined) draft.operator = header;
    const operator = operatorOf(c, options);
    c.set('operatorId', operator.id);
    if (draft !== undefined) {
      draft.operator = operator.id;
      draft.detail = { ...draft.detail, operatorAuthentication: operator.how };
    }
    await next();
  };
