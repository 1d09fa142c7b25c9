/**
 * One log line per request: route pattern (never the URL, whose query may carry a NIK), status,
 * error code, duration. No bodies, no headers.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { GatewayMetrics } from '../../observability/metrics.ts';
import type { GatewayEnv } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { toApiError } from '../error-mapping.ts';

export const requestLog = (options: {
  readonly metrics: GatewayMetrics;
}): MiddlewareHandler<GatewayEnv> =>
  async function requestLogMiddleware(c, next) {
    const started = performance.now();
    await next();
    const route = routePath(c, -1);
    const status = c.res.status;
    const code =
      c.error === undefined
        ? ''
        : (c.error instanceof ApiError ? c.error : toApiError(c.error)).code;
    options.metrics.requests.inc({ method: c.req.method, route, status: String(status), code });
    c.var.log.info(
      {
        method: c.req.method,
        route,
        status,
        code: code || undefined,
        principal: c.var.principalId,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  };
