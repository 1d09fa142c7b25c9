/** The demo's own renewals — its agreement on a real state database at fixed dates, its CRL. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSubjectHasher, InMemoryAuditTrail } from '../../../audit/index.ts';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { StateDb } from '../../../adapters/sqlite/state-db.ts';
import { createPolicyServices } from '../../services/index.ts';
import { CertificateAuthority } from '../../../certs/index.ts';
import { DEMO_AGREEMENT, demoAgreementWindow, demoConfig } from '../../config/demo.ts';
import { until } from '../../../test/helpers/until.ts';
import { keepDemoCrlFresh, refreshDemoCrlIfDue } from './instance.ts';
import { renewDemoAgreementIfDue } from './renewal.ts';

const dir = fileTempDir('gerbang-renewal-');
let databases = 0;

/** The demo configuration with the real Bontang window: 12 Feb 2025 through 11 Feb 2027, WITA. */
function services() {
  const audit = new InMemoryAuditTrail();
  const policy = createPolicyServices({
    config: demoConfig(0, 0, DEMO_AGREEMENT.signedOn),
    state: new StateDb(join(dir, `state-${++databases}.db`)),
    audit,
    subjectHasher: createSubjectHasher(Buffer.alloc(32, 1)),
    wall: Date.now,
    monotonic: () => performance.now(),
  });
  return { policy, audit };
}

const at = (iso: string): number => Date.parse(iso);

describe('the demo agreement renewal', () => {
  it('leaves an agreement with more than 90 days to run alone', async () => {
    const { policy, audit } = services();
    expect(await renewDemoAgreementIfDue(policy, at('2026-01-15T03:00:00Z'))).toBeUndefined();
    expect(audit.events).toHaveLength(0);
  });

  it('renews an expiring agreement from the day after its end, once, as an audited admin action', async () => {
    const { policy, audit } = services();
    const now = at('2026-12-01T03:00:00Z'); // 72 days before the end
    const renewal = await renewDemoAgreementIfDue(policy, now);
    expect(renewal).toEqual({
      number: '400.12.4.3/9/DKPS/2025/demo-20270212',
      validFrom: '2027-02-12',
      validUntil: '2029-02-11',
    });
    expect(audit.events).toHaveLength(1);
    expect(audit.events[0]).toMatchObject({
      type: 'admin',
      event: 'agreement_renewal',
      principal: { id: 'gerbang-demo' },
      detail: { follows: DEMO_AGREEMENT.number },
    });
    // Already followed: nothing more, then and after the old one ended.
    expect(await renewDemoAgreementIfDue(policy, now)).toBeUndefined();
    const afterEnd = at('2027-02-11T16:00:00Z'); // midnight WITA after 11 February 2027
    expect(policy.registry.inForce(afterEnd)).toMatchObject({
      state: 'active',
      terms: { number: renewal?.number },
    });
    expect(await renewDemoAgreementIfDue(policy, afterEnd)).toBeUndefined();
  });

  it('renews a lapsed agreement from today, in the agreement’s zone', async () => {
    const { policy } = services();
    // 1 March 2029, 23:30 UTC is already 2 March in Makassar.
    const now = at('2029-03-01T23:30:00Z');
    expect(policy.registry.inForce(now)?.state).toBe('expired');
    expect(await renewDemoAgreementIfDue(policy, now)).toEqual({
      number: '400.12.4.3/9/DKPS/2025/demo-20290302',
      validFrom: '2029-03-02',
      validUntil: '2031-03-01',
    });
    expect(policy.registry.inForce(now)?.state).toBe('active');
  });

  it('respects a termination: an administrator ended it', async () => {
    const { policy } = services();
    const context = {
      principal: { id: 'admin-1', role: 'admin', certificateFingerprint: '-' },
      now: at('2026-06-01T00:00:00Z'),
    };
    await policy.admin.terminate(context, { number: DEMO_AGREEMENT.number, reason: 'other' });
    expect(await renewDemoAgreementIfDue(policy, at('2027-06-01T00:00:00Z'))).toBeUndefined();
    expect(policy.registry.inForce(at('2027-06-01T00:00:00Z'))?.state).toBe('terminated');
  });
});

describe('the demo agreement window', () => {
  it('runs two years, the last day inclusive, and never past 2100', () => {
    expect(demoAgreementWindow('2025-02-12')).toEqual({
      validFrom: '2025-02-12',
      validUntil: '2027-02-11',
    });
    expect(demoAgreementWindow('2099-06-01')).toEqual({
      validFrom: '2099-06-01',
      validUntil: '2100-12-31',
    });
  });
});

describe('the demo CRL', () => {
  it('is republished when it is due within ten days, and left alone before', async () => {
    const pki = join(dir, 'pki');
    await CertificateAuthority.create(pki); // its CRL is due in 30 days
    const crl = () => readFileSync(join(pki, 'crl.pem'), 'utf8');
    const first = crl();
    expect(await refreshDemoCrlIfDue(pki, Date.now())).toBe(false);
    expect(crl()).toBe(first);
    expect(await refreshDemoCrlIfDue(pki, Date.now() + 25 * 86_400_000)).toBe(true);
    expect(crl()).not.toBe(first);
  });

  it('is renewed while the demo runs, not only at its start', async () => {
    const pki = join(dir, 'pki-running');
    await CertificateAuthority.create(pki);
    const crl = () => readFileSync(join(pki, 'crl.pem'), 'utf8');
    const first = crl();
    const errors: unknown[] = [];
    // Three weeks and more into the run: due within ten days.
    const stop = keepDemoCrlFresh(pki, (error) => errors.push(error), {
      everyMs: 20,
      now: () => Date.now() + 25 * 86_400_000,
    });
    try {
      await until(() => crl() !== first);
    } finally {
      stop();
    }
    expect(errors).toEqual([]);
  });
});
