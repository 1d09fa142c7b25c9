/**
 * The worker thread's verification of a real audit database, held against the store's own
 * `verify`: the same answer for an intact trail and for a tampered one, from a thread that loads
 * the TypeScript sources through bin/ts-worker.js (as `npm start` runs them), and the event loop
 * of this thread free while it runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteAuditStore } from '../../../audit/store/index.ts';
import { createTestSigner } from '../../../test/helpers/audit-signer.ts';
import type { ChainVerificationJob } from './verify-file.ts';
import { verifyAuditFile } from './verify-file.ts';
import { workerChainVerifier } from './in-worker.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-chain-worker-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function filledStore(name: string, records: number) {
  const { signer, caPem } = await createTestSigner(dir, `pki-${name}`);
  const store = new SqliteAuditStore({
    path: join(dir, `${name}.db`),
    instance: 'test',
    signer,
    checkpointEvery: 50,
  });
  await Promise.all(
    Array.from({ length: records }, (_, i) =>
      store.append({ type: 'system', event: 'seeded', outcome: 'success', detail: { i } }),
    ),
  );
  store.checkpointIfBehind();
  const job: ChainVerificationJob = {
    databasePath: store.path,
    instance: 'test',
    certificatePem: signer.certificatePem,
    previousCertificatesPem: [],
    caCertificatePem: caPem,
    headSeq: store.size,
  };
  return { store, caPem, job };
}

describe('the chain verification worker', () => {
  it('answers as the store does, for an intact trail and for one edited behind its back', async () => {
    const { store, caPem, job } = await filledStore('intact', 120);
    const verifier = workerChainVerifier(() => job);
    const expected = store.verify(caPem);
    expect(expected).toMatchObject({ ok: true, records: 120 });
    expect(await verifier.verify()).toEqual(expected);
    expect(verifyAuditFile(job)).toEqual(expected);

    // Someone with the file drops the trigger and edits a record: both see the same break.
    const admin = new Database(store.path);
    admin.exec('DROP TRIGGER audit_records_no_update');
    const row = admin.prepare('SELECT body FROM audit_records WHERE seq = 40').get() as {
      body: string;
    };
    admin
      .prepare('UPDATE audit_records SET body = ? WHERE seq = 40')
      .run(row.body.replace('"seeded"', '"edited"'));
    admin.close();
    const broken = store.verify(caPem);
    expect(broken).toMatchObject({ ok: false, firstBadSeq: 40 });
    expect(await verifier.verify()).toEqual(broken);
    await verifier.close();
    await store.close();
  });

  it('leaves the event loop free while it runs', async () => {
    const { store, job } = await filledStore('loop', 3000);
    const verifier = workerChainVerifier(() => job);
    const order: string[] = [];
    const verified = verifier.verify().then(() => order.push('verified'));
    // Timers fire while the worker verifies: a verification on this thread would hold them.
    await new Promise<void>((resolve) => setImmediate(resolve));
    order.push('event loop turned');
    await verified;
    expect(order).toEqual(['event loop turned', 'verified']);
    await verifier.close();
    await store.close();
  });

  it('refuses to start once closed, and reports a database it cannot open as a failure', async () => {
    const { job } = await filledStore('closed', 1);
    const missing = workerChainVerifier(() => ({ ...job, databasePath: join(dir, 'nope.db') }));
    await expect(missing.verify()).rejects.toThrow();
    await missing.close();
    await expect(missing.verify()).rejects.toThrow(/closing/);
  });
});
