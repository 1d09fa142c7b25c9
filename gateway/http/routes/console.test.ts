/**
 * The console's form handling through the real application (the browser tests in
 * test/console.browser.test.ts cover pages, roles and rendering): every bad form gets a clear
 * answer, nothing is searched or audited for a refused post, and no NIK is echoed.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../../test/helpers/in-process-app.ts';

const NIK = '6474015709900001';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

type App = Awaited<ReturnType<typeof buildTestApp>>;
const post = (app: App, body: string, headers: Record<string, string> = FORM) =>
  app.request('officer-1', '/console/officer', { method: 'POST', headers, body });
const auditQueries = (app: App) =>
  app.deps.auditLog.query({ type: 'audit', event: 'query', limit: 100 }).items.length;

describe('console search form', () => {
  it('answers a valid search with the page, audited, without echoing the NIK', async () => {
    const app = await buildTestApp();
    const response = await post(app, `nik=${NIK}&type=lookup`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain('result-count');
    expect(page).not.toContain(NIK);
    expect(auditQueries(app)).toBe(1);
  });

  it.each([
    ['an invalid NIK', 'nik=1234', '16-digit'],
    ['an unknown field', `nik=${NIK}&limit=9`, 'unknown field'],
    ['a repeated field', 'type=lookup&type=audit', 'repeated'],
    ['an unknown type', 'type=everything', 'invalid type'],
    ['a bad date', 'from=2026-13-45', 'invalid date'],
  ])('shows %s as a message on the page (400) and searches nothing', async (_, body, message) => {
    const app = await buildTestApp();
    const response = await post(app, body);
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain(message);
    expect(page).not.toContain('result-count');
    expect(page).not.toContain(NIK);
    expect(auditQueries(app)).toBe(0);
  });

  it('refuses a body over the form limit with 413', async () => {
    const app = await buildTestApp();
    const response = await post(app, `client=${'a'.repeat(10_000)}`);
    expect(response.status).toBe(413);
    // A console address: the refusal is the HTML page with the code (error-handler.ts).
    expect(await response.text()).toContain('<code>payload_too_large</code>');
  });

  it('refuses JSON with 415 and a cross-site post with 403', async () => {
    const app = await buildTestApp();
    const json = await post(app, JSON.stringify({ nik: NIK }), {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(415);
    const crossSite = await post(app, `nik=${NIK}`, { ...FORM, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const sameSite = await post(app, `nik=${NIK}`, { ...FORM, 'sec-fetch-site': 'same-site' });
    expect(sameSite.status).toBe(403);
    expect(auditQueries(app)).toBe(0);
  });

  it('answers unknown query parameters on the page with a coded 400', async () => {
    const app = await buildTestApp();
    const response = await app.request('officer-1', '/console/officer?nik=1', { method: 'GET' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<code>invalid_request</code>');
  });

  it("verifies the chain by the page's POST button, records it, and shows the outcome", async () => {
    const app = await buildTestApp();
    const response = await app.request('officer-1', '/console/officer/verify', {
      method: 'POST',
      headers: { ...FORM, 'sec-fetch-site': 'same-origin' },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('id="chain-result" class="ok"');
    const verifies = app.deps.auditLog.query({ type: 'audit', event: 'verify', limit: 10 }).items;
    expect(verifies.map((r) => r.detail?.['via'])).toEqual(['console']);
    // The page shows the last outcome afterwards, with the button to verify again.
    const page = await (await app.request('officer-1', '/console/officer')).text();
    expect(page).toContain('id="chain-result" class="ok"');
    expect(page).toContain('action="/console/officer/verify"');
  });

  it('verifies nothing on a GET ?verify=1, and refuses a verification posted from another site', async () => {
    const app = await buildTestApp();
    const get = await app.request('officer-1', '/console/officer?verify=1');
    expect(get.status).toBe(200);
    const page = await get.text();
    expect(page).not.toContain('id="chain-result"');
    expect(page).toContain('method="post" action="/console/officer/verify"');
    for (const site of ['cross-site', 'same-site']) {
      const post = await app.request('officer-1', '/console/officer/verify', {
        method: 'POST',
        headers: { ...FORM, 'sec-fetch-site': site },
      });
      expect(post.status).toBe(403);
    }
    expect(app.deps.auditLog.query({ type: 'audit', event: 'verify', limit: 10 }).items).toEqual(
      [],
    );
    expect(app.deps.chainVerification.last()).toBeUndefined();
  });
});

describe('officer page status sections', () => {
  it('shows the SIEM forwarder’s state and backlog, or that none is configured', async () => {
    const without = await buildTestApp();
    const plain = await (await without.request('officer-1', '/console/officer')).text();
    expect(plain).toContain('not configured');

    const down = await buildTestApp({
      siem: {
        status: () => ({ target: 'siem.bapenda:6514', connected: false, cursor: 40, lastSeq: 52 }),
      },
    });
    const page = await (await down.request('officer-1', '/console/officer')).text();
    expect(page).toContain('siem.bapenda:6514');
    expect(page).toContain('terputus / disconnected');
    expect(page).toContain('(12 tertunda / pending)');
  });
});

describe('officer page alerts', () => {
  it('lists the newest 50 alerts, newest first', async () => {
    const app = await buildTestApp();
    for (let i = 1; i <= 60; i++) {
      await app.deps.audit.append({
        type: 'security',
        event: 'alert',
        outcome: 'alert',
        detail: { rule: `rule_${String(i).padStart(2, '0')}` },
      });
    }
    const page = await (await app.request('officer-1', '/console/officer')).text();
    const rules = [...page.matchAll(/rule=(rule_\d\d)/g)].map((match) => match[1]);
    expect(rules).toHaveLength(50);
    expect(rules[0]).toBe('rule_60');
    expect(rules.at(-1)).toBe('rule_11');
  });
});
