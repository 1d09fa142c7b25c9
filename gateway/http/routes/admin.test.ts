/** Agreements, clients, limits, clock and alerts through the real application, time injected. */
import { describe, expect, it } from 'vitest';
import type { GerbangConfig } from '../../config/index.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { AgreementMonitor } from '../../services/index.ts';
import { buildTestApp, lookupBody } from '../../../test/helpers/in-process-app.ts';
import { probeUntil } from '../../../test/helpers/until.ts';

const LOOKUP = '/v1/nik/lookup';
const DEMO = '400.12.4.3/9/DKPS/2025';
const END = Date.parse('2027-02-11T16:00:00.000Z'); // midnight WITA after 11 February 2027
const START = Date.parse('2025-02-11T16:00:00.000Z'); // midnight WITA starting 12 February 2025

type App = Awaited<ReturnType<typeof buildTestApp>>;
const lookupAs = (app: App, cn = 'app-pendaftaran', overrides: Record<string, unknown> = {}) =>
  app.request(cn, LOOKUP, {
    method: 'POST',
    json: lookupBody(cn === 'app-kasir' ? { purpose: 'pembayaran', ...overrides } : overrides),
  });
const status = async (response: Response): Promise<[number, string]> => {
  const body = (await response.json()) as { error?: { code: string } };
  return [response.status, body.error?.code ?? 'ok'];
};
const admin = (app: App, path: string, json?: unknown) =>
  app.request('admin-1', path, json === undefined ? { method: 'GET' } : { method: 'POST', json });
const agreements = async (app: App) =>
  (
    (await (await admin(app, '/v1/admin/agreements')).json()) as {
      items: {
        number: string;
        state: string;
        inForce: boolean;
        daysLeft: number;
        iso27001: { deadline: string; status: string };
      }[];
    }
  ).items;

/** The renewal that follows the demo agreement, with `changes`. */
const renewal = (changes: Record<string, unknown>) => ({
  number: '400.12.4.3/3/DKPS/2027',
  kind: 'renewal',
  follows: DEMO,
  signedOn: '2027-02-12',
  validFrom: '2027-02-12',
  validUntil: '2029-02-11',
  ...changes,
});

function withProfiles(change: (config: GerbangConfig) => void): GerbangConfig {
  const config = structuredClone(demoConfig(0, 0, DEMO_AGREEMENT.signedOn));
  change(config);
  return config;
}

