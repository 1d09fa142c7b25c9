/**
 * Attack 2: one command to erase the access history. `gerbang audit purge --before T` with T in
 * the future (or just inside the retention period), or with the machine's clock set ahead for
 * the one command. The defence: the cut-off may not fall inside the retention period, measured
 * from the earlier of the clock and the trail's own newest record; a clock far ahead of the trail
 * is refused outright; a purge that is allowed is recorded with its range and tree heads under a
 * checkpoint of its own.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { disposeInstance, type PreparedInstance } from '../helpers/child-gateway.ts';
import { describeWithTools } from '../helpers/tools.ts';
import {
  cli,
  LIBFAKETIME,
  lookup,
  startGatewayAt,
  stopGateway,
  storedRecords,
  prepareWithRetention,
} from './gateway-process.ts';

const RETENTION_DAYS = 2;
let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
beforeAll(async () => {
  instance = await prepareWithRetention(RETENTION_DAYS);
});
afterAll(async () => {
  await disposeInstance(instance, gateway);
});

describeWithTools(
  'attack 02: purge the trail with a cut-off in the future',
  { libfaketime: LIBFAKETIME !== undefined },
  () => {
    it('refuses every cut-off inside the retention period and a clock set ahead, purging nothing', () => {
      const at = instance as PreparedInstance;
      // Records five days old and of today (the CLI records its own runs). The gateway is not
      // started: its own purge at start would take the old ones (gateway/services/retention).
      for (let i = 0; i < 3; i++) expect(cli(at, ['audit', 'verify'], -5).status).toBe(0);
      for (let i = 0; i < 2; i++) expect(cli(at, ['audit', 'verify']).status).toBe(0);
      const before = storedRecords(at);

      for (const cutoff of ['2099-01-01', new Date(Date.now() - 86_400_000).toISOString()]) {
        const refused = cli(at, ['audit', 'purge', '--before', cutoff]);
        expect(refused.status).toBe(64);
        expect(refused.stderr).toMatch(/inside the retention period.*nothing was purged/);
      }
      // The clock set ahead for the one command, with the default cut-off.
      const ahead = cli(at, ['audit', 'purge'], 30);
      expect(ahead.status).toBe(64);
      expect(ahead.stderr).toMatch(/days ahead of the trail's newest record/);
      expect(storedRecords(at)).toEqual(before);
    }, 60_000);

    it('purges what the retention period allows, and records the purge under its own checkpoint', () => {
      const at = instance as PreparedInstance;
      const before = storedRecords(at);
      const purge = cli(at, ['audit', 'purge']);
      expect(purge.status, purge.stderr).toBe(0);
      const after = storedRecords(at);
      const old = before.filter(
        (r) => Date.now() - Date.parse(r.time) > RETENTION_DAYS * 86_400_000,
      );
      expect(old.length).toBeGreaterThanOrEqual(3);
      expect(after[0]?.seq).toBe((old.at(-1)?.seq ?? 0) + 1);
      const record = after.at(-1);
      expect(record).toMatchObject({
        event: 'retention_purge',
        detail: { purged: old.length, fromSeq: 1, throughSeq: old.at(-1)?.seq },
      });
      expect(record?.detail?.['rootBefore']).toMatch(/^[0-9a-f]{64}$/);
      expect(record?.detail?.['anchorRoot']).toMatch(/^[0-9a-f]{64}$/);
      const verified = cli(at, ['audit', 'verify']);
      expect(verified.status, verified.stderr).toBe(0);
      // Sealed at once: no record of the purge waits for the checkpoint timer.
      expect(verified.stdout).not.toMatch(/not yet covered by a checkpoint/);
    }, 60_000);
  },
);

describeWithTools(
  "attack 02b: the gateway's own purge at start",
  { libfaketime: LIBFAKETIME !== undefined },
  () => {
    it('takes only what the retention period allows, on a clock it trusts', async () => {
      const at = await prepareWithRetention(RETENTION_DAYS);
      try {
        for (let i = 0; i < 3; i++) expect(cli(at, ['audit', 'verify'], -5).status).toBe(0);
        gateway = await startGatewayAt(at);
        expect((await lookup(at)).status).toBe(200);
        await stopGateway(gateway);
        gateway = undefined;
        const records = storedRecords(at);
        expect(records[0]?.seq).toBe(4);
        expect(records.find((r) => r.event === 'retention_purge')?.detail).toMatchObject({
          purged: 3,
          throughSeq: 3,
        });
        expect(cli(at, ['audit', 'verify']).status).toBe(0);
      } finally {
        await disposeInstance(at, undefined);
      }
    }, 60_000);
  },
);
