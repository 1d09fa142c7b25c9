/**
 * The issued reports, read from a real SQLite audit trail: the `report_generated` records are
 * appended at injected instants around the delivery month in the agreement's zone (Asia/Makassar,
 * UTC+8) in the shape generate.ts writes (the browser suite makes them for real).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteAuditStore } from '../../../audit/store/index.ts';
import { createTestSigner } from '../../../test/helpers/audit-signer.ts';
import { fileTempDir } from '../../../test/helpers/temp-dir.ts';
import { issuedReports } from './report-history.ts';

const ZONE = 'Asia/Makassar';
const dir = fileTempDir('gerbang-report-history-');
const stores: SqliteAuditStore[] = [];

afterAll(async () => {
  for (const store of stores) await store.close();
});

describe('issued reports', () => {
  it('lists every report made, newest first, with its anchor, due date and delivery', async () => {
    const { signer } = await createTestSigner(dir, 'pki');
    let now = Date.parse('2026-05-20T02:00:00Z');
    const store = new SqliteAuditStore({
      path: join(dir, 'audit.db'),
      instance: 'test',
      signer,
      now: () => now,
    });
    stores.push(store);
    const made = async (at: string, detail: Record<string, string | number | boolean>) => {
      now = Date.parse(at);
      await store.append({
        type: 'audit',
        event: 'report_generated',
        outcome: 'success',
        principal: { id: 'evaluator-1', role: 'evaluator', certificateFingerprint: 'x' },
        detail: { sha256: 'ab'.repeat(32), cutOff: new Date(now).toISOString(), ...detail },
      });
    };
    // Before June: does not count. 1 June 00:30 local (31 May UTC): counts. After 30 June local:
    // late and final. A status report never counts. An old record has no root and no mark.
    await made('2026-05-20T02:00:00Z', {
      kind: 'semester',
      period: '2026-S1',
      sementara: true,
      checkpoint: 3,
    });
    await made('2026-05-31T16:30:00Z', {
      kind: 'semester',
      period: '2026-S1',
      sementara: true,
      checkpoint: 4,
      checkpointRoot: 'cd'.repeat(32),
    });
    await made('2026-06-30T16:00:00Z', {
      kind: 'semester',
      period: '2026-S1',
      sementara: false,
      checkpoint: 5,
    });
    await made('2026-07-02T00:00:00Z', {
      kind: 'status',
      period: 'status 2026-07-02',
      sementara: true,
      checkpoint: 6,
    });
    await made('2026-07-03T00:00:00Z', { kind: 'semester', period: '2026-S1', checkpoint: 7 });
    await store.append({ type: 'system', event: 'config_loaded', outcome: 'success' });

    const list = issuedReports(store, ZONE);
    expect(list.map((r) => [r.period, r.delivery, r.sementara, r.anchor.treeSize])).toEqual([
      ['2026-S1', 'late', false, 7],
      ['status 2026-07-02', 'not_a_delivery', true, 6],
      ['2026-S1', 'late', false, 5],
      ['2026-S1', 'on_time', true, 4],
      ['2026-S1', 'early', true, 3],
    ]);
    expect(list[3]?.anchor.rootHash).toBe('cd'.repeat(32));
    expect(list[0]?.anchor.rootHash).toBeUndefined();
    expect(list[0]?.due).toMatchObject({ dueDate: '2026-06-30', timeZone: ZONE });
    expect(list[1]?.due).toBeUndefined();
    expect(list.every((r) => r.by === 'evaluator-1')).toBe(true);
    expect(issuedReports(store, ZONE, 2).map((r) => r.anchor.treeSize)).toEqual([7, 6]);
  });
});
