/**
 * One log line per request: route pattern (never the URL, whose query may carry a NIK), status,
 * error code, duration; the request counter and the duration histogram. No bodies, no headers.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import { methodLabel, statusClass, type GatewayMetrics } from '../../observability/metrics.ts';
import type { GatewayEnv } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { toApiError } from '../error-mapping.ts';

export const requestLog = (options: {
  readonly metrics: GatewayMetrics;
  /** The gateway's logger (the one request-id.ts makes each request's child of). */
  readonly logger: Logger;
}): MiddlewareHandler<GatewayEnv> => {
  // The line is written through a child without the logger's redaction, made once: its fields
  // are the fixed set below, none of them a redacted key nor an object, each a bounded value
  // (the HTTP method Node's parser accepted, the route pattern, the status, the catalogue's code,
  // the principal's configured id, a number) or the request id request-id.ts checked. Redaction
  // (fast-redact over every wildcard path) was most of the line's cost, on every request.
  const line = options.logger.child({}, { redact: [] });
  return async function requestLogMiddleware(c, next) {
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
    line.info(
      {
        requestId: c.get('requestId'),
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
};
