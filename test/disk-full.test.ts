/**
 * A genuinely full disk under each file the gateway writes, in turn — the audit database, the
 * state database, the return-data outbox, its log and the published CRL — while requests run. A
 * small tmpfs is mounted in a private mount namespace of the gateway process (unshare -m) and
 * filled with dd until ENOSPC. In every case the process stays alive, what depends on the full
 * file fails closed with its own code while everything else is served, it recovers by itself
 * once space is freed, and the audit chain verifies. Needs root (mount); CI runs as root
 * (test/helpers/tools.ts says what happens without). A closed log pipe needs no root and runs
 * everywhere.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { request, type Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { GerbangConfig } from '../gateway/config/index.ts';
import {
  disposeInstance,
  GERBANG,
  prepareInstance,
  ROOT,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from './helpers/child-gateway.ts';
import { tracked } from './helpers/processes.ts';
import { canUnshare, describeWithTools, isRoot } from './helpers/tools.ts';
import { eventually, until } from './helpers/until.ts';

const NEEDS = { root: isRoot(), 'a private mount namespace (unshare -m)': canUnshare('-m') };

interface Running {
  readonly instance: PreparedInstance;
  readonly gateway: ChildProcess;
  /** What the gateway wrote on stderr so far. */
  stderr(): string;
  /** Its log (stdout) so far, unless it goes to the full disk. */
  log(): string;
  readonly app: Agent;
  readonly kasir: Agent;
  readonly officer: Agent;
  readonly admin: Agent;
  /** A command run inside the gateway's mount namespace. */
  inside(...command: string[]): ReturnType<typeof spawnSync>;
  fill(): void;
  free(): void;
}

let running: Running | undefined;
afterEach(async () => {
  const current = running;
  running = undefined;
  if (current === undefined) return;
  for (const agent of [current.app, current.kasir, current.officer, current.admin])
    await agent.close();
  current.gateway.kill('SIGKILL');
  await current.instance.simulator.close();
  rmSync(current.instance.dir, { recursive: true, force: true });
});

/**
 * A gateway whose `full/` directory (and, with `pkiOnTmpfs`, its PKI) is a 1 MiB tmpfs in its
 * own mount namespace. `prepare` lays out symlinks into it before the start.
 */
async function startOnSmallDisk(options: {
  adjust?: (config: GerbangConfig) => GerbangConfig;
  prepare?: (dir: string) => void;
  logToFullDisk?: boolean;
  pkiOnTmpfs?: boolean;
  /** Fill the tmpfs before the gateway starts. */
  fillFirst?: boolean;
  /** `demo` runs its own simulator too, on any free port. */
  command?: 'serve' | 'demo';
  /** Return before the gateway answers (a start that waits for the disk). */
  dontWait?: boolean;
}): Promise<Running> {
  const instance = await prepareInstance(options.adjust);
  const { dir } = instance;
  const full = join(dir, options.pkiOnTmpfs ? 'pki' : 'full');
  mkdirSync(join(dir, 'full'), { recursive: true });
  options.prepare?.(dir);
  const mount = options.pkiOnTmpfs
    ? `cp -a '${full}' '${dir}/pki.staged' && mount -t tmpfs -o size=1m tmpfs '${full}' && cp -a '${dir}/pki.staged/.' '${full}/'`
    : `mount -t tmpfs -o size=1m tmpfs '${full}'`;
  const redirect = options.logToFullDisk ? ` >'${full}/gateway.log' 2>&1` : '';
  const ballast = options.fillFirst
    ? ` && (dd if=/dev/zero of='${full}/ballast' bs=4k 2>/dev/null || true)`
    : '';
  const gateway = tracked(
    spawn(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        `${mount}${ballast} && exec '${process.execPath}' '${GERBANG}' ${options.command ?? 'serve'}${redirect}`,
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          GERBANG_DATA_DIR: dir,
          ...(options.command === 'demo' ? { GERBANG_SIM_PORT: '0' } : {}),
        },
        stdio: [
          'ignore',
          options.logToFullDisk ? 'ignore' : 'pipe',
          options.logToFullDisk ? 'ignore' : 'pipe',
        ],
      },
    ),
  );
  let log = '';
  gateway.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  let stderr = '';
  gateway.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const pid = String(gateway.pid);
  const inside = (...command: string[]) =>
    spawnSync('nsenter', ['-t', pid, '-m', ...command], {
      encoding: 'utf8',
      env: { ...process.env, GERBANG_DATA_DIR: dir },
      cwd: ROOT,
    });
  const current: Running = {
    instance,
    gateway,
    stderr: () => stderr,
    log: () => log,
    app: instance.agent('app-pendaftaran'),
    kasir: instance.agent('app-kasir'),
    officer: instance.agent('officer-1'),
    admin: instance.agent('admin-1'),
    inside,
    fill: () => {
      // dd stops at ENOSPC.
      inside('dd', 'if=/dev/zero', `of=${full}/ballast`, 'bs=4k');
      expect(inside('df', '--output=avail', full).stdout).toMatch(/\n\s*0\s*$/);
    },
    free: () => {
      expect(inside('rm', `${full}/ballast`).status).toBe(0);
    },
  };
  running = current;
  if (!options.dontWait) await waitForHealth(instance.url, current.app);
  return current;
}

