/**
 * One log line per request: route pattern (never the URL, whose query may carry a NIK), status,
 * error code, duration; the request counter and the duration histogram. No bodies, no headers.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { methodLabel, statusClass, type GatewayMetrics } from '../../observability/metrics.ts';
import type { GatewayEnv } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { toApiError } from '../error-mapping.ts';

export const requestLog = (options: {
  readonly metrics: GatewayMetrics;
}): MiddlewareHandler<GatewayEnv> =>
  async function requestLogMiddleware(c, next) {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = routePath(c, -1);
    const status = c.res.status;
    const code =
      c.error === undefined
        ? ''
        : (c.error instanceof ApiError ? c.error : toApiError(c.error)).code;
    // Labels from bounded sets only: the route pattern (never the path, which may carry a NIK),
    // the method (HTTP's own, else `other`), the status and the catalogue's code.
    const method = methodLabel(c.req.method);
    options.metrics.requests.inc({ method, route, status: String(status), code });
    options.metrics.requestDuration.observe(
      { method, route, status_class: statusClass(status) },
      seconds,
    );
    c.get('log').info(
      {
        method: c.req.method,
        route,
        status,
        code: code || undefined,
        principal: c.get('principalId'),
        ms: Math.round(seconds * 10_000) / 10,
      },
      'request',
    );
  };
