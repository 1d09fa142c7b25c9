/**
 * Headers on every answer, errors included: nothing cached anywhere (population data must not
 * land in a browser or proxy cache), no sniffing, no framing, a closed CSP for the API.
 */
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../env.ts';

const HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const securityHeaders = (): MiddlewareHandler<GatewayEnv> =>
  async function securityHeadersMiddleware(c, next) {
    await next();
    for (const [name, value] of Object.entries(HEADERS)) {
      // An HTML page brings its own, equally closed policy that allows its stylesheet by hash.
      if (name === 'Content-Security-Policy' && c.res.headers.has(name)) continue;
      c.res.headers.set(name, value);
    }
  };
