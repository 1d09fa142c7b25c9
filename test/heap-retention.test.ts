/**
 * Process memory: after 10,000 canary lookups the gateway keeps no reference to any resident's
 * data. A heap snapshot (V8 collects garbage before taking it) of the gateway process holds none
 * of the canary's identifying strings. The simulator runs in this process, not the gateway's.
 * KEEP_SNAPSHOT=1 keeps the snapshot for inspection (its path is printed).
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import {
  prepareInstance,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from './helpers/child-gateway.ts';

let instance: PreparedInstance | undefined;
afterAll(async () => {
  await instance?.simulator.close();
  if (instance && process.env['KEEP_SNAPSHOT'] === undefined)
    rmSync(instance.dir, { recursive: true, force: true });
});

describe('process memory', () => {
  it('holds no canary string after 10,000 lookups', { timeout: 180_000 }, async () => {
    instance = await prepareInstance();
    const { dir, url } = instance;
    const gateway = spawnGerbang(['serve'], dir, {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, GERBANG_DATA_DIR: dir, NODE_OPTIONS: '--heapsnapshot-signal=SIGUSR2' },
    });
    const agent: Agent = instance.agent('app-pendaftaran');
    await waitForHealth(url, agent);
    let done = 0;
    const body = JSON.stringify({
      nik: '6474015709900001',
      purpose: 'pendaftaran-wp',
      reference: 'HEAP-1',
    });
    const worker = async (): Promise<void> => {
      while (done < 10_000) {
        done++;
        const response = await request(`${url}/v1/nik/lookup`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', 'x-operator-id': 'heap.test' },
          body,
        });
        const text = await response.body.text();
        if (response.statusCode !== 200 || !text.includes('SITI KENARI RAHAYU'))
          throw new Error(`unexpected answer ${response.statusCode}`);
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    await agent.close();
    // Let timers and sockets wind down, then ask for a snapshot.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    gateway.kill('SIGUSR2');
    let snapshot: string | undefined;
    let lastSize = -1;
    for (let i = 0; i < 300; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const name = readdirSync(dir).find((file) => file.endsWith('.heapsnapshot'));
      if (name === undefined) continue;
      const size = statSync(join(dir, name)).size;
      if (size > 0 && size === lastSize) {
        snapshot = join(dir, name);
        break;
      }
      lastSize = size;
    }
    gateway.kill('SIGTERM');
    await new Promise((resolve) => gateway.once('exit', resolve));
    expect(snapshot).toBeDefined();
    const text = readFileSync(snapshot ?? '', 'utf8');
    if (process.env['KEEP_SNAPSHOT'] === undefined) rmSync(snapshot ?? '');
    else console.log('snapshot kept at', snapshot);
    expect(text.length).toBeGreaterThan(1_000_000);
    const retained = [
      'SITI KENARI RAHAYU',
      '6474015709900001',
      '6474011203150004',
      'JL. KENARI NO. 7',
      'BONTANG BARU',
    ].filter((canary) => text.includes(canary));
    expect(retained).toEqual([]);
  });
});
