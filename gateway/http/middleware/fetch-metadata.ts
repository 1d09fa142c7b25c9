/**
 * Resource isolation by Fetch Metadata. A browser attaches the officer's client certificate to
 * every request it sends to the gateway, whichever site's page asked for it: an image, a script or
 * a form on another site would act with the officer's identity. Browsers say where a request comes
 * from (`Sec-Fetch-Site`), so a request from another site — `cross-site`, or `same-site` (a
 * sibling host) — is refused, except a top-level navigation to a console or portal page by GET (a link from
 * the intranet), which changes nothing: console actions are POSTs, and those must come from the
 * console itself (routes/console-search.ts, requireSameOrigin). Clients without Fetch Metadata
 * (the apps, curl, the reader agent) are not browsers, and pass.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../error-catalogue.ts';
import type { GatewayEnv } from '../env.ts';
import { requestHeader } from '../request-header.ts';

const OWN = new Set(['same-origin', 'none']);

export const isolateFromOtherSites = (): MiddlewareHandler<GatewayEnv> =>
  async function isolateFromOtherSitesMiddleware(c, next) {
    const site = requestHeader(c, 'sec-fetch-site');
    if (site === undefined || OWN.has(site)) {
      await next();
      return;
    }
    const navigatesToConsole =
      (c.req.method === 'GET' || c.req.method === 'HEAD') &&
      requestHeader(c, 'sec-fetch-mode') === 'navigate' &&
      (requestHeader(c, 'sec-fetch-dest') ?? 'document') === 'document' &&
      /^\/(console|portal)\//.test(new URL(c.req.url).pathname);
    if (!navigatesToConsole)
      throw new ApiError('forbidden', {
        detail: 'request from another site',
        message: 'Requests from another site are not served.',
      });
    await next();
  };
