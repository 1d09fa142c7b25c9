/**
 * Values that once bricked the start-up (issue 17): a renewal with an invented time zone or the
 * year 9999 through the admin API, and the same values written into state.db by hand. Over real
 * TLS to a real `gerbang serve` process: the API refuses them naming the field, a hand-written
 * row is set aside with what it causes, the process stays up and restarts, and `gerbang doctor`
 * names the row. A state.db or outbox.db that cannot be opened at all, at the start or while
 * running, refuses only what needs it and is used again once mended.
 */
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, type Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import type { GerbangConfig } from '../gateway/config/index.ts';
import {
  disposeInstance,
  prepareInstance,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from './helpers/child-gateway.ts';
import { eventually } from './helpers/until.ts';

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
afterAll(() => disposeInstance(instance, gateway));

async function call(
  url: string,
  agent: Agent,
  json?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await request(url, {
    method: json === undefined ? 'GET' : 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', 'x-operator-id': 'state.test' },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  return {
    status: response.statusCode,
    body: (await response.body.json()) as Record<string, unknown>,
  };
}

async function restart(prepared: PreparedInstance): Promise<ChildProcess> {
  if (gateway !== undefined) {
    const exited = new Promise((resolve) => gateway?.once('exit', resolve));
    gateway.kill('SIGTERM');
    await exited;
  }
  const child = spawnGerbang(['serve'], prepared.dir, { stdio: ['ignore', 'pipe', 'inherit'] });
  gateway = child;
  await waitForHealth(prepared.url, prepared.agent('app-pendaftaran'));
  return child;
}

describe('stored state that could brick a start-up', () => {
  it('refuses bad admin input, sets hand-written rows aside, and keeps starting', async () => {
    instance = await prepareInstance();
    const { dir, url } = instance;
    const config = JSON.parse(readFileSync(join(dir, 'gerbang.json'), 'utf8')) as GerbangConfig;
    const current = config.agreements[0];
    if (current === undefined) throw new Error('the demo has an agreement');
    const admin = instance.agent('admin-1');
    const app = instance.agent('app-pendaftaran');
    const officer = instance.agent('officer-1');
    await restart(instance);

    for (const [change, field] of [
      [{ timeZone: 'Not/AZone' }, '/timeZone'],
      [{ validUntil: '9999-12-31' }, '/validUntil'],
    ] as const) {
      const refused = await call(`${url}/v1/admin/agreements`, admin, {
        number: 'RENEWAL-1',
        kind: 'renewal',
        follows: current.number,
        signedOn: current.validUntil,
        validFrom: current.validUntil,
        validUntil: current.validUntil,
        ...change,
      });
      expect(refused.status).toBe(400);
      const error = refused.body['error'] as { code: string; message: string };
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain(`Field ${field} `);
    }

    // The same values written by hand, as an older version or a tired operator would.
    const db = new Database(join(dir, 'state.db'));
    const insert = db.prepare(
      'INSERT INTO agreements_added (number, body, added_at) VALUES (?, ?, ?)',
    );
    for (const [number, change] of [
      ['HAND-ZONE', { timeZone: 'Not/AZone' }],
      ['HAND-9999', { validUntil: '9999-12-31' }],
    ] as const)
      insert.run(
        number,
        JSON.stringify({ ...current, number, validFrom: current.validUntil, ...change }),
        new Date().toISOString(),
      );
    db.close();

    // Within the registry's half-second refresh (readiness names the rows once it has read
    // them), and again across two restarts.
    const storedState = async () =>
      (
        (await call(`${url}/readyz`, officer)).body['checks'] as
          { storedState?: string } | undefined
      )?.storedState;
    for (let round = 0; round < 3; round++) {
      if (round > 0) await restart(instance);
      else
        await eventually(async () => (await storedState()) === 'problems', {
          timeoutMs: 1_500,
          what: 'the registry to read the hand-written rows',
        });
      const lookup = await call(`${url}/v1/nik/lookup`, app, {
        nik: '6474015709900001',
        purpose: 'pendaftaran-wp',
        reference: 'STATE-1',
      });
      expect(lookup.status).toBe(200);
      const ready = await call(`${url}/readyz`, officer);
      expect(ready).toMatchObject({ status: 200, body: { checks: { storedState: 'problems' } } });
      expect(gateway?.exitCode).toBeNull();
    }

    const doctor = spawnGerbang(['doctor'], dir);
    let output = '';
    doctor.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => doctor.once('exit', resolve));
    expect(code).toBe(1);
    const line = output.split('\n').find((l) => l.includes('stored state')) ?? '';
    expect(line).toMatch(/FAIL/);
    expect(line).toContain('state.db agreements_added "HAND-ZONE"');
    expect(line).toContain('state.db agreements_added "HAND-9999"');
    expect(line).toMatch(/timeZone must be an IANA time zone/);
    expect(line).toMatch(/validUntil must be a calendar date/);

    const events = await call(`${url}/v1/audit/events?event=stored_state_unusable`, officer);
    expect((events.body['items'] as unknown[]).length).toBeGreaterThan(0);
    const verified = await call(`${url}/v1/audit/verify`, officer);
    expect(verified.body).toMatchObject({ ok: true });
    for (const agent of [admin, app, officer]) await agent.close();
  }, 60_000);
});

describe('a state.db or outbox.db that cannot be opened or read', () => {
  it('starts anyway, refuses only what needs the file, names it, and recovers once it is mended', async () => {
    const prepared = await prepareInstance();
    const { dir, url } = prepared;
    writeFileSync(join(dir, 'state.db'), randomBytes(8192));
    writeFileSync(join(dir, 'outbox.db'), randomBytes(8192));
    const child = spawnGerbang(['serve'], dir, { stdio: ['ignore', 'pipe', 'inherit'] });
    let log = '';
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const app = prepared.agent('app-pendaftaran');
    const officer = prepared.agent('officer-1');
    try {
      await waitForHealth(url, app);
      const lookup = () =>
        call(`${url}/v1/nik/lookup`, app, {
          nik: '6474015709900001',
          purpose: 'pendaftaran-wp',
          reference: 'STATE-2',
        });
      const refused = await lookup();
      expect([refused.status, (refused.body['error'] as { code: string }).code]).toEqual([
        503,
        'state_unavailable',
      ]);
      // Everything that does not need the file is served.
      expect((await call(`${url}/v1/audit/verify`, officer)).body).toMatchObject({ ok: true });
      expect(await call(`${url}/readyz`, officer)).toMatchObject({
        status: 503,
        body: { checks: { storedState: 'unreadable', agreement: 'unknown' } },
      });
      expect(log).toContain(`${join(dir, 'state.db')} cannot be used: file is not a database`);

      // Mended (here: removed, so that a fresh one is made): served again, without a restart.
      rmSync(join(dir, 'state.db'), { force: true });
      await eventually(async () => (await lookup()).status === 200, {
        what: 'lookups once state.db is mended',
      });
      const submit = () =>
        call(`${url}/v1/return-data`, app, {
          nik: '6474015709900001',
          npwpd: '0001.07.02',
          jenis_pajak: ['PBB_P2'],
          reference: 'STATE-2',
        });
      const queued = await submit();
      expect([queued.status, (queued.body['error'] as { code: string }).code]).toEqual([
        503,
        'outbox_unavailable',
      ]);
      rmSync(join(dir, 'outbox.db'), { force: true });
      await eventually(async () => (await submit()).status === 202, {
        what: 'return data once outbox.db is mended',
      });
      expect(child.exitCode).toBeNull();
    } finally {
      await app.close();
      await officer.close();
      await disposeInstance(prepared, child);
    }
  }, 60_000);

  it('keeps running when state.db breaks under it, and recovers when it is put back', async () => {
    const prepared = await prepareInstance();
    const { dir, url } = prepared;
    const child = spawnGerbang(['serve'], dir, { stdio: ['ignore', 'ignore', 'inherit'] });
    const app = prepared.agent('app-pendaftaran');
    try {
      await waitForHealth(url, app);
      const lookup = async () =>
        (
          await call(`${url}/v1/nik/lookup`, app, {
            nik: '6474015709900001',
            purpose: 'pendaftaran-wp',
            reference: 'STATE-3',
          })
        ).status;
      expect(await lookup()).toBe(200);
      const db = new Database(join(dir, 'state.db'));
      db.exec('ALTER TABLE readers RENAME TO readers_old');
      await eventually(async () => (await lookup()) === 503, { what: 'the breakage to be seen' });
      // Alive once the breakage was seen. The timers that read state.db run hourly, not within a
      // test: that a failed run of the agreement monitor never ends the process is
      // gateway/services/agreements/agreement-monitor.test.ts's part, on fake timers.
      expect(child.exitCode).toBeNull();
      db.exec('ALTER TABLE readers_old RENAME TO readers');
      db.close();
      await eventually(async () => (await lookup()) === 200, { what: 'service once mended' });
    } finally {
      await app.close();
      await disposeInstance(prepared, child);
    }
  }, 60_000);
});
