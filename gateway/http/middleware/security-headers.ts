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

const CSP = 'Content-Security-Policy';
/** Every header but the CSP, as pairs made once (not Object.entries on every request). */
const ALWAYS = Object.entries(HEADERS).filter(([name]) => name !== CSP);
const API_CSP = HEADERS[CSP] as string;

export const securityHeaders = (): MiddlewareHandler<GatewayEnv> =>
  async function securityHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of ALWAYS) headers.set(name, value);
    // An HTML page brings its own, equally closed policy that allows its stylesheet by hash.
    if (!headers.has(CSP)) headers.set(CSP, API_CSP);
  };
