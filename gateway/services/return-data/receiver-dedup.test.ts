/**
 * The outbox and its worker over a real data balikan receiver on 127.0.0.1 that honours no
 * Idempotency-Key: deduplication is the gateway's own. An acknowledged record is never sent
 * again, even when the audit trail fails right after the answer; an answer lost after the request
 * left is retried under the same key and counted as uncertain in the delivery's audit record (the
 * at-least-once case of docs/return-data.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HttpReturnDataClient } from '../../../adapters/dukcapil/data-balikan.ts';
import { OutboxStore } from '../../../adapters/sqlite/outbox.ts';
import { InMemoryAuditTrail, type AuditEvent, type AuditTrail } from '../../../audit/index.ts';
import { DEMO_AGREEMENT, demoConfig } from '../../config/demo.ts';
import { DEFAULT_RETURN_DATA_TEMPLATE } from '../../config/return-data-template.ts';
import { Receiver, RECEIVER_TOKEN } from '../../../test/helpers/return-data-receiver.ts';
import { DeliveryWorker } from './delivery-worker.ts';

const NIK = '6474015709900001';
const ITEM = { nik: NIK, npwpd: '0001.07.02', jenisPajak: ['PBB_P2', 'BPHTB'] };

const receivers: Receiver[] = [];
const clients: HttpReturnDataClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const receiver of receivers.splice(0)) await receiver.stop();
});
const dir = mkdtempSync(join(tmpdir(), 'gerbang-balikan-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function receiver(): Promise<Receiver> {
  const started = await new Receiver().start();
  receivers.push(started);
  return started;
}

function client(url: string): HttpReturnDataClient {
  const made = new HttpReturnDataClient({
    url,
    consumer: 'BAPENDA_BONTANG',
    idLembaga: 'BAPENDA-6474',
    namaLembaga: 'Badan Pendapatan Daerah Kota Bontang',
    bearerToken: RECEIVER_TOKEN,
    payload: DEFAULT_RETURN_DATA_TEMPLATE,
    success: { statuses: [200], pointer: '/status', equals: ['OK'] },
    requestTimeoutMs: 1_000,
  });
  clients.push(made);
  return made;
}

describe('delivery through the outbox: deduplication by the gateway, not the receiver', () => {
  function worker(
    url: string,
    audit: InMemoryAuditTrail | { append(e: AuditEvent): Promise<void> },
  ) {
    let now = 1_000_000;
    const outbox = new OutboxStore(join(dir, `outbox-${String(Math.random())}.db`));
    const settings = {
      ...demoConfig(0, 0, DEMO_AGREEMENT.signedOn).returnData,
      initialBackoffMs: 10,
      maxBackoffMs: 10,
      maxAttempts: 10,
    };
    const delivery = new DeliveryWorker({
      outbox,
      client: client(url),
      audit: audit as AuditTrail,
      settings,
      now: () => now,
      logger: pino({ level: 'silent' }),
      random: () => 1,
    });
    const queued = outbox.enqueue({
      client: 'app-pendaftaran',
      requestHash: 'h',
      subject: 's'.repeat(64),
      ...ITEM,
      reference: 'SURAT/2026/001',
      now,
    });
    if (queued.kind === 'conflict') throw new Error('unexpected');
    return { outbox, worker: delivery, id: queued.delivery.id, advance: () => (now += 1_000) };
  }

  it('never re-sends an acknowledged record when the trail fails after the answer', async () => {
    const rx = await receiver();
    const trail = new InMemoryAuditTrail();
    let failing = true;
    const audit = {
      append: (event: AuditEvent) =>
        failing ? Promise.reject(new Error('disk full')) : trail.append(event),
    };
    const { outbox, worker: w, id, advance } = worker(rx.url, audit);
    await expect(w.tick()).rejects.toThrow('disk full');
    expect(rx.received).toHaveLength(1);
    expect(outbox.get(id)).toMatchObject({ status: 'delivered' });
    expect(outbox.counts().payloads).toBe(0); // the NIK is gone at once
    // The trail still fails: the pass stops at the pending record, nothing is sent again.
    advance();
    await expect(w.tick()).rejects.toThrow('disk full');
    failing = false;
    advance();
    expect(await w.tick()).toBe(0);
    expect(rx.received).toHaveLength(1);
    expect(outbox.unaudited(10)).toEqual([]);
    expect(trail.events.filter((e) => e.event === 'delivered')).toEqual([
      expect.objectContaining({
        type: 'return_data',
        reference: 'SURAT/2026/001',
        detail: { delivery: id, attempts: 1, uncertainAttempts: 0 },
      }),
    ]);
    // Another pass finds nothing to send or record.
    advance();
    expect(await w.tick()).toBe(0);
    expect(rx.received).toHaveLength(1);
    expect(trail.events.filter((e) => e.event === 'delivered')).toHaveLength(1);
  });

  it('a lost answer is retried under the same key and counted as uncertain: at least once', async () => {
    const rx = await receiver();
    let lose = true;
    rx.answer = (req, res) => {
      if (lose) {
        lose = false;
        req.socket.destroy();
        return;
      }
      res.end(JSON.stringify({ status: 'OK' }));
    };
    const trail = new InMemoryAuditTrail();
    const { worker: w, id, advance } = worker(rx.url, trail);
    expect(await w.tick()).toBe(0);
    advance();
    expect(await w.tick()).toBe(1);
    // This receiver honours no Idempotency-Key: it holds two copies, both under the same key,
    // and the audit record says an earlier attempt may have arrived.
    expect(rx.received.map((r) => r.idempotencyKey)).toEqual([
      rx.received[0]?.idempotencyKey,
      rx.received[0]?.idempotencyKey,
    ]);
    expect(trail.events.find((e) => e.event === 'delivered')?.detail).toEqual({
      delivery: id,
      attempts: 2,
      uncertainAttempts: 1,
    });
    for (const event of trail.events) expect(JSON.stringify(event)).not.toContain(NIK);
  });

  it('a refused connection is no uncertain attempt', async () => {
    const rx = await receiver();
    const url = rx.url;
    await rx.stop();
    receivers.splice(0);
    const trail = new InMemoryAuditTrail();
    const { outbox, worker: w, id } = worker(url, trail);
    expect(await w.tick()).toBe(0);
    expect(outbox.get(id)).toMatchObject({ attempts: 1, uncertainAttempts: 0, status: 'queued' });
  });
});