describe('agreement lifecycle (injected clock, Asia/Makassar)', () => {
  it('refuses before the start, serves from its first millisecond, warns from 90 days out, stops at the exact end', async () => {
    const app = await buildTestApp();
    app.setNow(START - 1);
    expect(await status(await lookupAs(app))).toEqual([403, 'agreement_inactive']);
    app.setNow(START);
    expect(await status(await lookupAs(app))).toEqual([200, 'ok']);
    expect((await agreements(app))[0]).toMatchObject({
      number: DEMO,
      state: 'active',
      inForce: true,
      iso27001: { deadline: '2025-08-12', status: 'due' },
    });
    app.setNow(END - 90 * 86_400_000);
    expect((await agreements(app))[0]).toMatchObject({ state: 'expiring', daysLeft: 90 });
    app.setNow(END - 1);
    expect(await status(await lookupAs(app))).toEqual([200, 'ok']);
    app.setNow(END);
    expect(await status(await lookupAs(app))).toEqual([403, 'agreement_inactive']);
    expect((await agreements(app))[0]).toMatchObject({ state: 'expired', inForce: true });
  });

  it('a renewal reactivates service from its first day, and is audited', async () => {
    const app = await buildTestApp();
    app.setNow(END + 3_600_000);
    expect(await status(await lookupAs(app))).toEqual([403, 'agreement_inactive']);
    const added = await admin(app, '/v1/admin/agreements', renewal({}));
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({
      number: '400.12.4.3/3/DKPS/2027',
      state: 'active',
      inForce: true,
      iso27001: { deadline: '2027-08-12' },
    });
    expect(await status(await lookupAs(app))).toEqual([200, 'ok']);
    expect(app.audit.events.find((e) => e.type === 'admin')).toMatchObject({
      event: 'agreement_renewal',
      principal: { id: 'admin-1' },
      detail: { number: '400.12.4.3/3/DKPS/2027', follows: DEMO },
    });
  });

  it('termination stops data at once, with its reason, and cannot be repeated', async () => {
    const app = await buildTestApp();
    expect(await status(await lookupAs(app))).toEqual([200, 'ok']);
    const terminated = await admin(app, '/v1/admin/agreements/terminate', {
      number: DEMO,
      reason: 'obligations_unmet',
      note: 'return data not delivered',
    });
    expect(await terminated.json()).toMatchObject({
      state: 'terminated',
      terminationReason: 'obligations_unmet: return data not delivered',
    });
    expect(await status(await lookupAs(app))).toEqual([403, 'agreement_inactive']);
    expect(
      await status(
        await admin(app, '/v1/admin/agreements/terminate', { number: DEMO, reason: 'other' }),
      ),
    ).toEqual([409, 'conflict']);
    expect(
      await status(
        await admin(app, '/v1/admin/agreements/terminate', { number: 'nope', reason: 'other' }),
      ),
    ).toEqual([404, 'not_found']);
    expect(
      await status(
        await admin(app, '/v1/admin/agreements/terminate', { number: DEMO, reason: 'bosan' }),
      ),
    ).toEqual([400, 'invalid_request']);
  });

  it('a termination survives a restart (the state database)', async () => {
    const app = await buildTestApp();
    await admin(app, '/v1/admin/agreements/terminate', {
      number: DEMO,
      reason: 'nomenclature_change',
    });
    const { PolicyRegistry } = await import('../../services/index.ts');
    const reopened = new PolicyRegistry(app.deps.config, app.state);
    expect(reopened.inForce(Date.parse('2026-01-15T03:00:00Z'))?.state).toBe('terminated');
  });

  it('records the ISO 27001 certificate submission', async () => {
    const app = await buildTestApp();
    expect((await agreements(app))[0]?.iso27001.status).toBe('overdue');
    const response = await admin(app, '/v1/admin/agreements/iso27001', {
      number: DEMO,
      submittedOn: '2025-07-30',
    });
    expect(await response.json()).toMatchObject({
      iso27001: { submittedOn: '2025-07-30', status: 'submitted' },
    });
  });

  it('the monitor records each state change, alerts, and tells the readers when data must stop', async () => {
    const app = await buildTestApp();
    const monitor = new AgreementMonitor(app.deps.policy.registry, app.audit, app.deps.now);
    const changes: string[] = [];
    monitor.onChange((change) => changes.push(`${change.state}:${String(change.permitsAccess)}`));
    await monitor.evaluate();
    app.setNow(END - 86_400_000);
    await monitor.evaluate();
    app.setNow(END);
    await monitor.evaluate();
    await monitor.evaluate(); // no change, nothing recorded
    monitor.stop();
    expect(changes).toEqual(['active:true', 'expiring:true', 'expired:false']);
    const events = app.audit.events.map(
      (e) =>
        `${e.event ?? ''}:${String(e.event === 'alert' ? e.detail?.['rule'] : e.detail?.['state'])}`,
    );
    expect(events).toEqual([
      'agreement_state:active',
      'agreement_state:expiring',
      'alert:agreement_expiring',
      'agreement_state:expired',
      'alert:agreement_inactive',
    ]);
  });
});

describe('admin input that would brick a restart', () => {
  it.each([
    ['a made-up time zone', { timeZone: 'Not/AZone' }, '/timeZone'],
    ['a fixed offset', { timeZone: '+08:00' }, '/timeZone'],
    ['the year 9999', { validUntil: '9999-12-31' }, '/validUntil'],
    ['the year 1999', { validFrom: '1999-12-31' }, '/validFrom'],
    ['a day that does not exist', { signedOn: '2027-02-30' }, '/signedOn'],
    ['a reversed window', { validFrom: '2029-02-12' }, '/validUntil'],
  ])(
    'refuses a renewal with %s: 400 naming the field, nothing stored or audited',
    async (_name, change, field) => {
      const app = await buildTestApp();
      const response = await admin(app, '/v1/admin/agreements', renewal(change));
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect([response.status, body.error.code]).toEqual([400, 'invalid_request']);
      expect(body.error.message).toContain(`Field ${field} `);
      expect((await agreements(app)).map((a) => a.number)).toEqual([DEMO]);
      expect(app.audit.events.filter((e) => e.type === 'admin')).toEqual([]);
      expect(app.state.addedAgreementRows()).toEqual([]);
    },
  );

  it('refuses an ISO 27001 date and a termination instant outside 2000–2100', async () => {
    const app = await buildTestApp();
    for (const [path, json, field] of [
      [
        '/v1/admin/agreements/iso27001',
        { number: DEMO, submittedOn: '9999-01-01' },
        '/submittedOn',
      ],
      [
        '/v1/admin/agreements/iso27001',
        { number: DEMO, submittedOn: '2025-13-01' },
        '/submittedOn',
      ],
      [
        '/v1/admin/agreements/terminate',
        { number: DEMO, reason: 'other', effectiveAt: '9999-01-01T00:00:00Z' },
        '/effectiveAt',
      ],
      [
        '/v1/admin/agreements/terminate',
        { number: DEMO, reason: 'other', effectiveAt: '2027-02-30T00:00:00Z' },
        '/effectiveAt',
      ],
    ] as const) {
      const response = await admin(app, path, json);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect([response.status, body.error.code, body.error.message]).toEqual([
        400,
        'invalid_request',
        expect.stringContaining(`Field ${field} `),
      ]);
    }
    expect(app.audit.events.filter((e) => e.type === 'admin')).toEqual([]);
    expect(await status(await lookupAs(app))).toEqual([200, 'ok']);
  });
});

