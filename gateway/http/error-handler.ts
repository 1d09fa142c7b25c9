/**
 * The single error handler: domain errors become catalogue codes (error-mapping.ts); anything
 * unexpected becomes `500 internal_error`, its stack in the log and no stack, message or upstream
 * text in the answer. A browser (a console or portal address, or `Accept: text/html`) gets the
 * same status and code as an HTML page (pages/refusal-page.tsx); API clients get the JSON body.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { ApiError, errorBody } from './error-catalogue.ts';
import { toApiError } from './error-mapping.ts';
import type { GatewayEnv } from './env.ts';
import { requestHeader } from './request-header.ts';
import { REFUSAL_POLICY, refusalDocument } from './pages/refusal-page.tsx';

/** Pages are for people: their addresses, and any client that says it prefers HTML. */
function wantsHtml(c: Context<GatewayEnv>): boolean {
  const path = c.req.path;
  if (/^\/(console|portal)(\/|$)/.test(path)) return true;
  return (requestHeader(c, 'accept') ?? '').toLowerCase().includes('text/html');
}

function respond(c: Context<GatewayEnv>, error: ApiError): Response {
  const requestId = c.get('requestId');
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  // A portal form shows its own refusal in the page it came from (routes/portal-forms.ts).
  const render = c.get('renderError');
  if (render !== undefined) return render(error);
  if (wantsHtml(c)) {
    const refusal = {
      status: error.status,
      code: error.code,
      message: error.publicMessage,
      requestId,
    };
    return c.html(refusalDocument(refusal), error.status as 400, {
      'Content-Security-Policy': REFUSAL_POLICY,
    });
  }
  return c.json(errorBody(error.code, requestId, error.publicMessage), error.status as 400);
}

export const handleError: ErrorHandler<GatewayEnv> = (error, c) => {
  const apiError = toApiError(error);
  const log = c.get('log')();
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
