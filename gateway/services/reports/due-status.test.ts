/**
 * The report due next and its reminder, read from a real SQLite audit trail at injected instants
 * around the boundaries in the agreement's zone (Asia/Makassar, UTC+8). The `report_generated`
 * records are appended here in the shape generate.ts writes; the route tests make them for real.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteAuditStore } from '../../../audit/store/index.ts';
import { createTestSigner } from '../../../test/helpers/audit-signer.ts';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { remindOfDueReport } from './due-reminder.ts';
import { nextDueReport } from './due-status.ts';

const ZONE = 'Asia/Makassar';
const dir = fileTempDir('gerbang-report-due-');
let stores = 0;
const open: SqliteAuditStore[] = [];

afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});

async function trail(start: string) {
  const { signer } = await createTestSigner(dir, `pki-${String(++stores)}`);
  let now = Date.parse(start);
  const store = new SqliteAuditStore({
    path: join(dir, `audit-${String(stores)}.db`),
    instance: 'test',
    signer,
    now: () => now,
  });
  open.push(store);
  // The gateway starts: the trail begins here (a gateway cannot be behind on a half before it).
  await store.append({ type: 'system', event: 'config_loaded', outcome: 'success' });
  return {
    store,
    at: (instant: string) => {
      now = Date.parse(instant);
      return now;
    },
    /** A semester report made now, as generate.ts records it. */
    made: (period: string, sementara: boolean, kind = 'semester') =>
      store.append({
        type: 'audit',
        event: 'report_generated',
        outcome: 'success',
        principal: { id: 'evaluator-1', role: 'evaluator', certificateFingerprint: 'x' },
        detail: {
          kind,
          period,
          sementara,
          cutOff: new Date(now).toISOString(),
          sha256: 'ab'.repeat(32),
          checkpoint: 1,
        },
      }),
  };
}

const due = (store: SqliteAuditStore, now: number, reminderDays?: number) =>
  nextDueReport({ reader: store, timeZone: ZONE, now, reminderDays });

describe('the semester report due next', () => {
  it('is the current half’s, upcoming until 14 days before its due date in Makassar', async () => {
    const t = await trail('2026-03-01T00:00:00Z');
    const march = due(t.store, t.at('2026-03-01T00:00:00Z'));
    expect(march).toMatchObject({
      state: 'upcoming',
      due: { semester: '2026-S1', dueDate: '2026-06-30' },
      reminderDays: 14,
    });
    // 15 June 23:59:59 local: 15 days left.
    expect(due(t.store, t.at('2026-06-15T15:59:59Z'))).toMatchObject({
      state: 'upcoming',
      daysLeft: 15,
    });
    // 16 June 00:00 local (15 June 16:00 UTC): the reminder window opens.
    expect(due(t.store, t.at('2026-06-15T16:00:00Z'))).toMatchObject({
      state: 'reminder',
      daysLeft: 14,
    });
    // A configured window moves it.
    expect(due(t.store, t.at('2026-06-15T16:00:00Z'), 7)).toMatchObject({ state: 'upcoming' });
    expect(due(t.store, t.at('2026-06-30T15:59:59Z'))).toMatchObject({
      state: 'reminder',
      daysLeft: 0,
    });
  });

  it('is overdue from 1 July 00:00 local when no report of the first half was made, and stays shown', async () => {
    const t = await trail('2026-06-01T00:00:00Z');
    const overdue = due(t.store, t.at('2026-06-30T16:00:00Z'));
    expect(overdue).toMatchObject({
      state: 'overdue',
      daysLeft: -1,
      due: { semester: '2026-S1' },
      delivered: undefined,
    });
    expect(due(t.store, t.at('2026-09-10T00:00:00Z'))).toMatchObject({
      state: 'overdue',
      due: { semester: '2026-S1' },
    });
    // Made late, in July: met late, and the second half is the one due next.
    await t.made('2026-S1', false);
    expect(due(t.store, t.at('2026-09-11T00:00:00Z'))).toMatchObject({
      state: 'upcoming',
      due: { semester: '2026-S2', dueDate: '2026-12-31' },
    });
  });

  it('is met by a sementara report made in June; a report made in May or a status report does not count', async () => {
    const t = await trail('2026-05-20T00:00:00Z');
    await t.made('2026-S1', true); // before the delivery month
    t.at('2026-06-02T00:00:00Z');
    await t.made('status 2026-06-02', true, 'status');
    expect(due(t.store, t.at('2026-06-20T00:00:00Z'))).toMatchObject({
      state: 'reminder',
      delivered: undefined,
    });
    t.at('2026-06-20T02:00:00Z');
    await t.made('2026-S1', true);
    const met = due(t.store, t.at('2026-06-21T00:00:00Z'));
    expect(met).toMatchObject({
      state: 'met',
      delivered: {
        time: '2026-06-20T02:00:00.000Z',
        sementara: true,
        cutOff: '2026-06-20T02:00:00.000Z',
        by: 'evaluator',
      },
      final: undefined,
    });
    // After the half: still met (not overdue), and the final report is listed once made.
    t.at('2026-07-02T00:00:00Z');
    await t.made('2026-S1', false);
    const july = nextDueReport({
      reader: t.store,
      timeZone: ZONE,
      now: t.at('2026-07-03T00:00:00Z'),
    });
    expect(july.due.semester).toBe('2026-S2');
  });

  it('names a report made only after the due date as late', async () => {
    const t = await trail('2026-12-01T00:00:00Z');
    t.at('2027-01-05T00:00:00Z');
    await t.made('2026-S2', false);
    // In 2027-S1 the previous half is not overdue any more, so the current one is shown...
    expect(due(t.store, t.at('2027-01-06T00:00:00Z')).due.semester).toBe('2027-S1');
  });
});