describe('clients', () => {
  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf'])(
    'no principal is found under a name of Object.prototype (%s)',
    async (id) => {
      const app = await buildTestApp();
      const response = await app.request('admin-1', `/v1/admin/clients/${id}/suspend`, {
        method: 'POST',
        json: { reason: 'probe' },
      });
      expect(await status(response)).toEqual([404, 'not_found']);
      expect(app.state.clientStatusRows()).toEqual([]);
    },
  );

  it('a suspended client gets 403 client_suspended at once, and service resumes', async () => {
    const app = await buildTestApp();
    expect(
      (
        await app.request('admin-1', '/v1/admin/clients/app-kasir/suspend', {
          method: 'POST',
          json: { reason: 'investigation' },
        })
      ).status,
    ).toBe(204);
    expect(await status(await lookupAs(app, 'app-kasir'))).toEqual([403, 'client_suspended']);
    expect(await status(await lookupAs(app))).toEqual([200, 'ok']);
    const clients = (await (await admin(app, '/v1/admin/clients')).json()) as {
      items: { id: string; suspended: boolean; reason?: string }[];
    };
    expect(clients.items.find((c) => c.id === 'app-kasir')).toMatchObject({
      suspended: true,
      reason: 'investigation',
    });
    expect(
      await status(
        await app.request('admin-1', '/v1/admin/clients/app-kasir/suspend', {
          method: 'POST',
          json: { reason: 'again' },
        }),
      ),
    ).toEqual([409, 'conflict']);
    expect(
      (await app.request('admin-1', '/v1/admin/clients/app-kasir/resume', { method: 'POST' }))
        .status,
    ).toBe(204);
    expect(await status(await lookupAs(app, 'app-kasir'))).toEqual([200, 'ok']);
    expect(app.audit.events.filter((e) => e.type === 'admin').map((e) => e.event)).toEqual([
      'client_suspended',
      'client_resumed',
    ]);
  });

  it('refuses unknown clients and non-admins', async () => {
    const app = await buildTestApp();
    expect(
      await status(
        await app.request('admin-1', '/v1/admin/clients/app-x/resume', { method: 'POST' }),
      ),
    ).toEqual([404, 'not_found']);
    expect(
      await status(
        await app.request('officer-1', '/v1/admin/clients/app-kasir/suspend', {
          method: 'POST',
          json: { reason: 'x' },
        }),
      ),
    ).toEqual([403, 'forbidden']);
  });
});

