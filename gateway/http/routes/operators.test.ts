/**
 * Named operators on the data API (issue 21, item 1): an operator certificate (OU `operator`, CN
 * the operator id, bound by its SAN URI to an app principal) acts as that app with the operator
 * authenticated; an app's X-Operator-Id stays asserted, unless its profile requires authenticated
 * operators. The audit record says which.
 */
import { describe, expect, it } from 'vitest';
import { demoConfig, DEMO_AGREEMENT } from '../../config/demo.ts';
import type { GerbangConfig } from '../../config/index.ts';
import { buildTestApp, lookupBody } from '../../../test/helpers/in-process-app.ts';

const LOOKUP = '/v1/nik/lookup';
const CLERK = 'petugas-01/operator/app-pendaftaran';

async function status(response: Response): Promise<[number, string]> {
  // A console address refuses with the consoles' HTML page, carrying the code in <code>.
  if ((response.headers.get('content-type') ?? '').startsWith('text/html')) {
    const code = /· <code>([a-z_]+)<\/code>/.exec(await response.text())?.[1];
    return [response.status, code ?? 'page'];
  }
  const body = (await response.json()) as { error?: { code: string } };
  return [response.status, body.error?.code ?? 'ok'];
}

function requiringAuthenticatedOperators(): GerbangConfig {
  const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
  const app = config.principals['app-pendaftaran'];
  if (app?.profile === undefined) throw new Error('demo without app-pendaftaran');
  return {
    ...config,
    principals: {
      ...config.principals,
      'app-pendaftaran': {
        ...app,
        profile: { ...app.profile, requireAuthenticatedOperators: true },
      },
    },
  };
}

describe('operator certificates on the data API', () => {
  it('a bound operator looks up as its client, the operator authenticated in the audit record', async () => {
    const { request, audit } = await buildTestApp();
    const response = await request(CLERK, LOOKUP, {
      method: 'POST',
      json: lookupBody(),
      operator: null,
    });
    expect(await status(response)).toEqual([200, 'ok']);
    expect(audit.events.at(-1)).toMatchObject({
      type: 'lookup',
      outcome: 'success',
      operator: 'petugas-01',
      principal: { id: 'app-pendaftaran', role: 'operator' },
      detail: { operatorAuthentication: 'certificate' },
    });
  });

  it('an app names its operator by X-Operator-Id, recorded as asserted', async () => {
    const { request, audit } = await buildTestApp();
    const response = await request('app-pendaftaran', LOOKUP, {
      method: 'POST',
      json: lookupBody(),
    });
    expect(await status(response)).toEqual([200, 'ok']);
    expect(audit.events.at(-1)).toMatchObject({
      operator: 'petugas.01',
      principal: { id: 'app-pendaftaran', role: 'app' },
      detail: { operatorAuthentication: 'asserted' },
    });
  });

  it('an operator may repeat its own id in X-Operator-Id, never name another (operator_mismatch, audited)', async () => {
    const { request, audit } = await buildTestApp();
    const same = await request(CLERK, LOOKUP, {
      method: 'POST',
      json: lookupBody(),
      operator: 'petugas-01',
    });
    expect(await status(same)).toEqual([200, 'ok']);
    const other = await request(CLERK, LOOKUP, {
      method: 'POST',
      json: lookupBody(),
      operator: 'petugas-02',
    });
    expect(await status(other)).toEqual([403, 'operator_mismatch']);
    expect(audit.events.at(-1)).toMatchObject({
      type: 'lookup',
      outcome: 'denied',
      errorCode: 'operator_mismatch',
      principal: { id: 'app-pendaftaran', role: 'operator' },
    });
  });

  it.each([
    ['bound to no client', 'petugas-01/operator'],
    ['bound to an unknown client', 'petugas-01/operator/app-siluman'],
    ['bound to a principal that is not an app', 'petugas-01/operator/officer-1'],
    ['named like a configured principal', 'app-kasir/operator/app-pendaftaran'],
  ])('an operator certificate %s is refused (403 forbidden)', async (_, cn) => {
    const { request } = await buildTestApp();
    const response = await request(cn, LOOKUP, {
      method: 'POST',
      json: lookupBody(),
      operator: null,
    });
    expect(await status(response)).toEqual([403, 'forbidden']);
  });

  it('is refused with its client suspended, and served again once it resumes', async () => {
    const app = await buildTestApp();
    const suspend = await app.request('admin-1', '/v1/admin/clients/app-pendaftaran/suspend', {
      method: 'POST',
      json: { reason: 'investigation' },
    });
    expect(suspend.status).toBe(204);
    const lookup = () =>
      app.request(CLERK, LOOKUP, { method: 'POST', json: lookupBody(), operator: null });
    expect(await status(await lookup())).toEqual([403, 'client_suspended']);
    const resume = await app.request('admin-1', '/v1/admin/clients/app-pendaftaran/resume', {
      method: 'POST',
      json: { reason: 'cleared' },
    });
    expect(resume.status).toBe(204);
    expect(await status(await lookup())).toEqual([200, 'ok']);
  });

  it('a revoked operator certificate is refused at its next request (401)', async () => {
    const { request, revocation } = await buildTestApp();
    const lookup = () =>
      request(CLERK, LOOKUP, { method: 'POST', json: lookupBody(), operator: null });
    expect(await status(await lookup())).toEqual([200, 'ok']);
    revocation.revoked.add(`5E${Buffer.from('petugas-01').toString('hex').toUpperCase()}`);
    expect(await status(await lookup())).toEqual([401, 'unauthenticated']);
  });

  it('an operator may not open the consoles (403)', async () => {
    const { request } = await buildTestApp();
    expect(await status(await request(CLERK, '/console/'))).toEqual([403, 'forbidden']);
  });
});

