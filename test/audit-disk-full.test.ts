/**
 * Fail closed on a genuinely full disk: the audit database lives on a small tmpfs, mounted in a
 * private mount namespace of the gateway process (unshare -m). Filling it makes data requests
 * fail with 503 audit_unavailable and /readyz report it; freeing space restores service without
 * a restart, and the trail still verifies. Needs root (mount); CI runs as root.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { request, type Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import {
  prepareInstance,
  GERBANG,
  ROOT,
  waitForHealth,
  type PreparedInstance,
} from './helpers/child-gateway.ts';
import { spawn } from 'node:child_process';

const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;
let instance: PreparedInstance | undefined;
afterAll(async () => {
  await instance?.simulator.close();
  if (instance) rmSync(instance.dir, { recursive: true, force: true });
});

async function lookup(url: string, agent: Agent): Promise<[number, string]> {
  const response = await request(`${url}/v1/nik/lookup`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', 'x-operator-id': 'disk.test' },
    body: JSON.stringify({
      nik: '6474015709900001',
      purpose: 'pendaftaran-wp',
      reference: 'DISK-FULL',
    }),
  });
  const body = (await response.body.json()) as { error?: { code: string } };
  return [response.statusCode, body.error?.code ?? 'ok'];
}

async function get(url: string, agent: Agent): Promise<[number, unknown]> {
  const response = await request(url, { dispatcher: agent });
  return [response.statusCode, await response.body.json()];
}

describe.skipIf(!canMount)('audit on a full disk (tmpfs)', () => {
  it('refuses data requests while the audit cannot be written, and recovers by itself', async () => {
    instance = await prepareInstance((config) => ({
      ...config,
      audit: { ...config.audit, databaseFile: 'full/audit.db' },
    }));
    const { dir, url } = instance;
    const full = join(dir, 'full');
    mkdirSync(full);
    const gateway = spawn(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        `mount -t tmpfs -o size=512k tmpfs '${full}' && exec '${process.execPath}' '${GERBANG}' serve`,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, GERBANG_DATA_DIR: dir },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const pid = String(gateway.pid);
    const inNamespace = (...command: string[]) =>
      spawnSync('nsenter', ['-t', pid, '-m', ...command], { encoding: 'utf8' });
    try {
      const app = instance.agent('app-pendaftaran');
      const officer = instance.agent('officer-1');
      await waitForHealth(url, app);
      expect(await lookup(url, app)).toEqual([200, 'ok']);

      // Fill the disk: dd stops at ENOSPC.
      inNamespace('dd', 'if=/dev/zero', `of=${full}/ballast`, 'bs=4k');
      expect(inNamespace('df', '--output=avail', full).stdout).toMatch(/\n\s*0\s*$/);
      const refused = await lookup(url, app);
      expect(refused).toEqual([503, 'audit_unavailable']);
      const [readyStatus, ready] = await get(`${url}/readyz`, officer);
      expect(readyStatus).toBe(503);
      expect(ready).toMatchObject({ ready: false, checks: { audit: 'failing' } });

      // Free the space: service resumes without a restart.
      inNamespace('rm', `${full}/ballast`);
      expect(await lookup(url, app)).toEqual([200, 'ok']);
      expect((await get(`${url}/readyz`, officer))[0]).toBe(200);
      const [, verified] = await get(`${url}/v1/audit/verify`, officer);
      expect(verified).toMatchObject({ ok: true });
      await app.close();
      await officer.close();
    } finally {
      gateway.kill('SIGTERM');
      await new Promise((resolve) => gateway.once('exit', resolve));
    }
  });
});
