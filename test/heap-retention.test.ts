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
import { stopChild } from './helpers/processes.ts';
import { holdsWithin, until } from './helpers/until.ts';

/** Connections the process listening on `port` still holds open (from /proc/net/tcp{,6}). */
function openConnectionsOn(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      // 01 ESTABLISHED, 08 CLOSE_WAIT: the gateway's side of a connection it has not closed.
      if (local?.endsWith(`:${hexPort}`) && (state === '01' || state === '08')) count++;
    }
  }
  return count;
}

let instance: PreparedInstance | undefined;
afterAll(async () => {
  await instance?.simulator.close();
  if (instance && process.env['KEEP_SNAPSHOT'] === undefined)
    rmSync(instance.dir, { recursive: true, force: true });
});

describe('process memory', () => {
  it('holds no canary string after 10,000 lookups', { timeout: 180_000 }, async () => {
    instance = await prepareInstance();
    const { dir, url, port } = instance;
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
    let snapshot: string | undefined;
    try {
      await Promise.all(Array.from({ length: 20 }, worker));
      await agent.close();
      // Once the gateway has closed its side of every connection, ask for a snapshot.
      await until(() => openConnectionsOn(port) === 0, 15_000);
      gateway.kill('SIGUSR2');
      // Written when its size holds between two looks 200 ms apart.
      let lastSize = -1;
      await holdsWithin(
        () => {
          const name = readdirSync(dir).find((file) => file.endsWith('.heapsnapshot'));
          if (name === undefined) return false;
          const size = statSync(join(dir, name)).size;
          const written = size > 0 && size === lastSize;
          lastSize = size;
          if (written) snapshot = join(dir, name);
          return written;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    } finally {
      await stopChild(gateway);
    }
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
