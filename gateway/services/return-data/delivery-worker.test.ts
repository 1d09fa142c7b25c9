import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import {
  UpstreamFailure,
  type ReturnDataClient,
  type ReturnDataItem,
} from '../../../adapters/dukcapil/port.ts';
import { InMemoryAuditTrail } from '../../../audit/index.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { OutboxStore } from '../../../adapters/sqlite/outbox.ts';
import { backoffMs, DeliveryWorker } from './delivery-worker.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-worker-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The fake at the Dukcapil boundary: fails a scripted number of times. */
class ScriptedClient implements ReturnDataClient {
  failures: number;
  readonly keys: string[] = [];
  constructor(failures: number) {
    this.failures = failures;
  }
  deliver(_item: ReturnDataItem, key: string): Promise<void> {
    this.keys.push(key);
    if (this.failures-- > 0) return Promise.reject(new UpstreamFailure('unavailable', 'down'));
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(failures: number, maxAttempts: number) {
  let now = 1_000_000;
  const outbox = new OutboxStore(join(dir, `outbox-${Math.random()}.db`));
  const client = new ScriptedClient(failures);
  const audit = new InMemoryAuditTrail();
  const settings = {
    ...demoConfig(0, 0, DEMO_AGREEMENT.signedOn).returnData,
    initialBackoffMs: 1000,
    maxBackoffMs: 8000,
    maxAttempts,
  };
  const worker = new DeliveryWorker({
    outbox,
    client,
    audit,
    settings,
    now: () => now,
    logger: pino({ level: 'silent' }),
    random: () => 1,
  });
  outbox.enqueue({
    client: 'app-pendaftaran',
    requestHash: 'h',
    subject: 's'.repeat(64),
    nik: '6474015709900001',
    npwpd: '0001.07.02',
    jenisPajak: ['PBB_P2'],
    reference: 'R',
    now,
  });
  return { outbox, client, audit, worker, advance: (ms: number) => (now += ms) };
}

describe('backoff', () => {
  it('doubles from the initial delay up to the cap, with jitter between half and all of it', () => {
    const settings = { initialBackoffMs: 1000, maxBackoffMs: 8000 };
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, settings, () => 1))).toEqual([
      2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffMs(1, settings, () => 0)).toBe(1000);
  });
});

describe('DeliveryWorker', () => {
  it('retries with backoff under the same upstream key until delivered, then erases the payload', async () => {
    const { outbox, client, audit, worker, advance } = setup(2, 10);
    expect(await worker.tick()).toBe(0);
    expect(await worker.tick()).toBe(0); // not due yet: backing off
    advance(2000);
    expect(await worker.tick()).toBe(0);
    advance(4000);
    expect(await worker.tick()).toBe(1);
    expect(new Set(client.keys).size).toBe(1);
    expect(outbox.counts()).toEqual({ queued: 0, delivered: 1, failed: 0, payloads: 0 });
    expect(audit.events.map((e) => `${e.type}:${e.event ?? ''}`)).toEqual([
      'return_data:delivered',
    ]);
  });

  it('turns a delivery that keeps failing into a dead letter with an alert, and an operator can retry it', async () => {
    const { outbox, audit, worker, advance } = setup(100, 3);
    for (let i = 0; i < 3; i++) {
      await worker.tick();
      advance(10_000);
    }
    expect(outbox.counts()).toMatchObject({ queued: 0, failed: 1, payloads: 1 });
    expect(outbox.deadLetters()[0]).toMatchObject({ attempts: 3, lastError: 'down' });
    expect(audit.events.map((e) => e.detail?.['rule'])).toEqual(['return_data_dead_letter']);
    expect(outbox.retry('all-failed', 0)).toBe(1);
    expect(outbox.counts()).toMatchObject({ queued: 1, failed: 0 });
  });
});
