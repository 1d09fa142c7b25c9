/**
 * The request id of every log line and audit record of a request: the client's X-Request-Id when
 * it is well-formed and passes the stored-text guard (policies/stored-text.ts), otherwise one the
 * gateway makes. A refused id is neither stored, logged nor echoed — it may carry a NIK — and
 * the answer says it was refused in `X-Request-Id-Refused` (why, as a word; never the value),
 * beside the gateway's id in `X-Request-Id`.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { checkStoredText, type StoredTextRefusal } from '../../../policies/index.ts';
import type { GatewayEnv } from '../env.ts';
import { requestHeader } from '../request-header.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The answer's header naming why the client's X-Request-Id was not used. */
export const REFUSED_REQUEST_ID_HEADER = 'X-Request-Id-Refused';

/** Why an offered X-Request-Id is not used, or undefined when it is. */
export function refusalOfRequestId(offered: string): StoredTextRefusal | 'malformed' | undefined {
  if (!REQUEST_ID.test(offered)) return 'malformed';
  return checkStoredText(offered, 'identifier');
}

export const requestId = (options: { logger: Logger }): MiddlewareHandler<GatewayEnv> =>
  async function requestIdMiddleware(c, next) {
    const offered = requestHeader(c, 'x-request-id');
    const refusal = offered === undefined ? undefined : refusalOfRequestId(offered);
    const id = offered !== undefined && refusal === undefined ? offered : randomUUID();
    c.set('requestId', id);
    let log: Logger | undefined;
    c.set('log', () => (log ??= options.logger.child({ requestId: id })));
    c.header('X-Request-Id', id);
    if (refusal !== undefined) {
      c.header(REFUSED_REQUEST_ID_HEADER, refusal);
      c.get('log')().info(
        { event: 'request_id_refused', reason: refusal },
        'client request id refused',
      );
    }
    await next();
  };
