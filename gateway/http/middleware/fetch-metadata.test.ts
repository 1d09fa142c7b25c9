/**
 * Fetch Metadata resource isolation: what another site's page makes a browser send is refused
 * (403 forbidden: the consoles' HTML page at a console address, JSON elsewhere), except a top-level GET navigation to a console page; requests from the
 * gateway's own pages, typed into the address bar, or from clients that are not browsers pass.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../env.ts';
import { handleError } from '../error-handler.ts';
import { isolateFromOtherSites } from './fetch-metadata.ts';
import { requestId } from './request-id.ts';

function testApp() {
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger: pino({ level: 'silent' }) }));
  app.use(isolateFromOtherSites());
  app.on(['GET', 'POST'], ['/console/officer', '/v1/audit/verify'], (c) => c.text('served'));
  app.onError(handleError);
  return (method: 'GET' | 'POST', path: string, headers: Record<string, string>) =>
    app.request(path, { method, headers });
}

const navigate = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };

describe('isolateFromOtherSites', () => {
  it.each([
    ['no Fetch Metadata (an app, curl)', 'POST', '/v1/audit/verify', {}],
    ['the console itself', 'POST', '/console/officer', { 'sec-fetch-site': 'same-origin' }],
    ['the address bar', 'GET', '/v1/audit/verify', { 'sec-fetch-site': 'none' }],
    [
      'a link from another site to a console page',
      'GET',
      '/console/officer',
      { 'sec-fetch-site': 'cross-site', ...navigate },
    ],
  ] as const)('serves a request from %s', async (_, method, path, headers) => {
    expect((await testApp()(method, path, headers)).status).toBe(200);
  });

  it.each([
    [
      'a cross-site form post',
      'POST',
      '/console/officer',
      { 'sec-fetch-site': 'cross-site', ...navigate },
    ],
    [
      'a same-site (sibling host) post',
      'POST',
      '/console/officer',
      { 'sec-fetch-site': 'same-site' },
    ],
    [
      'a cross-site image',
      'GET',
      '/console/officer',
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' },
    ],
    [
      'a cross-site fetch',
      'GET',
      '/console/officer',
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' },
    ],
    [
      'a cross-site link to the API',
      'GET',
      '/v1/audit/verify',
      { 'sec-fetch-site': 'cross-site', ...navigate },
    ],
  ] as const)('refuses %s with 403 forbidden', async (_, method, path, headers) => {
    const response = await testApp()(method, path, headers);
    expect(response.status).toBe(403);
    // A console address is refused with the consoles' HTML page, the API with its JSON error.
    if (path.startsWith('/console/')) {
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('403 · <code>forbidden</code>');
    } else {
      expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });
});
