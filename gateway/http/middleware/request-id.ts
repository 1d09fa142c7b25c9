/** Echoes a well-formed X-Request-Id, or generates one. Client ids are length- and charset-checked. */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { containsNikLikeRun } from '../../../policies/index.ts';
import type { GatewayEnv } from '../env.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const requestId = (options: { logger: Logger }): MiddlewareHandler<GatewayEnv> =>
  async function requestIdMiddleware(c, next) {
    const offered = c.req.header('x-request-id');
    // One that could carry a NIK is never stored or logged (API.md): ours is used instead.
    const id =
      offered !== undefined && REQUEST_ID.test(offered) && !containsNikLikeRun(offered)
        ? offered
        : randomUUID();
    c.set('requestId', id);
    c.set('log', options.logger.child({ requestId: id }));
    c.header('X-Request-Id', id);
    await next();
  };
