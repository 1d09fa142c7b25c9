/**
 * Crash consistency: a real `gerbang serve` process under concurrent lookups is killed with
 * SIGKILL. Afterwards the trail verifies, every answered request has its record, and no file the
 * gateway wrote holds a canary resident's NIK or name.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import {
  canaryTracesIn,
  filesUnder,
  GERBANG,
  prepareInstance,
  ROOT,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from './helpers/child-gateway.ts';

let instance: PreparedInstance | undefined;
afterAll(async () => {
  await instance?.simulator.close();
  if (instance) rmSync(instance.dir, { recursive: true, force: true });
});

describe('SIGKILL under load', () => {
  it('leaves a chain that verifies and loses no answered request', async () => {
    instance = await prepareInstance();
    const { dir, url } = instance;
    const gateway = spawnGerbang(['serve'], dir);
    const exited = new Promise<void>((resolve) =>
      gateway.once('exit', () => {
        resolve();
      }),
    );
    const agent = instance.agent('app-pendaftaran');
    await waitForHealth(url, agent);

    const answered: string[] = [];
    let stop = false;
    const worker = async (id: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const requestId = `w${id}-${i}`;
        try {
          const response = await request(`${url}/v1/nik/lookup`, {
            method: 'POST',
            dispatcher: agent,
            headers: {
              'content-type': 'application/json',
              'x-operator-id': 'crash.test',
              'x-request-id': requestId,
            },
            body: JSON.stringify({
              nik: i % 2 ? '6474015709900001' : '3316010101850002',
              purpose: 'pendaftaran-wp',
              reference: `CRASH-${id}`,
            }),
          });
          const text = await response.body.text();
          if (response.statusCode === 200 && text.includes('"data"')) answered.push(requestId);
        } catch {
          return; // the gateway is gone
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, id) => worker(id));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    gateway.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await exited;
    await agent.close();
    expect(answered.length).toBeGreaterThan(50);

    // The trail verifies after the crash.
    const verify = spawnSync(process.execPath, [GERBANG, 'audit', 'verify'], {
      cwd: ROOT,
      env: { ...process.env, GERBANG_DATA_DIR: dir },
      encoding: 'utf8',
    });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/^OK: the audit trail verifies/);

    // Every request that got data has its record.
    const db = new Database(join(dir, 'audit.db'), { readonly: true });
    const recorded = new Set(
      (
        db
          .prepare(
            "SELECT request_id AS id FROM audit_records WHERE type = 'lookup' AND outcome = 'success'",
          )
          .all() as { id: string }[]
      ).map((r) => r.id),
    );
    db.close();
    expect(answered.filter((id) => !recorded.has(id))).toEqual([]);

    // Nothing of a resident in any file the gateway wrote (database, WAL, logs, exports).
    const traces = filesUnder(dir).flatMap((file) =>
      canaryTracesIn(file).map((canary) => `${file}: ${canary}`),
    );
    expect(traces).toEqual([]);
  });
});
