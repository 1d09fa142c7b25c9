/**
 * Attack 1: the clock as a weapon against the trail. The gateway is started with its clock 800
 * days ahead, which a purge by `now − retentionDays` would take as leave to delete every record;
 * then the clock is put right, which leaves the trail dated in the future and data requests
 * refused. The defence: the purge waits for a clock trusted for evidence, and one documented
 * admin path brings the gateway back from each clock fault.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { disposeInstance, type PreparedInstance } from '../helpers/child-gateway.ts';
import { describeWithTools } from '../helpers/tools.ts';
import { holdsWithin } from '../helpers/until.ts';
import {
  call,
  cli,
  LIBFAKETIME,
  lookup,
  startGatewayAt,
  stopGateway,
  storedRecords,
  prepareWithRetention,
} from './gateway-process.ts';

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
/**
 * A 10-day retention, so that a clock 20 days ahead would have it all, while the certificates and
 * the CRL (30 days) stay valid.
 */
const RETENTION_DAYS = 10;
beforeAll(async () => {
  instance = await prepareWithRetention(RETENTION_DAYS);
});
afterAll(async () => {
  await disposeInstance(instance, gateway);
});

describeWithTools(
  'attack 01: start the gateway with the clock 20 days ahead, past the retention period',
  { libfaketime: LIBFAKETIME !== undefined },
  () => {
    it(
      'deletes nothing, says why the purge is held, and comes back through the admin path',
      { timeout: 120_000 },
      async () => {
        const at = instance as PreparedInstance;
        gateway = await startGatewayAt(at);
        for (let i = 0; i < 5; i++) expect((await lookup(at, `SURAT/2026/${i}`)).status).toBe(200);
        await stopGateway(gateway);
        const before = storedRecords(at);
        expect(before.filter((r) => r.type === 'lookup')).toHaveLength(5);

        // 800 days ahead: past the demo's 730-day retention for every record there is.
        gateway = await startGatewayAt(at, 20);
        const held = await holdsWithin(
          () => storedRecords(at).some((r) => r.detail?.['rule'] === 'retention_purge_held'),
          { timeoutMs: 20_000 },
        );
        expect(held).toBe(true);
        const alert = storedRecords(at).find((r) => r.detail?.['rule'] === 'retention_purge_held');
        expect(alert?.detail?.['reason']).toBe('start_gap');
        await stopGateway(gateway);
        const after = storedRecords(at);
        // Every record is still there, in one chain that verifies.
        expect(after.slice(0, before.length).map((r) => r.seq)).toEqual(before.map((r) => r.seq));
        expect(after.some((r) => r.event === 'retention_purge')).toBe(false);
        expect(cli(at, ['audit', 'verify']).status).toBe(0);

        // The clock is put right. The trail now holds records dated 800 days ahead: data requests
        // are refused (a clock behind the trail could revive agreements), until an administrator
        // who checked the time acknowledges it.
        gateway = await startGatewayAt(at);
        const refused = await lookup(at, 'SURAT/2026/behind');
        expect(refused.status, JSON.stringify(refused.body)).toBe(403);
        expect(refused.body.error?.code).toBe('clock_untrusted');
        const acknowledged = await call(at, 'admin-1', '/v1/admin/clock/acknowledge', {
          method: 'POST',
        });
        expect(acknowledged.status).toBe(200);
        expect(acknowledged.body['correctedBehindMs']).toBeGreaterThan(19 * 86_400_000);
        expect((await lookup(at, 'SURAT/2026/after')).status).toBe(200);
        // Nothing left to acknowledge: a second acknowledgement is a conflict.
        expect(
          (await call(at, 'admin-1', '/v1/admin/clock/acknowledge', { method: 'POST' })).status,
        ).toBe(409);
        await stopGateway(gateway);
        gateway = undefined;

        // The step back in time is on the record, and the only one the verifier accepts.
        const records = storedRecords(at);
        const correction = records.find((r) => r.event === 'clock_corrected');
        expect(correction).toBeDefined();
        expect(records.filter((r, i) => i > 0 && r.time < (records[i - 1]?.time ?? ''))).toEqual([
          correction,
        ]);
        const verified = cli(at, ['audit', 'verify']);
        expect(verified.stdout + verified.stderr).toMatch(/^OK: the audit trail verifies/m);
        expect(records.filter((r) => r.type === 'lookup').length).toBe(7);
      },
    );

    it(
      'acknowledging a start far ahead lets the purge run, and it still keeps the retention period',
      { timeout: 60_000 },
      async () => {
        const at = instance as PreparedInstance;
        gateway = await startGatewayAt(at, 20);
        const acknowledged = await call(at, 'admin-1', '/v1/admin/clock/acknowledge', {
          method: 'POST',
        });
        expect(acknowledged.status).toBe(200);
        expect(acknowledged.body['acknowledgedStartGapMs']).toBeGreaterThan(19 * 86_400_000);
        await stopGateway(gateway);
        gateway = undefined;

        // The CLI with its clock faked further still is refused outright: far ahead of the trail.
        const ahead = cli(at, ['audit', 'purge'], 28);
        expect(ahead.status).toBe(64);
        expect(ahead.stderr).toMatch(/days ahead of the trail's newest record.*nothing was purged/);

        // On the clock the administrator confirmed, the purge runs, and cuts no later than the
        // retention period before the trail's newest record.
        const purge = cli(at, ['audit', 'purge'], 20);
        expect(purge.status, purge.stderr).toBe(0);
        expect(purge.stdout).toMatch(/purged \d+ records/);
        const records = storedRecords(at);
        const newest = Date.parse(records.at(-1)?.time ?? '');
        for (const record of records)
          expect(newest - Date.parse(record.time)).toBeLessThanOrEqual(RETENTION_DAYS * 86_400_000);
        expect(records.at(-1)).toMatchObject({ event: 'retention_purge' });
        expect(cli(at, ['audit', 'verify']).status).toBe(0);
      },
    );
  },
);