describe('limits', () => {
  it('rate: the burst is admitted, the next request gets 429 with Retry-After, and a second later it passes', async () => {
    const app = await buildTestApp({
      config: withProfiles((c) =>
        Object.assign(c.principals['app-kasir']?.profile ?? {}, { ratePerSecond: 1, burst: 2 }),
      ),
    });
    expect(await status(await lookupAs(app, 'app-kasir'))).toEqual([200, 'ok']);
    expect(await status(await lookupAs(app, 'app-kasir'))).toEqual([200, 'ok']);
    const limited = await lookupAs(app, 'app-kasir');
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await status(limited)).toEqual([429, 'rate_limited']);
    app.setNow(app.deps.now() + 999);
    expect(await status(await lookupAs(app, 'app-kasir'))).toEqual([429, 'rate_limited']);
    app.setNow(app.deps.now() + 1);
    expect(await status(await lookupAs(app, 'app-kasir'))).toEqual([200, 'ok']);
  });

  it('daily quota: exact at the boundary, Retry-After to midnight in Dukcapil’s zone, fresh the next day', async () => {
    const app = await buildTestApp({
      config: withProfiles((c) =>
        Object.assign(c.principals['app-kasir']?.profile ?? {}, { dailyQuota: 3 }),
      ),
    });
    for (let i = 0; i < 3; i++)
      expect(await status(await lookupAs(app, 'app-kasir'))).toEqual([200, 'ok']);
    const refused = await lookupAs(app, 'app-kasir');
    // 2026-01-15 03:00Z is 10:00 WIB: 14 hours to midnight.
    expect(refused.headers.get('retry-after')).toBe(String(14 * 3600));
    expect(await status(refused)).toEqual([429, 'quota_exhausted']);
    expect(app.upstream.calls).toBe(3);
    app.setNow(Date.parse('2026-01-15T17:00:00Z'));
    expect(await status(await lookupAs(app, 'app-kasir'))).toEqual([200, 'ok']);
  });

  it('shared Dukcapil quota: a batch client cannot take the counters’ reservation', async () => {
    const app = await buildTestApp({
      config: withProfiles((c) => {
        c.upstream.dailyQuota = 10;
        Object.assign(c.principals['app-kasir']?.profile ?? {}, { upstreamQuotaReserve: 4 });
      }),
    });
    const batch: string[] = [];
    for (let i = 0; i < 8; i++) batch.push((await status(await lookupAs(app)))[1]);
    expect(batch).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'upstream_quota_exhausted',
      'upstream_quota_exhausted',
    ]);
    const counter: string[] = [];
    for (let i = 0; i < 5; i++) counter.push((await status(await lookupAs(app, 'app-kasir')))[1]);
    expect(counter).toEqual(['ok', 'ok', 'ok', 'ok', 'upstream_quota_exhausted']);
    expect(app.upstream.calls).toBe(10);
  });

  it('believes Dukcapil when it says the quota is used up, and stops calling it until its midnight', async () => {
    const app = await buildTestApp();
    const { UpstreamFailure } = await import('../../../adapters/dukcapil/port.ts');
    app.upstream.failWith = new UpstreamFailure('quota', 'daily quota exhausted');
    expect(await status(await lookupAs(app))).toEqual([429, 'upstream_quota_exhausted']);
    app.upstream.failWith = undefined;
    expect(await status(await lookupAs(app, 'app-kasir'))).toEqual([
      429,
      'upstream_quota_exhausted',
    ]);
    expect(app.upstream.calls).toBe(1);
  });
});

describe('clock', () => {
  it('a wall-clock jump stops data requests until an administrator acknowledges it', async () => {
    const app = await buildTestApp();
    expect(await status(await lookupAs(app))).toEqual([200, 'ok']);
    app.jumpClock(30 * 60_000);
    expect(await status(await lookupAs(app))).toEqual([403, 'clock_untrusted']);
    expect((await app.request('officer-1', '/readyz')).status).toBe(503);
    const ack = await admin(app, '/v1/admin/clock/acknowledge', {});
    expect(await ack.json()).toEqual({ acknowledgedJumpMs: 30 * 60_000 });
    expect(await status(await lookupAs(app))).toEqual([200, 'ok']);
    expect(await status(await admin(app, '/v1/admin/clock/acknowledge', {}))).toEqual([
      409,
      'conflict',
    ]);
    const alerts = (await (await app.request('officer-1', '/v1/alerts')).json()) as {
      items: { rule: string }[];
    };
    expect(alerts.items.map((alert) => alert.rule)).toEqual(['clock_untrusted']);
  });
  it('tolerates small corrections', async () => {
    const app = await buildTestApp();
    app.jumpClock(2_000);
    expect(await status(await lookupAs(app))).toEqual([200, 'ok']);
  });
});

describe('alerts', () => {
  it('lists anomaly alerts to officers, once per incident', async () => {
    const app = await buildTestApp();
    for (let i = 0; i < 7; i++) await lookupAs(app, 'app-kasir', { fields: ['alamat'] });
    // The detector raises the alert as it hears of the appended records, just after them.
    const alerts = await probeUntil(
      async () =>
        (await (await app.request('officer-1', '/v1/alerts')).json()) as {
          items: { rule: string; detail: Record<string, unknown> }[];
        },
      (listed) => listed.items.length > 0,
    );
    expect(alerts.items.map((a) => a.rule)).toEqual(['refused_elements']);
    expect(alerts.items[0]?.detail).toMatchObject({ client: 'app-kasir', refusalsLastHour: 5 });
    expect((await app.request('admin-1', '/v1/alerts')).status).toBe(403);
  });

  it('flags residents accessed without return data after the deadline', async () => {
    const app = await buildTestApp();
    const t0 = app.deps.now();
    await lookupAs(app);
    const trail = app.deps.auditLog;
    expect(app.deps.policy.anomalies.scanReturnDataOverdue(trail, t0 + 6 * 86_400_000, 7)).toBe(0);
    expect(app.deps.policy.anomalies.scanReturnDataOverdue(trail, t0 + 8 * 86_400_000, 7)).toBe(1);
    await app.audit.append({
      type: 'return_data',
      event: 'delivered',
      outcome: 'success',
      subject: app.audit.events[0]?.subject ?? '',
    });
    expect(app.deps.policy.anomalies.scanReturnDataOverdue(trail, t0 + 9 * 86_400_000, 7)).toBe(0);
  });
});
