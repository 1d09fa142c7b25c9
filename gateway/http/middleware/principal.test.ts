/**
 * Who is calling: no verified certificate, a revoked one or one whose revocation status is
 * unknown → 401 saying which; a CN that is not configured, or an OU contradicting the configured
 * role → 403. A configured CN becomes `c.var.principal` with its role and profile.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { RevocationStatus } from '../../../certs/revocation.ts';
import {
  certificateFor,
  TEST_CERT_HEADER,
  headerConnection,
} from '../../../test/helpers/in-process-app.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import type { GatewayEnv } from '../env.ts';
import { handleError } from '../error-handler.ts';
import type { CertificateProblem, ConnectionInfo } from '../peer.ts';
import { principal } from './principal.ts';
import { requestId } from './request-id.ts';

const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);

function testApp(problem: CertificateProblem = 'none') {
  const revocation = new Map<string, RevocationStatus>();
  const asked: string[] = [];
  const connection = headerConnection({ problem: () => problem, remoteAddress: '192.0.2.7' });
  const app = new Hono<GatewayEnv>();
  let handled = 0;
  app.use(requestId({ logger: pino({ level: 'silent' }) }));
  app.use(
    principal({
      principals: config.principals,
      connection,
      revocation: {
        status: (serial) => {
          asked.push(serial);
          return Promise.resolve(revocation.get(serial) ?? 'good');
        },
        healthy: () => true,
      },
    }),
  );
  app.get('/who', (c) => {
    handled++;
    return c.json({ principal: c.var.principal, principalId: c.var.principalId });
  });
  app.onError(handleError);
  const as = (cn?: string) =>
    app.request('/who', cn === undefined ? {} : { headers: { [TEST_CERT_HEADER]: cn } });
  return { as, revocation, asked, handled: () => handled };
}

async function answer(response: Response): Promise<[number, string, string]> {
  const body = (await response.json()) as { error?: { code: string; message: string } };
  return [response.status, body.error?.code ?? 'ok', body.error?.message ?? ''];
}

describe('principal', () => {
  it('resolves a configured app to its role and profile, checking its serial against the CRL', async () => {
    const app = testApp();
    const response = await app.as('app-kasir');
    expect(response.status).toBe(200);
    const kasir = config.principals['app-kasir'];
    expect(await response.json()).toEqual({
      principalId: 'app-kasir',
      principal: {
        id: 'app-kasir',
        role: 'app',
        certificateFingerprint: certificateFor('app-kasir').fingerprint256,
        certificateSerial: certificateFor('app-kasir').serialNumber,
        profile: { elements: kasir?.profile?.elements, purposes: kasir?.profile?.purposes },
      },
    });
    expect(app.asked).toEqual([certificateFor('app-kasir').serialNumber]);
  });

  it('gives a principal without a profile none, and accepts an OU equal to its role', async () => {
    const response = await testApp().as('officer-1/officer');
    const body = (await response.json()) as { principal: Record<string, unknown> };
    expect(body.principal).toMatchObject({ id: 'officer-1', role: 'officer' });
    expect(body.principal).not.toHaveProperty('profile');
  });

  it.each<[CertificateProblem, string]>([
    ['none', 'No client certificate was presented.'],
    ['untrusted', "The client certificate is not issued by the gateway's client CA."],
    ['expired', 'The client certificate has expired.'],
    ['not_yet_valid', 'The client certificate is not valid yet.'],
    ['invalid', 'The client certificate is not valid for this gateway.'],
  ])(
    'refuses a connection without a verified certificate (%s): 401, saying why',
    async (problem, message) => {
      const app = testApp(problem);
      expect(await answer(await app.as())).toEqual([401, 'unauthenticated', message]);
      expect(app.handled()).toBe(0);
    },
  );

  it.each<[RevocationStatus, string]>([
    ['revoked', 'The client certificate has been revoked.'],
    [
      'unknown',
      'The revocation status of the client certificate cannot be established: the gateway has no current revocation list.',
    ],
  ])('refuses a configured principal whose certificate is %s: 401', async (status, message) => {
    const app = testApp();
    app.revocation.set(certificateFor('admin-1').serialNumber, status);
    expect(await answer(await app.as('admin-1'))).toEqual([401, 'unauthenticated', message]);
    expect(app.handled()).toBe(0);
    expect((await app.as('officer-1')).status).toBe(200);
  });

  it('refuses an unknown CN with 403 forbidden', async () => {
    const app = testApp();
    expect((await answer(await app.as('app-unknown'))).slice(0, 2)).toEqual([403, 'forbidden']);
    expect(app.handled()).toBe(0);
  });

  it('refuses a certificate whose OU contradicts the configured role with 403 forbidden', async () => {
    const app = testApp();
    expect((await answer(await app.as('app-kasir/admin'))).slice(0, 2)).toEqual([403, 'forbidden']);
    expect(app.handled()).toBe(0);
  });

  it('checks revocation before the CN: a revoked unknown certificate is a 401', async () => {
    const app = testApp();
    app.revocation.set(certificateFor('app-unknown').serialNumber, 'revoked');
    expect((await answer(await app.as('app-unknown'))).slice(0, 2)).toEqual([
      401,
      'unauthenticated',
    ]);
  });

  it('cannot be built without principals', () => {
    expect(() =>
      principal({
        principals: {},
        connection: {} as ConnectionInfo,
        revocation: { status: () => Promise.resolve('good'), healthy: () => true },
      }),
    ).toThrow(RangeError);
  });
});
