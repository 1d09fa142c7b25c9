/**
 * How an admin change fails: its own refusals with fixed phrases (never what was sent), a trail
 * that cannot record it as 503 audit_unavailable, and anything unexpected as 500 internal_error,
 * which no longer passes for a full disk.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../error-catalogue.ts';
import { buildTestApp } from '../../../test/helpers/in-process-app.ts';

type App = Awaited<ReturnType<typeof buildTestApp>>;
const answer = async (response: Response): Promise<[number, string, string]> => {
  const body = (await response.json()) as { error?: { code: string; message: string } };
  return [response.status, body.error?.code ?? 'ok', body.error?.message ?? ''];
};
const suspend = (app: App, id = 'app-kasir') =>
  app.request('admin-1', `/v1/admin/clients/${id}/suspend`, {
    method: 'POST',
    json: { reason: 'investigation' },
  });

describe('admin changes that fail', () => {
  it('answers 503 audit_unavailable when the trail cannot record the change, and makes none', async () => {
    const app = await buildTestApp();
    app.audit.failing = true;
    expect((await answer(await suspend(app))).slice(0, 2)).toEqual([503, 'audit_unavailable']);
    expect(app.state.clientStatusRows()).toEqual([]);
  });

  it('answers 500 internal_error, with the catalogue message only, when something unexpected breaks', async () => {
    const app = await buildTestApp();
    app.state.setClientStatus = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'run')");
    };
    expect(await answer(await suspend(app))).toEqual([
      500,
      'internal_error',
      ERROR_CATALOGUE.internal_error.message,
    ]);
    expect(app.audit.events.map((e) => e.event)).toEqual([
      'client_suspended',
      'admin_change_not_applied',
    ]);
  });

  it('refuses with fixed phrases that never repeat what was sent', async () => {
    const app = await buildTestApp();
    const unknownClient = await answer(await suspend(app, 'app-nobody'));
    expect(unknownClient).toEqual([404, 'not_found', 'no such client']);
    const unknownReader = await answer(
      await app.request('admin-1', '/v1/admin/readers/reader-99/activate', {
        method: 'POST',
        json: { reason: 'test' },
      }),
    );
    expect(unknownReader).toEqual([404, 'not_found', 'no such reader']);
    const unknownAgreement = await answer(
      await app.request('admin-1', '/v1/admin/agreements/iso27001', {
        method: 'POST',
        json: { number: 'PKS-404', submittedOn: '2025-07-30' },
      }),
    );
    expect(unknownAgreement).toEqual([404, 'not_found', 'no such agreement']);
  });
});