describe('a profile that requires authenticated operators', () => {
  it('refuses the app with an asserted operator (operator_not_authenticated, audited), serves its operators', async () => {
    const { request, audit } = await buildTestApp({ config: requiringAuthenticatedOperators() });
    const asserted = await request('app-pendaftaran', LOOKUP, {
      method: 'POST',
      json: lookupBody(),
    });
    expect(await status(asserted)).toEqual([403, 'operator_not_authenticated']);
    expect(audit.events.at(-1)).toMatchObject({
      type: 'lookup',
      outcome: 'denied',
      errorCode: 'operator_not_authenticated',
      operator: 'petugas.01',
      principal: { id: 'app-pendaftaran', role: 'app' },
    });
    const returned = await request('app-pendaftaran', '/v1/return-data', {
      method: 'POST',
      json: {
        nik: '6474015709900001',
        npwpd: '0001.07.02',
        jenis_pajak: ['PBB_P2'],
        reference: 'R-1',
      },
    });
    expect(await status(returned)).toEqual([403, 'operator_not_authenticated']);
    const clerk = await request(CLERK, LOOKUP, {
      method: 'POST',
      json: lookupBody(),
      operator: null,
    });
    expect(await status(clerk)).toEqual([200, 'ok']);
    // Another app, without the requirement, is served as before.
    const kasir = await request('app-kasir', LOOKUP, {
      method: 'POST',
      json: lookupBody({ purpose: 'pembayaran', fields: ['nik'] }),
    });
    expect(await status(kasir)).toEqual([200, 'ok']);
  });
});

describe('an agreement that requires authenticated operators', () => {
  it('refuses every client it serves an asserted operator, and serves operator certificates', async () => {
    const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
    const { request, audit } = await buildTestApp({
      config: {
        ...config,
        agreements: config.agreements.map((agreement) => ({
          ...agreement,
          requireAuthenticatedOperators: true,
        })),
      },
    });
    const kasir = await request('app-kasir', LOOKUP, {
      method: 'POST',
      json: lookupBody({ purpose: 'pembayaran', fields: ['nik'] }),
    });
    expect(await status(kasir)).toEqual([403, 'operator_not_authenticated']);
    expect(audit.events.at(-1)).toMatchObject({
      outcome: 'denied',
      errorCode: 'operator_not_authenticated',
      principal: { id: 'app-kasir', role: 'app' },
    });
    const clerk = await request(CLERK, LOOKUP, {
      method: 'POST',
      json: lookupBody(),
      operator: null,
    });
    expect(await status(clerk)).toEqual([200, 'ok']);
  });
});
