/**
 * Admission of a data request by its client: a suspended client is refused outright; then the
 * client's token bucket. Daily quotas are spent later, only by requests that reach Dukcapil.
 */
import type { MiddlewareHandler } from 'hono';
import { PolicyRegistry, type PolicyServices } from '../../services/index.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';

export const clientAdmission = (options: {
  readonly policy: PolicyServices;
  readonly now: () => number;
}): MiddlewareHandler<GatewayEnv> =>
  async function clientAdmissionMiddleware(c, next) {
    const id = c.get('principal').id;
    const status = options.policy.registry.clientStatus(id);
    if (status?.suspended === true)
      throw new ApiError('client_suspended', { detail: status.reason ?? 'suspended' });
    const rate = options.policy.limits.checkRate(id, options.now());
    if (!rate.ok)
      throw new ApiError('rate_limited', {
        headers: { 'Retry-After': String(rate.retryAfterSeconds) },
      });
    await next();
    advertiseAllowance(c.res.headers, options.policy, id, options.now());
  };

/**
 * Tells the client what it may still do, in the form of the IETF RateLimit header fields draft
 * (draft-ietf-httpapi-ratelimit-headers): a per-second rate and a daily quota, and what is left of
 * the day. Batch clients pace themselves by it instead of discovering the limit by 429s.
 */
function advertiseAllowance(
  headers: Headers,
  policy: PolicyServices,
  client: string,
  now: number,
): void {
  // The quota of the upstream its governing agreement is with (none governing: `default`'s).
  // An unreadable state.db is refused elsewhere with its own code: not thrown from a header.
  const governing = policy.registry.stateReadable()
    ? policy.registry.governing(client, now)
    : undefined;
  const upstream =
    governing === undefined ? undefined : PolicyRegistry.upstreamOf(governing.agreement);
  const allowance = policy.limits.allowance(client, now, upstream);
  if (allowance === undefined) return;
  headers.set(
    'RateLimit-Policy',
    `"rate";q=${String(allowance.ratePerSecond)};w=1, "daily";q=${String(allowance.dailyQuota)};w=86400`,
  );
  headers.set(
    'RateLimit',
    `"daily";r=${String(allowance.dailyRemaining)};t=${String(allowance.resetSeconds)}`,
  );
}
