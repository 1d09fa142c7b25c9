/**
 * The throttle in front of authentication: an address that has used up its refusals gets its
 * certain refusals answered at once — the same code and message, no log line, no revocation
 * check, no record of its own but a count in the minute's record — while any other certificate
 * from the same address is served and audited as usual.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InMemoryAuditTrail } from '../../../audit/index.ts';
import type { RevocationStatus } from '../../../certs/revocation.ts';
import { headerConnection, TEST_CERT_HEADER } from '../../../test/helpers/in-process-app.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { UnauthenticatedRequests } from '../../services/refusals/unauthenticated.ts';
import type { GatewayEnv } from '../env.ts';
import { handleError } from '../error-handler.ts';
import { preAuthentication } from './pre-authentication.ts';
import { principal } from './principal.ts';
import { requestId } from './request-id.ts';
import { recordSecurityEvents } from './security-events.ts';

const BURST = 5;

function testApp(statusOf: (serial: string) => RevocationStatus = () => 'good') {
  const trail = new InMemoryAuditTrail();
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  let now = 0;
  const unauthenticated = new UnauthenticatedRequests({
    trail,
    settings: { ratePerSecond: 1, burst: BURST, maxAddresses: 100, maxSourcesPerMinute: 8 },
    monotonic: () => now,
  });
  const connection = headerConnection({ remoteAddress: '192.0.2.9' });
  const revocationChecks: string[] = [];
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger }));
  app.use(preAuthentication({ connection, unauthenticated }));
  app.use(async (c, next) => {
    await next();
    lines.push(`request ${c.res.status.toString()}`);
  });
  app.use(recordSecurityEvents({ trail, connection, unauthenticated }));
  app.use(
    principal({
      principals: demoConfig(0, 0, DEMO_AGREEMENT.signedOn).principals,
      connection,
      revocation: {
        status: (serial) => {
          revocationChecks.push(serial);
          return Promise.resolve(statusOf(serial));
        },
        healthy: () => true,
      },
    }),
  );
  app.get('/v1/things', (c) => c.json({ ok: true }));
  app.onError(handleError);
  const request = async (cn?: string) => {
    const response = await app.request('/v1/things', {
      headers: cn === undefined ? {} : { [TEST_CERT_HEADER]: cn },
    });
    const body = (await response.json()) as { error?: { code: string; message: string } };
    return [response.status, body.error?.code, body.error?.message];
  };
  return {
    trail,
    request,
    lines,
    revocationChecks,
    unauthenticated,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('preAuthentication', () => {
  it('answers certain refusals beyond the burst without work, with the same coded answer', async () => {
    const { request, lines, trail, unauthenticated } = testApp();
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await request());
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(
      new Set([JSON.stringify([401, 'unauthenticated', 'No client certificate was presented.'])]),
    );
    // Only the burst went through the pipeline (and its log); the rest were counted.
    expect(lines.filter((line) => line.startsWith('request'))).toHaveLength(BURST);
    expect(unauthenticated.stats()).toMatchObject({ refused: 50, answeredWithoutWork: 45 });
    unauthenticated.stop();
    expect(trail.events.map((e) => [e.event, e.detail?.['count']])).toEqual([
      ['authentication_failed', undefined],
      ['authentication_failed_repeated', 49],
    ]);
  });

  it('serves a good certificate from the flooding address as usual', async () => {
    const { request } = testApp();
    for (let i = 0; i < 20; i++) await request();
    expect(await request('admin-1')).toEqual([200, undefined, undefined]);
  });

  it('repeats a revocation refusal without checking again while the address floods', async () => {
    const { request, revocationChecks, advance } = testApp((serial) =>
      serial.endsWith(Buffer.from('app-kasir').toString('hex').toUpperCase()) ? 'revoked' : 'good',
    );
    const refused = [401, 'unauthenticated', 'The client certificate has been revoked.'];
    for (let i = 0; i < 30; i++) expect(await request('app-kasir')).toEqual(refused);
    expect(revocationChecks).toHaveLength(BURST);
    // Once the address has tokens again, the certificate is checked again.
    advance(2_000);
    expect(await request('app-kasir')).toEqual(refused);
    expect(revocationChecks).toHaveLength(BURST + 1);
  });

  it('repeats an unknown principal as 403, and never remembers an unknown revocation status', async () => {
    const { request } = testApp();
    for (let i = 0; i < 10; i++) expect((await request('app-siluman'))[0]).toBe(403);
    const unknown = testApp(() => 'unknown');
    for (let i = 0; i < 10; i++) await unknown.request('admin-1');
    expect(unknown.revocationChecks).toHaveLength(10);
  });
});