describe('halves nothing is owed for', () => {
  it('a half before the trail began is not shown as overdue, and a half outside every agreement is not owed', async () => {
    const t = await trail('2026-03-01T00:00:00Z'); // installed after 2025-S2 was due
    expect(due(t.store, t.at('2026-03-02T00:00:00Z')).due.semester).toBe('2026-S1');
    // The agreement ended in May 2026: June's delivery window lies outside it.
    const ended = Date.parse('2026-05-10T16:00:00Z');
    const status = nextDueReport({
      reader: t.store,
      timeZone: ZONE,
      now: t.at('2026-06-20T00:00:00Z'),
      agreementInForce: (instant) => instant < ended,
    });
    expect(status).toMatchObject({ state: 'not_owed', due: { semester: '2026-S1' } });
    expect(await remindOfDueReport({ status, reader: t.store, audit: t.store })).toBeUndefined();
  });
});

describe('the reminder alert', () => {
  it('is raised once in the window, once when overdue, and never when the report was made', async () => {
    const t = await trail('2026-06-01T00:00:00Z');
    const alerts = () =>
      t.store
        .query({ type: 'security', event: 'alert', limit: 100 })
        .items.map((r) => [r.detail?.['rule'], r.detail?.['semester'], r.detail?.['dueDate']]);
    const check = (instant: string) =>
      remindOfDueReport({ status: due(t.store, t.at(instant)), reader: t.store, audit: t.store });

    expect(await check('2026-06-10T00:00:00Z')).toBeUndefined(); // 20 days left
    expect(alerts()).toEqual([]);
    expect(await check('2026-06-16T00:00:00Z')).toBe('report_due');
    expect(await check('2026-06-17T00:00:00Z')).toBeUndefined(); // already raised
    expect(await check('2026-07-01T00:00:00Z')).toBe('report_overdue');
    expect(await check('2026-07-02T00:00:00Z')).toBeUndefined();
    expect(alerts()).toEqual([
      ['report_due', '2026-S1', '2026-06-30'],
      ['report_overdue', '2026-S1', '2026-06-30'],
    ]);

    // The next half's report made in December before its window: no alert for it.
    t.at('2026-12-20T00:00:00Z');
    await t.made('2026-S2', true);
    t.at('2026-12-21T00:00:00Z');
    // 2026-S1 is still overdue and shown first; once made (late), S2 is the one due and met.
    await t.made('2026-S1', false);
    expect(await check('2026-12-22T00:00:00Z')).toBeUndefined();
    expect(due(t.store, t.at('2026-12-22T00:00:00Z'))).toMatchObject({
      state: 'met',
      due: { semester: '2026-S2' },
    });
  });
});
