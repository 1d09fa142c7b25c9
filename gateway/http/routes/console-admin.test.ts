/**
 * The admin console's actions through the real application: a first post only confirms, the
 * confirmed post makes the change as the API does (same record, with `via=console` and the
 * reason), every refusal is shown on the page with its code and status, and every POST of the
 * admin API has its form.
 */
import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../../../test/helpers/in-process-app.ts';
import { DEMO_AGREEMENT } from '../../config/demo.ts';
import { CONSOLE_ACTIONS } from './console-admin-actions.ts';

type App = Awaited<ReturnType<typeof buildTestApp>>;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const act = (app: App, fields: Record<string, string>, headers: Record<string, string> = FORM) =>
  app.request('admin-1', '/console/admin/act', {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields).toString(),
  });
const adminRecords = (app: App) => app.deps.auditLog.query({ type: 'admin', limit: 100 }).items;
const SUSPEND = {
  action: 'agreement_suspend',
  number: DEMO_AGREEMENT.number,
  reason: 'banjir di pusat data',
};

describe('admin console actions', () => {
  it('confirms first, then suspends the agreement as the API does, recorded via the console', async () => {
    const app = await buildTestApp();
    const first = await act(app, SUSPEND);
    expect(first.status).toBe(200);
    const confirmation = await first.text();
    expect(confirmation).toContain('id="confirm-form"');
    expect(confirmation).toContain('name="confirm" value="1"');
    expect(confirmation).toContain('banjir di pusat data');
    expect(adminRecords(app)).toHaveLength(0);
    expect(app.deps.policy.admin.listAgreements(app.deps.now())[0]?.state).not.toBe('suspended');

    const done = await act(app, { ...SUSPEND, confirm: '1' });
    expect(done.status).toBe(200);
    const page = await done.text();
    expect(page).toContain('id="action-done"');
    expect(page).toContain('ditangguhkan sejak / suspended since');
    expect(app.deps.policy.admin.listAgreements(app.deps.now())[0]?.state).toBe('suspended');
    const [record] = adminRecords(app);
    expect(record).toMatchObject({
      principal: { id: 'admin-1', role: 'admin' },
      detail: { number: DEMO_AGREEMENT.number, reason: 'banjir di pusat data', via: 'console' },
    });

    // Twice: the service's conflict, on the page with its code and status.
    const again = await act(app, { ...SUSPEND, confirm: '1' });
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/id="action-error"[^]*<code>conflict<\/code>/);
  });

  it('records the reason of an action that has none of its own, and resumes a client', async () => {
    const app = await buildTestApp();
    const fields = { action: 'client_suspend', clientId: 'app-kasir', reason: 'audit internal' };
    expect((await act(app, { ...fields, confirm: '1' })).status).toBe(200);
    expect(app.deps.policy.admin.listClients({}).find((c) => c.id === 'app-kasir')?.suspended).toBe(
      true,
    );
    const resume = { action: 'client_resume', clientId: 'app-kasir', reason: 'audit selesai' };
    expect((await act(app, { ...resume, confirm: '1' })).status).toBe(200);
    expect(app.deps.policy.admin.listClients({}).find((c) => c.id === 'app-kasir')?.suspended).toBe(
      false,
    );
    expect(adminRecords(app).at(-1)?.detail).toMatchObject({
      reason: 'audit selesai',
      via: 'console',
    });
  });

  it.each([
    ['no reason', { ...SUSPEND, reason: '' }, 400, 'invalid_request'],
    ['a NIK-like reason', { ...SUSPEND, reason: 'warga 6474015709900001' }, 400, 'invalid_request'],
    ['an unknown action', { action: 'drop_table', reason: 'x' }, 400, 'invalid_request'],
    ['an unknown field', { ...SUSPEND, limit: '9' }, 400, 'invalid_request'],
    ['an unknown agreement', { ...SUSPEND, number: 'NO-SUCH-1', confirm: '1' }, 404, 'not_found'],
    [
      'a bad date',
      {
        action: 'agreement_iso27001',
        number: DEMO_AGREEMENT.number,
        submittedOn: '2026-02-30x',
        reason: 'x',
      },
      400,
      'invalid_request',
    ],
    [
      'a clock with nothing to acknowledge',
      { action: 'clock_acknowledge', reason: 'x', confirm: '1' },
      409,
      'conflict',
    ],
  ])('shows %s on the page with its code and changes nothing', async (_, fields, status, code) => {
    const app = await buildTestApp();
    const response = await act(app, fields);
    expect(response.status).toBe(status);
    const page = await response.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain(`<code>${code}</code>`);
    expect(page).not.toContain('6474015709900001');
    expect(adminRecords(app)).toHaveLength(0);
  });

  it('refuses a cross-site post, JSON and other roles before anything is read', async () => {
    const app = await buildTestApp();
    const crossSite = await act(
      app,
      { ...SUSPEND, confirm: '1' },
      { ...FORM, 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain('<code>forbidden</code>');
    const json = await act(app, SUSPEND, { 'content-type': 'application/json' });
    expect(json.status).toBe(415);
    const officer = await app.request('officer-1', '/console/admin/act', {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ ...SUSPEND, confirm: '1' }).toString(),
    });
    expect(officer.status).toBe(403);
    expect(adminRecords(app)).toHaveLength(0);
  });

  it('has a form for every change of the admin API', async () => {
    const app = await buildTestApp();
    // Each admin API POST and the console action that makes the same service call.
    const formFor: Record<string, readonly string[]> = {
      '/v1/admin/agreements': ['agreement_renew'],
      '/v1/admin/agreements/terminate': ['agreement_terminate'],
      '/v1/admin/agreements/instruments': ['agreement_instrument'],
      '/v1/admin/agreements/suspend': ['agreement_suspend'],
      '/v1/admin/agreements/resume': ['agreement_resume'],
      '/v1/admin/agreements/iso27001': ['agreement_iso27001'],
      '/v1/admin/clients/:clientId/suspend': ['client_suspend'],
      '/v1/admin/clients/:clientId/resume': ['client_resume'],
      '/v1/admin/clock/acknowledge': ['clock_acknowledge'],
      '/v1/admin/readers': ['reader_enrol'],
      '/v1/admin/readers/:readerId/activate': ['reader_activate'],
      '/v1/admin/readers/:readerId/deactivate': ['reader_deactivate'],
      '/v1/admin/readers/:readerId/blacklist': ['reader_blacklist'],
    };
    const posts = app.routes
      .filter((r) => r.method === 'POST' && r.path.startsWith('/v1/admin/'))
      .map((r) => r.path);
    expect(posts.sort()).toEqual(Object.keys(formFor).sort());
    expect(CONSOLE_ACTIONS.map((a) => a.name).sort()).toEqual(Object.values(formFor).flat().sort());
    const page = await (await app.request('admin-1', '/console/admin')).text();
    for (const a of CONSOLE_ACTIONS) expect(page).toContain(`id="act-${a.name}"`);
  });
});
