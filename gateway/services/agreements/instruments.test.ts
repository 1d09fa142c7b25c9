/**
 * Agreements as documents with history, through the running services: an addendum stored by the
 * admin action governs from 00:00 of its effective day in the agreement's zone without a restart
 * (the same registry, read at 23:59:59 and at 00:00:00 by an injected clock); a suspension and
 * its resumption are recorded in the trail and shown on the readers; several agreements each
 * serve their own clients; a configuration naming an unknown upstream or client is refused.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { until } from '../../../test/helpers/until.ts';
import { InMemoryAuditTrail } from '../../../audit/memory.ts';
import { StateDb } from '../../../adapters/sqlite/state-db.ts';
import { ELEMENTS } from '../../../policies/index.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { checkConfigDocument, type GerbangConfig } from '../../config/index.ts';
import { AdminActions } from '../admin/admin-actions.ts';
import { AgreementMonitor, switchReadersOffWhenAccessStops } from './agreement-monitor.ts';
import { PolicyRegistry } from './registry.ts';

const dir = fileTempDir('gerbang-instruments-');
const config = demoConfig(0, 0, DEMO_AGREEMENT.signedOn);
const [PKS] = config.agreements;
if (PKS === undefined) throw new Error('the demo configures an agreement');
const HASH = 'c0ffee'.padEnd(64, '0');
// 1 January 2027, 00:00 WITA (Asia/Makassar, UTC+8).
const MIDNIGHT = Date.parse('2026-12-31T16:00:00.000Z');
const ADMIN = { id: 'admin-1', role: 'admin', certificateFingerprint: '-' } as const;

let databases = 0;
function services(cfg: GerbangConfig = config) {
  const state = new StateDb(join(dir, `state-${String(++databases)}.db`));
  const clock = { monotonic: 0 };
  const registry = new PolicyRegistry(cfg, state, undefined, () => clock.monotonic);
  const audit = new InMemoryAuditTrail();
  const admin = new AdminActions({ config: cfg, registry, state, audit });
  return { state, registry, audit, admin, clock };
}

describe('an addendum narrowing the elements', () => {
  it('governs from 00:00:00 of its effective day in the agreement’s zone, without a restart', async () => {
    const { registry, admin, audit, state } = services();
    await admin.addInstrument(
      { principal: ADMIN, now: Date.parse('2026-12-01T02:00:00Z') },
      {
        agreement: DEMO_AGREEMENT.number,
        kind: 'addendum',
        number: '400.12.4.3/1/ADD/2026',
        signedOn: '2026-11-30',
        effectiveOn: '2027-01-01',
        sha256: HASH.toUpperCase(),
        elements: ['nik', 'nama_lengkap', 'alamat'],
      },
    );
    expect(audit.events.find((e) => e.event === 'agreement_instrument_added')).toMatchObject({
      type: 'admin',
      detail: {
        number: DEMO_AGREEMENT.number,
        instrument: '400.12.4.3/1/ADD/2026',
        effectiveOn: '2027-01-01',
        sha256: HASH,
        elements: 'nik,nama_lengkap,alamat',
      },
    });
    // The same registry object, asked at 23:59:59 and at 00:00:00 WITA.
    expect(registry.governing('app-pendaftaran', MIDNIGHT - 1_000)?.terms.elements).toEqual([
      ...ELEMENTS,
    ]);
    expect(registry.governing('app-pendaftaran', MIDNIGHT)).toMatchObject({
      terms: { number: DEMO_AGREEMENT.number, elements: ['nik', 'nama_lengkap', 'alamat'] },
    });
    const [view] = admin.listAgreements(MIDNIGHT);
    expect(view).toMatchObject({
      number: DEMO_AGREEMENT.number,
      agencyNumber: DEMO_AGREEMENT.agencyNumber,
      elements: ['nik', 'nama_lengkap', 'alamat'],
      instruments: [{ kind: 'addendum', sha256: HASH, effectiveOn: '2027-01-01', inForce: true }],
    });
    expect(admin.listAgreements(MIDNIGHT - 1)[0]?.instruments[0]?.inForce).toBe(false);
    state.close();
  });

  it('is recorded by the running monitor when it applies', async () => {
    const { registry, admin, audit, state } = services();
    let now = MIDNIGHT - 1_000;
    const monitor = new AgreementMonitor(registry, audit, () => now);
    await monitor.start();
    await admin.addInstrument(
      { principal: ADMIN, now },
      {
        agreement: DEMO_AGREEMENT.number,
        kind: 'addendum',
        number: 'ADD/2',
        effectiveOn: '2027-01-01',
        sha256: HASH,
        elements: ['nik'],
      },
    );
    now = MIDNIGHT;
    await monitor.evaluate();
    monitor.stop();
    const states = audit.events.filter((e) => e.event === 'agreement_state');
    expect(states.at(-1)?.detail).toMatchObject({ state: 'expiring', elements: 'nik' });
    expect(states.at(-2)?.detail).toMatchObject({ elements: ELEMENTS.join(',') });
    state.close();
  });

  it('refuses an instrument before the agreement, with a bad hash, or a number already used', async () => {
    const { admin, state } = services();
    const context = { principal: ADMIN, now: MIDNIGHT };
    const base = {
      agreement: DEMO_AGREEMENT.number,
      kind: 'addendum' as const,
      number: 'ADD/3',
      effectiveOn: '2027-01-01',
      sha256: HASH,
    };
    await expect(
      admin.addInstrument(context, { ...base, effectiveOn: '2024-01-01' }),
    ).rejects.toThrow(/effectiveOn must not be before validFrom/);
    await expect(admin.addInstrument(context, { ...base, sha256: 'abc' })).rejects.toThrow(
      /sha256/,
    );
    await expect(
      admin.addInstrument(context, { ...base, number: DEMO_AGREEMENT.number }),
    ).rejects.toThrow(/exists/);
    await expect(
      admin.addAgreement(context, {
        number: 'X',
        kind: 'addendum',
        follows: DEMO_AGREEMENT.number,
        signedOn: '2026-12-01',
        validFrom: '2027-01-01',
        validUntil: '2027-02-11',
      }),
    ).rejects.toThrow(/instrument/);
    state.close();
  });
});

describe('suspension (PKS Pasal 6) and resumption', () => {
  it('are audited, pause the agreement under the same number, and show on the readers', async () => {
    const { registry, admin, audit, state } = services();
    state.enrolReader({
      id: 'reader-01',
      samSerial: 'SAM-1',
      samCertificate: '-',
      samFingerprint: 'a'.repeat(64),
      changedAt: '2026-01-01T00:00:00.000Z',
      changedBy: 'admin-1',
    });
    state.setReaderState('reader-01', 'active', undefined, new Date(0), 'admin-1');
    const at = Date.parse('2026-03-01T02:00:00Z');
    const suspended = await admin.suspendAgreement(
      { principal: ADMIN, now: at },
      { number: DEMO_AGREEMENT.number, reason: 'kebijakan pemerintah' },
    );
    expect(suspended).toMatchObject({
      number: DEMO_AGREEMENT.number,
      state: 'suspended',
      suspension: { since: '2026-03-01T02:00:00.000Z', reason: 'kebijakan pemerintah' },
    });
    expect(registry.governing('reader-01', at)?.state).toBe('suspended');
    expect(admin.listReaders(at)).toMatchObject([
      {
        id: 'reader-01',
        state: 'active',
        agreementSuspended: { number: DEMO_AGREEMENT.number, reason: 'kebijakan pemerintah' },
      },
    ]);
    await expect(
      admin.suspendAgreement(
        { principal: ADMIN, now: at + 1 },
        { number: DEMO_AGREEMENT.number, reason: 'x' },
      ),
    ).rejects.toThrow(/already suspended/);

    const later = at + 86_400_000;
    const resumed = await admin.resumeAgreement(
      { principal: ADMIN, now: later },
      { number: DEMO_AGREEMENT.number, note: 'banjir surut' },
    );
    expect(resumed.state).toBe('active');
    expect(resumed.suspension).toBeUndefined();
    expect(admin.listReaders(later)[0]).not.toHaveProperty('agreementSuspended');
    // The past suspension still holds for the instants it covered.
    expect(registry.governing('reader-01', at + 1_000)?.state).toBe('suspended');
    expect(
      audit.events.filter((e) => e.type === 'admin').map((e) => [e.event, e.detail?.['number']]),
    ).toEqual([
      ['agreement_suspended', DEMO_AGREEMENT.number],
      ['agreement_resumed', DEMO_AGREEMENT.number],
    ]);
    await expect(
      admin.resumeAgreement(
        { principal: ADMIN, now: later + 1 },
        { number: DEMO_AGREEMENT.number },
      ),
    ).rejects.toThrow(/not suspended/);
    state.close();
  });

  it('readers stay active through a suspension (switched off only when the agreement ends)', async () => {
    const { registry, admin, audit, state } = services();
    state.enrolReader({
      id: 'reader-01',
      samSerial: 'SAM-1',
      samCertificate: '-',
      samFingerprint: 'a'.repeat(64),
      changedAt: '2026-01-01T00:00:00.000Z',
      changedBy: 'admin-1',
    });
    state.setReaderState('reader-01', 'active', undefined, new Date(0), 'admin-1');
    let now = Date.parse('2026-03-01T02:00:00Z');
    const monitor = new AgreementMonitor(registry, audit, () => now);
    const changes: string[] = [];
    monitor.onChange(({ state: s }) => changes.push(s));
    const errors: unknown[] = [];
    // The listener asks for the deactivation synchronously, when it hears of the change: what it
    // asked for is known as soon as the monitor's evaluation returns, with no wait.
    const deactivations: string[] = [];
    switchReadersOffWhenAccessStops(monitor, {
      readers: {
        deactivateAllReaders: (context, reason) => {
          deactivations.push(reason);
          return admin.deactivateAllReaders(context, reason);
        },
      },
      audit,
      now: () => now,
      onError: (error) => errors.push(error),
    });
    await admin.suspendAgreement(
      { principal: ADMIN, now },
      { number: DEMO_AGREEMENT.number, reason: 'gempa' },
    );
    await monitor.start();
    expect(changes).toEqual(['suspended']);
    expect(deactivations).toEqual([]);
    expect(registry.reader('reader-01')?.state).toBe('active');
    expect(audit.events.find((e) => e.event === 'alert')?.detail).toMatchObject({
      rule: 'agreement_suspended',
    });
    // The same wiring switches them off when the agreement ends (the rule is not dead).
    now = Date.parse('2027-02-11T16:00:00.000Z');
    await monitor.evaluate();
    monitor.stop();
    expect(deactivations).toHaveLength(1);
    // Its alert is the last step of the deactivation.
    await until(() => audit.events.some((e) => e.detail?.['rule'] === 'readers_deactivated'));
    expect(changes).toEqual(['suspended', 'expired']);
    expect(registry.reader('reader-01')?.state).toBe('deactivated');
    expect(errors).toEqual([]);
    state.close();
  });
});

describe('several agreements at once', () => {
  const central = {
    ...PKS,
    number: 'PKS/DUKCAPIL-PUSAT/2026',
    clients: ['app-kasir'],
    elements: ['nik', 'nama_lengkap'] as const,
  };
  const twoAgreements = (extra: Record<string, unknown> = {}): unknown => ({
    ...config,
    agreements: [
      { ...config.agreements[0], clients: ['app-pendaftaran', 'reader-01'] },
      { ...central, ...extra },
    ],
  });

  it('each governs the clients it names', () => {
    const checked = checkConfigDocument(twoAgreements());
    if (!checked.ok) throw new Error(checked.problems.join('\n'));
    const { registry, state } = services(checked.config);
    const now = Date.parse('2026-01-15T03:00:00Z');
    expect(registry.governing('app-kasir', now)?.terms).toMatchObject({
      number: central.number,
      elements: ['nik', 'nama_lengkap'],
    });
    expect(registry.governing('app-pendaftaran', now)?.terms.number).toBe(DEMO_AGREEMENT.number);
    expect(registry.governing('app-pendaftaran', now, 'default')?.terms.number).toBe(
      DEMO_AGREEMENT.number,
    );
    expect(registry.governing('app-pendaftaran', now, 'central')).toBeUndefined();
    state.close();
  });

  it('an agreement naming an unknown upstream or client is a configuration error', () => {
    const checked = checkConfigDocument(
      twoAgreements({ upstream: 'pusat', clients: ['app-nope'] }),
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\/agreements\/1\/upstream: agreement PKS\/DUKCAPIL-PUSAT\/2026 names upstream pusat, which is not configured/,
        ),
        '/agreements/1/clients: app-nope is not a configured app or reader',
      ]),
    );
    expect(checkConfigDocument(twoAgreements({ upstream: 'default' })).ok).toBe(true);
  });

  it('a configuration without instruments is the PKS alone; instruments in it are checked', () => {
    expect(checkConfigDocument(config).ok).toBe(true);
    const bad = checkConfigDocument({
      ...config,
      agreements: [
        {
          ...config.agreements[0],
          instruments: [
            { kind: 'addendum', number: 'A', effectiveOn: '2027-02-30', sha256: HASH },
            { kind: 'addendum', number: 'A', effectiveOn: '2027-01-01', sha256: HASH },
          ],
        },
      ],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toEqual([
      expect.stringMatching(
        /^\/agreements\/0\/instruments\/0\/effectiveOn must be a calendar date/,
      ),
      '/agreements/0/instruments/1/number is the number of an earlier instrument',
    ]);
  });
});
