/**
 * Agreements as documents with history through the real application, its clock injected: an
 * addendum added through the admin API narrows what a lookup may ask from 00:00:00 WITA of its
 * effective day (and not at 23:59:59), with no restart; a suspension refuses lookups with 403
 * agreement_suspended, shows on the readers, and its resumption restores both, each audited.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_AGREEMENT } from '../../config/demo.ts';
import { buildTestApp, lookupBody } from '../../../test/helpers/in-process-app.ts';

const LOOKUP = '/v1/nik/lookup';
// 1 January 2027, 00:00 WITA (Asia/Makassar, UTC+8).
const MIDNIGHT = Date.parse('2026-12-31T16:00:00.000Z');
const HASH = 'd'.repeat(64);

type App = Awaited<ReturnType<typeof buildTestApp>>;
const admin = (app: App, path: string, json?: unknown) =>
  app.request('admin-1', path, json === undefined ? { method: 'GET' } : { method: 'POST', json });
const lookup = async (app: App, fields: string[]): Promise<[number, string]> => {
  const response = await app.request('app-pendaftaran', LOOKUP, {
    method: 'POST',
    json: lookupBody({ fields }),
  });
  const body = (await response.json()) as { error?: { code: string } };
  return [response.status, body.error?.code ?? 'ok'];
};

describe('an addendum through the admin API', () => {
  it('narrows the elements at 00:00:00 of its effective day in the agreement’s zone', async () => {
    const app = await buildTestApp();
    app.setNow(Date.parse('2026-12-01T02:00:00Z'));
    const added = await admin(app, '/v1/admin/agreements/instruments', {
      agreement: DEMO_AGREEMENT.number,
      kind: 'addendum',
      number: 'ADD/1/2026',
      effectiveOn: '2027-01-01',
      sha256: HASH,
      elements: ['nik', 'nama_lengkap'],
    });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({
      number: DEMO_AGREEMENT.number,
      instruments: [{ number: 'ADD/1/2026', inForce: false }],
    });

    app.setNow(MIDNIGHT - 1_000); // 23:59:59 WITA on 31 December
    expect(await lookup(app, ['alamat'])).toEqual([200, 'ok']);
    app.setNow(MIDNIGHT); // 00:00:00 WITA on 1 January
    expect(await lookup(app, ['alamat'])).toEqual([403, 'field_not_allowed']);
    expect(await lookup(app, ['nama_lengkap'])).toEqual([200, 'ok']);
    const listed = (await (await admin(app, '/v1/admin/agreements')).json()) as {
      items: { elements: string[] }[];
    };
    expect(listed.items[0]?.elements).toEqual(['nik', 'nama_lengkap']);
  });
});

describe('a suspension through the admin API', () => {
  it('refuses lookups, shows on the readers, and is lifted by resumption, both audited', async () => {
    const app = await buildTestApp();
    app.state.enrolReader({
      id: 'reader-01',
      samSerial: 'SAM-1',
      samCertificate: '-',
      samFingerprint: 'e'.repeat(64),
      changedAt: '2026-01-01T00:00:00.000Z',
      changedBy: 'admin-1',
    });
    expect(await lookup(app, ['nik'])).toEqual([200, 'ok']);
    const suspended = await admin(app, '/v1/admin/agreements/suspend', {
      number: DEMO_AGREEMENT.number,
      reason: 'kebijakan pemerintah',
    });
    expect(suspended.status).toBe(200);
    expect(await suspended.json()).toMatchObject({ state: 'suspended' });
    expect(await lookup(app, ['nik'])).toEqual([403, 'agreement_suspended']);
    const readers = (await (await admin(app, '/v1/admin/readers')).json()) as {
      items: { id: string; agreementSuspended?: { number: string } }[];
    };
    expect(readers.items).toMatchObject([
      { id: 'reader-01', agreementSuspended: { number: DEMO_AGREEMENT.number } },
    ]);

    app.setNow(Date.parse('2026-01-15T05:00:00Z'));
    const resumed = await admin(app, '/v1/admin/agreements/resume', {
      number: DEMO_AGREEMENT.number,
    });
    expect(resumed.status).toBe(200);
    expect(await lookup(app, ['nik'])).toEqual([200, 'ok']);
    const after = (await (await admin(app, '/v1/admin/readers')).json()) as {
      items: { agreementSuspended?: unknown }[];
    };
    expect(after.items[0]?.agreementSuspended).toBeUndefined();
    expect(app.audit.events.filter((e) => e.type === 'admin').map((e) => e.event)).toEqual([
      'agreement_suspended',
      'agreement_resumed',
    ]);
    // The refused lookup is in the trail with its code.
    expect(app.audit.events.filter((e) => e.type === 'lookup').map((e) => e.errorCode)).toEqual([
      undefined,
      'agreement_suspended',
      undefined,
    ]);
  });
});
