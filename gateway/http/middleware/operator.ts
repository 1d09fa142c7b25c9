/**
 * Every data request names the person at the client (ARCHITECTURE invariant 6): installed by
 * createApp on the routes that declare `requiresOperator`, it leaves the checked X-Operator-Id in
 * `c.var.operatorId` and, on a data path, in the audit draft.
 */
import type { MiddlewareHandler } from 'hono';
import { checkStoredText, STORED_TEXT_MESSAGES } from '../../../policies/index.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';

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

export const requireOperator = (): MiddlewareHandler<GatewayEnv> =>
  async function requireOperatorMiddleware(c, next) {
    const operator = checkedOperatorId(c.req.header('x-operator-id'));
    c.set('operatorId', operator);
    const draft = c.var.audit;
    if (draft !== undefined) draft.operator = operator;
    await next();
  };
