/**
 * PKS Pasal 9(4) across a restart: if the gateway was down when the agreement ended, it switches
 * every reader off as it starts, records why, and raises an alert.
 */
import { readFileSync, rmSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../gateway/config/index.ts';
import { demoReaderFiles } from '../gateway/cli/demo/instance.ts';
import { samEnrolment } from '../gateway/services/readers/card-read-verifier.ts';
import { validityWindow } from '../policies/index.ts';
import { startGateway } from '../gateway/server/start.ts';
import { SYSTEM_PRINCIPAL } from '../gateway/services/index.ts';
import { prepareInstance, type PreparedInstance } from './helpers/child-gateway.ts';
import { holdsWithin } from './helpers/until.ts';
import { join } from 'node:path';

let instance: PreparedInstance | undefined;
afterAll(async () => {
  await instance?.simulator.close();
  if (instance) rmSync(instance.dir, { recursive: true, force: true });
});

describe('readers and the end of the agreement', () => {
  it('deactivates every reader at start-up when the agreement ended while the gateway was down', async () => {
    instance = await prepareInstance();
    const config = {
      ...loadConfig(join(instance.dir, 'gerbang.json')),
      server: { ...loadConfig(join(instance.dir, 'gerbang.json')).server, port: 0 },
    };
    // The instance's agreement starts on the day it was made: its end, whatever today is.
    const [agreement] = config.agreements;
    if (agreement === undefined) throw new Error('the demo instance has an agreement');
    const { end } = validityWindow(agreement);
    const before = end - 36 * 3_600_000;
    let gateway = await startGateway(config, {
      dataDir: instance.dir,
      logger: pino({ level: 'silent' }),
      now: () => before,
    });
    const pem = readFileSync(demoReaderFiles(join(instance.dir, 'pki')).samCertificate, 'utf8');
    const context = { principal: SYSTEM_PRINCIPAL, now: before };
    await gateway.policy.admin.enrolReader(context, { id: 'reader-01', ...samEnrolment(pem) });
    await gateway.policy.admin.changeReader(context, {
      id: 'reader-01',
      action: 'activate',
      reason: 'counter 1',
    });
    await gateway.close();

    // Down across the boundary (midnight WITA after its last day); up again 16 hours later.
    const after = end + 16 * 3_600_000;
    gateway = await startGateway(config, {
      dataDir: instance.dir,
      logger: pino({ level: 'silent' }),
      now: () => after,
    });
    const restarted = gateway;
    try {
      const events = () =>
        restarted.audit
          .query({ limit: 500 })
          .items.map(
            (r) =>
              `${r.event ?? r.type}:${String(r.detail?.['rule'] ?? r.detail?.['state'] ?? '')}`,
          );
      // The readers go off just after the start, as the monitor hears of the ended agreement;
      // the alert comes last. The expectations below say what is missing if it never does.
      await holdsWithin(() => events().includes('alert:readers_deactivated'));
      expect(restarted.policy.admin.listReaders()).toMatchObject([
        {
          id: 'reader-01',
          state: 'deactivated',
          reason: 'agreement 400.12.4.3/9/DKPS/2025 expired',
        },
      ]);
      expect(events()).toEqual(
        expect.arrayContaining([
          'agreement_state:expired',
          'reader_deactivated:',
          'alert:readers_deactivated',
        ]),
      );
    } finally {
      await restarted.close();
    }
  });
});
