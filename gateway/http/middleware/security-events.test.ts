/**
 * Refusals that say something about who is knocking (no or revoked certificate, unknown
 * principal, wrong role, a refused reader) become security events, unless a data path already
 * recorded the refusal: those of a known principal one each, those before a principal is known
 * coalesced per address, reason and minute (issue 19, finding 6). Ordinary client errors are not
 * recorded, and a trail that cannot record leaves the refusal as it was.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { InMemoryAuditTrail } from '../../../audit/index.ts';
import {
  certificateFor,
  TEST_CERT_HEADER,
  headerConnection,
} from '../../../test/helpers/in-process-app.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import type { GatewayEnv } from '../env.ts';
import { ApiError } from '../error-catalogue.ts';
import { handleError } from '../error-handler.ts';
import { auditDataPath } from './audit-data-path.ts';
import { principal } from './principal.ts';
import { requestId } from './request-id.ts';
import { requireRole } from './require-role.ts';
import { recordSecurityEvents } from './security-events.ts';
import { UnauthenticatedRequests } from '../../services/refusals/unauthenticated.ts';

const connection = headerConnection({ problem: () => 'expired', remoteAddress: '192.0.2.7' });

function testApp() {
  const trail = new InMemoryAuditTrail();
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const unauthenticated = new UnauthenticatedRequests({
    trail,
    settings: { ratePerSecond: 5, burst: 20, maxAddresses: 100, maxSourcesPerMinute: 8 },
    monotonic: () => 0,
    onAppendFailed: () => {
      logger.error({ event: 'audit_write_failed' }, 'could not record a security event');
    },
  });
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger }));
  app.use(recordSecurityEvents({ trail, connection, unauthenticated }));
  app.use(
    principal({
      principals: demoConfig(0, 0, DEMO_AGREEMENT.signedOn).principals,
      connection,
      revocation: { status: () => Promise.resolve('good'), healthy: () => true },
    }),
  );
  app.get('/v1/admin/things/:id', requireRole(['admin']), (c) => c.json({ ok: true }));
  app.get('/v1/readers/:id', () => {
    throw new ApiError('reader_not_active', { detail: 'not enrolled' });
  });
  app.post(
    '/v1/readers/:id/card-reads',
    auditDataPath({ type: 'card_read', trail, connection }),
    () => {
      throw new ApiError('reader_not_active');
    },
  );
  app.get('/v1/bad', () => {
    throw new ApiError('invalid_request');
  });
  app.onError(handleError);
  const request = (path: string, cn?: string, method = 'GET') =>
    app.request(path, { method, headers: cn === undefined ? {} : { [TEST_CERT_HEADER]: cn } });
  return { trail, request, lines, unauthenticated };
}

describe('recordSecurityEvents', () => {
  it('records a request without a verified certificate as authentication_failed, with no principal', async () => {
    const { trail, request } = testApp();
    const response = await request('/v1/admin/things/7');
    expect(response.status).toBe(401);
    expect(trail.events).toEqual([
      {
        type: 'security',
        event: 'authentication_failed',
        requestId: response.headers.get('x-request-id'),
        outcome: 'denied',
        errorCode: 'unauthenticated',
        sourceAddress: '192.0.2.7',
        detail: {
          method: 'GET',
          route: '/v1/admin/things/:id',
          reason: 'client certificate expired',
        },
      },
    ]);
  });

  it('records an unknown principal as access_refused, still without a principal', async () => {
    const { trail, request } = testApp();
    expect((await request('/v1/admin/things/7', 'app-unknown')).status).toBe(403);
    expect(trail.events).toHaveLength(1);
    expect(trail.events[0]).toMatchObject({ event: 'access_refused', errorCode: 'forbidden' });
    expect(trail.events[0]?.principal).toBeUndefined();
  });

  it('records a known principal refused by its role as access_refused, naming it', async () => {
    const { trail, request } = testApp();
    expect((await request('/v1/admin/things/7', 'officer-1')).status).toBe(403);
    expect(trail.events).toEqual([
      expect.objectContaining({
        event: 'access_refused',
        errorCode: 'forbidden',
        principal: {
          id: 'officer-1',
          role: 'officer',
          certificateFingerprint: certificateFor('officer-1').fingerprint256,
        },
      }),
    ]);
  });

  it('records a refused reader as reader_refused', async () => {
    const { trail, request } = testApp();
    expect((await request('/v1/readers/r1', 'reader-01')).status).toBe(403);
    expect(trail.events).toEqual([
      expect.objectContaining({
        event: 'reader_refused',
        errorCode: 'reader_not_active',
        detail: { method: 'GET', route: '/v1/readers/:id', reason: 'not enrolled' },
      }),
    ]);
  });

  it('adds nothing to a refusal the data path already recorded', async () => {
    const { trail, request } = testApp();
    expect((await request('/v1/readers/r1/card-reads', 'reader-01', 'POST')).status).toBe(403);
    expect(trail.events).toEqual([
      expect.objectContaining({ type: 'card_read', errorCode: 'reader_not_active' }),
    ]);
  });

  it('records neither a good request nor an ordinary client error', async () => {
    const { trail, request } = testApp();
    expect((await request('/v1/admin/things/7', 'admin-1')).status).toBe(200);
    expect((await request('/v1/bad', 'admin-1')).status).toBe(400);
    expect(trail.events).toEqual([]);
  });

  it('still refuses when the trail cannot record, and logs that it could not', async () => {
    const { trail, request, lines } = testApp();
    trail.failing = true;
    const response = await request('/v1/admin/things/7');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'unauthenticated',
    );
    expect(lines.map((line) => JSON.parse(line) as { event?: string })).toContainEqual(
      expect.objectContaining({ event: 'audit_write_failed' }),
    );
  });

  it('coalesces refusals before a principal per address, reason and minute, with their count', async () => {
    const { trail, request, unauthenticated } = testApp();
    const answers = [];
    for (let i = 0; i < 300; i++) answers.push((await request('/v1/admin/things/7')).status);
    for (let i = 0; i < 40; i++) await request('/v1/admin/things/7', 'app-unknown');
    expect(new Set(answers)).toEqual(new Set([401]));
    // The first of each reason at once, under the request id its client saw.
    expect(trail.events.map((e) => [e.event, e.detail?.['reason']])).toEqual([
      ['authentication_failed', 'client certificate expired'],
      ['access_refused', 'unknown principal'],
    ]);
    // The rest when the minute ends (or the gateway stops), as one record each with the count.
    unauthenticated.stop();
    expect(trail.events.slice(2)).toEqual([
      {
        type: 'security',
        event: 'authentication_failed_repeated',
        outcome: 'denied',
        errorCode: 'unauthenticated',
        sourceAddress: '192.0.2.7',
        detail: { reason: 'client certificate expired', count: 299, windowSeconds: 60 },
      },
      expect.objectContaining({
        event: 'access_refused_repeated',
        detail: { reason: 'unknown principal', count: 39, windowSeconds: 60 },
      }),
    ]);
  });

  it('keeps one record per refusal of a known principal', async () => {
    const { trail, request } = testApp();
    for (let i = 0; i < 5; i++) await request('/v1/admin/things/7', 'officer-1');
    expect(trail.events.map((e) => e.event)).toEqual(Array(5).fill('access_refused'));
  });
});
