/**
 * The single error handler: domain errors become catalogue codes (error-mapping.ts); anything
 * unexpected becomes `500 internal_error`, its stack in the log and no stack, message or upstream
 * text in the answer.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { ApiError, errorBody } from './error-catalogue.ts';
import { toApiError } from './error-mapping.ts';
import type { GatewayEnv } from './env.ts';
import { portalRefusal } from './pages/portal-layout.tsx';

/** A browser at the clerk portal is answered with a page, the API's clients with JSON. */
function wantsPortalPage(c: Context<GatewayEnv>): boolean {
  return c.req.path.startsWith('/portal/') && (c.req.header('accept') ?? '').includes('text/html');
}

function respond(c: Context<GatewayEnv>, error: ApiError): Response {
  const requestId = c.get('requestId');
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  const render = c.var.renderError;
  if (render !== undefined) return render(error);
  if (wantsPortalPage(c))
    return portalRefusal(c, {
      status: error.status,
      code: error.code,
      message: error.publicMessage,
      requestId,
    });
  return c.json(errorBody(error.code, requestId, error.publicMessage), error.status as 400);
}

export const handleError: ErrorHandler<GatewayEnv> = (error, c) => {
  const apiError = toApiError(error);
  const log = c.get('log');
  if (apiError.code === 'internal_error') {
    log.error(
      { err: { type: error.name, message: error.message, stack: error.stack } },
      'unexpected error',
    );
  } else if (apiError.status >= 500) {
    log.warn({ code: apiError.code, detail: apiError.detail }, 'request failed');
  } else {
    log.info({ code: apiError.code, detail: apiError.detail }, 'request refused');
  }
  return respond(c, apiError);
};

export const handleNotFound: NotFoundHandler<GatewayEnv> = (c) =>
  respond(c, new ApiError('not_found'));
