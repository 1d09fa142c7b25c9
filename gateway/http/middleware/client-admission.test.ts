/**
 * Admission of a data request by its client, over the real policy services: a suspended client
 * is refused outright (403 client_suspended) and its neighbours are not; then the client's token
 * bucket (429 rate_limited with Retry-After). What an admitted client may still do is advertised
 * in the RateLimit header fields.
 */
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { StateDb } from '../../../adapters/sqlite/state-db.ts';
import { createSubjectHasher, InMemoryAuditTrail } from '../../../audit/index.ts';
import {
  HMAC_KEY,
  TEST_CERT_HEADER,
  headerConnection,
} from '../../../test/helpers/in-process-app.ts';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import type { GerbangConfig } from '../../config/index.ts';
import { createPolicyServices } from '../../services/index.ts';
import type { GatewayEnv } from '../env.ts';
import { handleError } from '../error-handler.ts';
import { clientAdmission } from './client-admission.ts';
import { principal } from './principal.ts';
import { requestId } from './request-id.ts';

const dir = fileTempDir('gerbang-admission-');
const NOW = Date.parse('2026-01-15T03:00:00Z'); // 10:00 in Asia/Jakarta, the quota's zone
const demo = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
const kasir = demo.principals['app-kasir'];
if (kasir?.profile === undefined) throw new Error('the demo has an app-kasir profile');
/** The demo, with app-kasir on a bucket of two, refilled at one token every two seconds. */
const config: GerbangConfig = {
  ...demo,
  principals: {
    ...demo.principals,
    'app-kasir': { ...kasir, profile: { ...kasir.profile, ratePerSecond: 0.5, burst: 2 } },
  },
};
const connection = headerConnection();
const states: StateDb[] = [];
afterAll(() => {
  for (const state of states) state.close();
});

function testApp() {
  const state = new StateDb(join(dir, `state-${String(states.length)}.db`));
  states.push(state);
  const clock = { now: NOW };
  const policy = createPolicyServices({
    config,
    state,
    audit: new InMemoryAuditTrail(),
    subjectHasher: createSubjectHasher(HMAC_KEY),
    wall: () => clock.now,
    monotonic: () => clock.now,
  });
  const handled: string[] = [];
  const app = new Hono<GatewayEnv>();
  app.use(requestId({ logger: pino({ level: 'silent' }) }));
  app.use(
    principal({
      principals: config.principals,
      connection,
      revocation: { status: () => Promise.resolve('good'), healthy: () => true },
    }),
  );
  app.post('/v1/nik/lookup', clientAdmission({ policy, now: () => clock.now }), (c) => {
    handled.push(c.var.principal.id);
    return c.json({ ok: true });
  });
  app.onError(handleError);
  const as = (cn: string) =>
    app.request('/v1/nik/lookup', { method: 'POST', headers: { [TEST_CERT_HEADER]: cn } });
  /** An administrator suspends (or resumes) a client, as the admin API does. */
  const suspend = (id: string, suspended = true) =>
    policy.admin.setSuspended(
      {
        principal: { id: 'admin-1', role: 'admin', certificateFingerprint: 'FP:admin-1' },
        now: clock.now,
      },
      { id, suspended, reason: 'audit finding' },
    );
  return { as, suspend, clock, handled };
}

async function answer(response: Response): Promise<[number, string]> {
  const body = (await response.json()) as { error?: { code: string } };
  return [response.status, body.error?.code ?? 'ok'];
}

describe('clientAdmission', () => {
  it('admits a client and advertises its rate and what is left of its daily quota', async () => {
    const app = testApp();
    const response = await app.as('app-kasir');
    expect(await answer(response)).toEqual([200, 'ok']);
    expect(response.headers.get('ratelimit-policy')).toBe(
      `"rate";q=0.5;w=1, "daily";q=${String(kasir.profile?.dailyQuota)};w=86400`,
    );
    // 14 hours until midnight in Asia/Jakarta.
    expect(response.headers.get('ratelimit')).toBe(
      `"daily";r=${String(kasir.profile?.dailyQuota)};t=${String(14 * 3600)}`,
    );
    expect(app.handled).toEqual(['app-kasir']);
  });

  it('advertises nothing to a principal without a profile', async () => {
    const response = await testApp().as('officer-1');
    expect(response.status).toBe(200);
    expect(response.headers.has('ratelimit')).toBe(false);
    expect(response.headers.has('ratelimit-policy')).toBe(false);
  });

  it('refuses a suspended client with 403 client_suspended, and only that client', async () => {
    const app = testApp();
    await app.suspend('app-kasir');
    const refused = await app.as('app-kasir');
    expect(await answer(refused)).toEqual([403, 'client_suspended']);
    expect(refused.headers.has('ratelimit')).toBe(false);
    expect(await answer(await app.as('app-pendaftaran'))).toEqual([200, 'ok']);
    expect(app.handled).toEqual(['app-pendaftaran']);
  });

  it('refuses a suspended client before spending its bucket', async () => {
    const app = testApp();
    await app.suspend('app-kasir');
    for (let i = 0; i < 3; i++) await app.as('app-kasir');
    await app.suspend('app-kasir', false);
    expect(await answer(await app.as('app-kasir'))).toEqual([200, 'ok']);
  });

  it('refuses beyond the burst with 429 rate_limited and Retry-After, and admits once refilled', async () => {
    const app = testApp();
    expect(await answer(await app.as('app-kasir'))).toEqual([200, 'ok']);
    expect(await answer(await app.as('app-kasir'))).toEqual([200, 'ok']);
    const refused = await app.as('app-kasir');
    expect(await answer(refused)).toEqual([429, 'rate_limited']);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(await answer(await app.as('app-pendaftaran'))).toEqual([200, 'ok']);

    app.clock.now += 1_999;
    expect(await answer(await app.as('app-kasir'))).toEqual([429, 'rate_limited']);
    app.clock.now += 1;
    expect(await answer(await app.as('app-kasir'))).toEqual([200, 'ok']);
    expect(app.handled.filter((id) => id === 'app-kasir')).toHaveLength(3);
  });
});