async function call(
  url: string,
  agent: Agent,
  options: { method?: 'GET' | 'POST'; json?: unknown; headers?: Record<string, string> } = {},
): Promise<[number, string, unknown]> {
  const response = await request(url, {
    method: options.method ?? (options.json === undefined ? 'GET' : 'POST'),
    dispatcher: agent,
    headers: {
      'x-operator-id': 'disk.test',
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
  });
  const text = await response.body.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Metrics are plain text.
  }
  const code = (body as { error?: { code?: string } } | undefined)?.error?.code ?? 'ok';
  return [response.statusCode, code, body];
}

const lookupAt = (url: string, agent: Agent, purpose = 'pendaftaran-wp') =>
  call(`${url}/v1/nik/lookup`, agent, {
    json: { nik: '6474015709900001', purpose, reference: 'DISK-FULL' },
  }).then(([status, code]) => [status, code]);
const lookup = (r: Running, agent = r.app, purpose = 'pendaftaran-wp') =>
  lookupAt(r.instance.url, agent, purpose);

async function expectAliveAndVerified(r: Running): Promise<void> {
  expect(r.gateway.exitCode).toBeNull();
  expect(r.gateway.signalCode).toBeNull();
  const [, , verified] = await call(`${r.instance.url}/v1/audit/verify`, r.officer);
  expect(verified).toMatchObject({ ok: true });
}

