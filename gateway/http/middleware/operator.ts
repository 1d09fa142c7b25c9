/**
 * Every data request names the person at the client (ARCHITECTURE invariant 6): installed by
 * createApp on the routes that declare `requiresOperator`, it leaves the checked X-Operator-Id in
 * `c.var.operatorId` and, on a data path, in the audit draft.
 */
import type { MiddlewareHandler } from 'hono';
import { containsNikLikeRun } from '../../../policies/index.ts';
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
  // No run of 16 digits, even with separators: an operator id must never carry a NIK.
  if (!OPERATOR_ID.test(operator) || containsNikLikeRun(operator)) {
    throw new ApiError('invalid_request', {
      detail: 'X-Operator-Id malformed',
      message: 'X-Operator-Id must be 1-64 characters of A-Z a-z 0-9 . _ @ -.',
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
