/**
 * Admission of a data request by its client: a suspended client is refused outright; then the
 * client's token bucket. Daily quotas are spent later, only by requests that reach Dukcapil.
 */
import type { MiddlewareHandler } from 'hono';
import type { PolicyServices } from '../../policy/index.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';

export const clientAdmission = (options: {
  readonly policy: PolicyServices;
  readonly now: () => number;
}): MiddlewareHandler<GatewayEnv> =>
  async function clientAdmissionMiddleware(c, next) {
    const id = c.var.principal.id;
    const status = options.policy.registry.clientStatus(id);
    if (status?.suspended === true)
      throw new ApiError('client_suspended', { detail: status.reason ?? 'suspended' });
    const rate = options.policy.limits.checkRate(id, options.now());
    if (!rate.ok)
      throw new ApiError('rate_limited', {
        headers: { 'Retry-After': String(rate.retryAfterSeconds) },
      });
    await next();
  };
