/** Deny by default: only the listed roles pass. */
import type { MiddlewareHandler } from 'hono';
import type { Role } from '../../config/index.ts';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';

export const requireRole = (roles: readonly Role[] | 'any'): MiddlewareHandler<GatewayEnv> => {
  if (roles !== 'any' && roles.length === 0)
    throw new RangeError('requireRole needs at least one role');
  return async function requireRoleMiddleware(c, next) {
    if (roles !== 'any' && !roles.includes(c.get('principal').role)) {
      throw new ApiError('forbidden', {
        detail: `role ${c.get('principal').role} may not use this endpoint`,
      });
    }
    await next();
  };
};
