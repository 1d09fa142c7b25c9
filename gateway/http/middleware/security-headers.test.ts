/**
 * The headers on every answer, errors and unknown paths included: nothing may be cached, sniffed
 * or framed. A handler's own Cache-Control cannot loosen that; only an HTML page's own CSP stays.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { handleError, handleNotFound } from '../error-handler.ts';
import { requestId } from './request-id.ts';
import { securityHeaders } from './security-headers.ts';

const EXPECTED = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
};
const PAGE_CSP = "default-src 'none'; style-src 'sha256-abc='";

function testApp() {
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger: pino({ level: 'silent' }) }));
  app.use(securityHeaders());
  app.get('/ok', (c) => c.json({ ok: true }));
  app.get('/cacheable', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json({ ok: true });
  });
  app.get('/page', (c) => {
    c.header('Content-Security-Policy', PAGE_CSP);
    return c.html('<p>page</p>');
  });
  app.get('/refused', () => {
    throw new ApiError('rate_limited', { headers: { 'Retry-After': '3' } });
  });
  app.get('/broken', () => {
    throw new Error('unexpected');
  });
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}

const headersOf = (response: Response) =>
  Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, response.headers.get(name)]));

describe('securityHeaders', () => {
  it('sets every header on a good answer and leaves its status and body as they were', async () => {
    const response = await testApp().request('/ok');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(headersOf(response)).toEqual(EXPECTED);
  });

  it.each([
    ['a coded refusal', '/refused', 429],
    ['an unexpected error', '/broken', 500],
    ['an unknown path', '/nowhere', 404],
  ])('sets every header, no-store first, on %s', async (_, path, status) => {
    const response = await testApp().request(path);
    expect(response.status).toBe(status);
    expect(headersOf(response)).toEqual(EXPECTED);
  });

  it("keeps a refusal's own headers beside its own", async () => {
    const response = await testApp().request('/refused');
    expect(response.headers.get('retry-after')).toBe('3');
  });

  it("overrides a handler's Cache-Control: population data is never cached", async () => {
    const response = await testApp().request('/cacheable');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it("keeps an HTML page's own CSP, and sets the rest", async () => {
    const response = await testApp().request('/page');
    expect(headersOf(response)).toEqual({ ...EXPECTED, 'content-security-policy': PAGE_CSP });
  });
});
