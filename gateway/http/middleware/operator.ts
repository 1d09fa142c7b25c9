/** Every data request names the person at the client (ARCHITECTURE invariant 6). */
import type { Context } from 'hono';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';

/** No run of 16 digits: an operator id must never carry a NIK into the audit trail. */
const OPERATOR_ID = /^(?!.*[0-9]{16})[A-Za-z0-9._@-]{1,64}$/;

export function requireOperatorId(c: Context<GatewayEnv>): string {
  const operator = c.req.header('x-operator-id');
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
  return operator;
}
