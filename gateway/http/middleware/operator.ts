/** Every data request names the person at the client (ARCHITECTURE invariant 6). */
import type { Context } from 'hono';
import { containsNikLikeRun } from '../../../policies/index.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';

const OPERATOR_ID = /^[A-Za-z0-9._@-]{1,64}$/;

export function requireOperatorId(c: Context<GatewayEnv>): string {
  const operator = c.req.header('x-operator-id');
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