async function metric(url: string, officer: Agent, name: string): Promise<number> {
  const [, , text] = await call(`${url}/metrics`, officer);
  const line = String(text)
    .split('\n')
    .find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

describeWithTools('a full disk under each file the gateway writes (tmpfs)', NEEDS, () => {
  it('audit.db: data requests get 503 audit_unavailable, and service resumes by itself', async () => {
    const r = await startOnSmallDisk({
      adjust: (config) => ({
        ...config,
        audit: { ...config.audit, databaseFile: 'full/audit.db' },
      }),
    });
    expect(await lookup(r)).toEqual([200, 'ok']);
    r.fill();
    expect(await lookup(r)).toEqual([503, 'audit_unavailable']);
    expect(await lookup(r, r.kasir, 'pembayaran')).toEqual([503, 'audit_unavailable']);
    const [readyStatus, , ready] = await call(`${r.instance.url}/readyz`, r.officer);
    expect(readyStatus).toBe(503);
    expect(ready).toMatchObject({ ready: false, checks: { audit: 'failing' } });
    r.free();
    expect(await lookup(r)).toEqual([200, 'ok']);
    expect((await call(`${r.instance.url}/readyz`, r.officer))[0]).toBe(200);
    await expectAliveAndVerified(r);
  });

  it('audit.db full at the start: the gateway waits, says so, and comes up once space is freed', async () => {
    const r = await startOnSmallDisk({
      adjust: (config) => ({
        ...config,
        audit: { ...config.audit, databaseFile: 'full/audit.db' },
      }),
      fillFirst: true,
      dontWait: true,
    });
    await eventually(async () => Promise.resolve(r.stderr().includes('cannot start yet')), {
      what: 'the gateway to say it waits for the disk',
    });
    expect(r.stderr()).toMatch(/the gateway cannot start yet: .*disk is full.*retrying every 5 s/);
    expect(r.gateway.exitCode).toBeNull();
    await expect(lookup(r)).rejects.toThrow(/ECONNREFUSED/);
    r.free();
    await waitForHealth(r.instance.url, r.app, 20_000);
    expect(await lookup(r)).toEqual([200, 'ok']);
    await expectAliveAndVerified(r);
  }, 60_000);

  it('state.db: administrative changes get 503 state_unavailable and are not made; data flows', async () => {
    const r = await startOnSmallDisk({
      prepare: (dir) => {
        symlinkSync('full/state.db', join(dir, 'state.db'));
      },
    });
    r.fill();
    const suspend = () =>
      call(`${r.instance.url}/v1/admin/clients/app-kasir/suspend`, r.admin, {
        json: { reason: 'disk test' },
      }).then(([status, code]) => [status, code]);
    expect(await suspend()).toEqual([503, 'state_unavailable']);
    // Not made: app-kasir is served, and the trail says the change was not applied.
    expect(await lookup(r, r.kasir, 'pembayaran')).toEqual([200, 'ok']);
    expect(await lookup(r)).toEqual([200, 'ok']);
    const [, , events] = await call(
      `${r.instance.url}/v1/audit/events?type=admin&event=admin_change_not_applied`,
      r.officer,
    );
    const items = (events as { items: unknown[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      outcome: 'error',
      detail: { event: 'client_suspended', reason: 'state_unavailable' },
    });
    r.free();
    expect(await suspend()).toEqual([204, 'ok']);
    expect(await lookup(r, r.kasir, 'pembayaran')).toEqual([403, 'client_suspended']);
    await expectAliveAndVerified(r);
  });

  it('outbox.db: return data gets 503 outbox_unavailable, a queued delivery waits, and all is delivered after', async () => {
    const r = await startOnSmallDisk({
      prepare: (dir) => {
        symlinkSync('full/outbox.db', join(dir, 'outbox.db'));
      },
    });
    const submit = (npwpd: string) =>
      call(`${r.instance.url}/v1/return-data`, r.app, {
        json: { nik: '6474015709900001', npwpd, jenis_pajak: ['PBB_P2'], reference: 'DISK-FULL' },
      });
    // Queued while the disk has room, delivered upstream while it is full: the acknowledgement
    // cannot be stored, so the worker backs off instead of dying or resending in a loop.
    const [queuedStatus, , queued] = await submit('0001.07.02');
    expect(queuedStatus).toBe(202);
    r.fill();
    const [refusedStatus, refusedCode] = await submit('0001.07.03');
    expect([refusedStatus, refusedCode]).toEqual([503, 'outbox_unavailable']);
    expect(await lookup(r)).toEqual([200, 'ok']);
    // The worker has met the full outbox and paused (it logs so), rather than died.
    await until(() => r.log().includes('"event":"return_data_worker_failed"'), 30_000);
    expect(r.gateway.exitCode).toBeNull();
    r.free();
    const id = (queued as { id: string }).id;
    await eventually(
      async () =>
        ((await call(`${r.instance.url}/v1/return-data/${id}`, r.app))[2] as { status: string })
          .status === 'delivered',
      { timeoutMs: 60_000, what: 'the queued delivery to be acknowledged after space was freed' },
    );
    const [againStatus] = await submit('0001.07.03');
    expect(againStatus).toBe(202);
    await expectAliveAndVerified(r);
  }, 90_000);

  it('the log file: requests are served, failed writes are counted, and logging resumes', async () => {
    const r = await startOnSmallDisk({ logToFullDisk: true });
    const logSize = () =>
      Number(r.inside('stat', '-c', '%s', `${r.instance.dir}/full/gateway.log`).stdout);
    r.fill();
    for (let i = 0; i < 20; i++) expect(await lookup(r)).toEqual([200, 'ok']);
    const failures = await metric(r.instance.url, r.officer, 'gerbang_log_write_failures_total');
    expect(failures).toBeGreaterThan(0);
    const sizeWhileFull = logSize();
    r.free();
    for (let i = 0; i < 5; i++) expect(await lookup(r)).toEqual([200, 'ok']);
    // The lines held back while the disk was full are written now.
    expect(logSize()).toBeGreaterThan(sizeWhileFull);
    const after = await metric(r.instance.url, r.officer, 'gerbang_log_write_failures_total');
    for (let i = 0; i < 5; i++) await lookup(r);
    expect(await metric(r.instance.url, r.officer, 'gerbang_log_write_failures_total')).toBe(after);
    await expectAliveAndVerified(r);
  });

  it('a log on a disk that is full from the start: the start completes, requests are served', async () => {
    const r = await startOnSmallDisk({
      logToFullDisk: true,
      // The ballast is written before the gateway starts: its very first log line fails.
      fillFirst: true,
    });
    for (let i = 0; i < 5; i++) expect(await lookup(r)).toEqual([200, 'ok']);
    expect(
      await metric(r.instance.url, r.officer, 'gerbang_log_write_failures_total'),
    ).toBeGreaterThan(0);
    r.free();
    for (let i = 0; i < 3; i++) expect(await lookup(r)).toEqual([200, 'ok']);
    const log = r.inside('cat', `${r.instance.dir}/full/gateway.log`).stdout as string;
    expect(log).toMatch(/"event":"gateway_started"/);
    await expectAliveAndVerified(r);
  });

  it('the demo with its output on a disk that is full from the start: it starts and serves', async () => {
    const r = await startOnSmallDisk({ logToFullDisk: true, fillFirst: true, command: 'demo' });
    for (let i = 0; i < 3; i++) expect(await lookup(r)).toEqual([200, 'ok']);
    expect(
      await metric(r.instance.url, r.officer, 'gerbang_log_write_failures_total'),
    ).toBeGreaterThan(0);
    await expectAliveAndVerified(r);
  });

  it('the CRL: a revocation on a full disk fails cleanly, the old list stays in force, and a retry applies', async () => {
    const r = await startOnSmallDisk({ pkiOnTmpfs: true });
    const pki = join(r.instance.dir, 'pki');
    const crlDigest = () =>
      createHash('sha256')
        .update(r.inside('cat', `${pki}/crl.pem`).stdout as string)
        .digest('hex');
    const before = crlDigest();
    r.fill();
    const revoke = () =>
      r.inside(process.execPath, GERBANG, 'certs', 'revoke', '--id', 'app-kasir');
    const refused = revoke();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^gerbang: .*ENOSPC/m);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(crlDigest()).toBe(before);
    expect(String(r.inside('ls', pki).stdout)).not.toMatch(/\.tmp$/m);
    expect(await lookup(r, r.kasir, 'pembayaran')).toEqual([200, 'ok']);
    expect((await call(`${r.instance.url}/readyz`, r.officer))[2]).toMatchObject({
      checks: { revocationList: 'ok' },
    });
    r.free();
    expect(revoke().status).toBe(0);
    await eventually(async () => (await lookup(r, r.kasir, 'pembayaran'))[0] === 401, {
      timeoutMs: 5000,
      what: 'the revocation to apply',
    });
    await expectAliveAndVerified(r);
  });
});

/** A real `gerbang serve` whose output goes to pipes this test holds; disposed after `run`. */
async function withPipedGateway(
  stdio: ['ignore', 'pipe', 'ignore' | 'pipe'],
  run: (
    gateway: ChildProcess,
    instance: PreparedInstance,
    app: Agent,
    officer: Agent,
  ) => Promise<void>,
): Promise<void> {
  const instance = await prepareInstance();
  const gateway = spawnGerbang(['serve'], instance.dir, { stdio });
  const app = instance.agent('app-pendaftaran');
  const officer = instance.agent('officer-1');
  try {
    await waitForHealth(instance.url, app);
    await run(gateway, instance, app, officer);
    expect(gateway.exitCode).toBeNull();
  } finally {
    await app.close();
    await officer.close();
    await disposeInstance(instance, gateway);
  }
}

describe('a log pipe nobody reads', () => {
  it('keeps serving: writes that would wait are counted and kept, never waited for', async () => {
    await withPipedGateway(
      ['ignore', 'pipe', 'ignore'],
      async (gateway, instance, app, officer) => {
        // Never read: once the pipe (and Node's buffer on this side) is full, every write of the
        // gateway's answers EAGAIN.
        gateway.stdout?.pause();
        for (let i = 0; i < 1000; i++) {
          const response = await request(`${instance.url}/healthz`, {
            dispatcher: app,
            headersTimeout: 5000,
          });
          expect(response.statusCode).toBe(200);
          await response.body.dump();
        }
        expect(await lookupAt(instance.url, app)).toEqual([200, 'ok']);
        expect(
          await metric(instance.url, officer, 'gerbang_log_write_failures_total'),
        ).toBeGreaterThan(0);
      },
    );
  }, 90_000);
});

describe('a closed log pipe', () => {
  it('keeps serving and counts the failed writes', async () => {
    await withPipedGateway(['ignore', 'pipe', 'pipe'], async (gateway, instance, app, officer) => {
      // Whoever read the gateway's output went away: every write now fails with EPIPE.
      gateway.stdout?.destroy();
      gateway.stderr?.destroy();
      for (let i = 0; i < 10; i++) expect(await lookupAt(instance.url, app)).toEqual([200, 'ok']);
      expect(
        await metric(instance.url, officer, 'gerbang_log_write_failures_total'),
      ).toBeGreaterThan(0);
    });
  });
});
