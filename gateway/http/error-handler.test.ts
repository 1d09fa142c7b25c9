/**
 * A refusal in both forms: a browser (a console or portal address, or `Accept: text/html`) gets
 * an HTML page with the same status and the code; an API client gets the JSON error body.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/helpers/in-process-app.ts';

describe('refusals', () => {
  it.each([
    ['a console page for the wrong role', 'app-pendaftaran', '/console/admin', 403, 'forbidden'],
    ['a console page without a certificate', undefined, '/console/', 401, 'unauthenticated'],
    ['an unknown console page', 'admin-1', '/console/nothing', 404, 'not_found'],
    ['a portal address for the wrong role', 'officer-1', '/portal/', 403, 'forbidden'],
    ['an unknown portal page', 'officer-1', '/portal/nothing', 404, 'not_found'],
  ])('%s is an HTML page with the status and code', async (_, cn, path, status, code) => {
    const app = await buildTestApp();
    const response = await app.request(cn, path);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('role="alert"');
    expect(page).toContain(`<code>${code}</code>`);
    expect(page).toContain('Ditolak');
    expect(page).not.toContain('<script');
  });

  it('answers a browser that asks for HTML on an API path with the page', async () => {
    const app = await buildTestApp();
    const response = await app.request('officer-1', '/v1/admin/agreements', {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<code>forbidden</code>');
  });

  it('keeps the JSON error for API clients', async () => {
    const app = await buildTestApp();
    for (const accept of [undefined, 'application/json', '*/*']) {
      const response = await app.request('officer-1', '/v1/admin/agreements', {
        ...(accept === undefined ? {} : { headers: { accept } }),
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
  });
});
