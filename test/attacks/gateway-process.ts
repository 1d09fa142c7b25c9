/**
 * What the attack suite's evidence tests share: a real `gerbang serve` process on a demo
 * instance (real TLS, real files), started with the wall clock moved by libfaketime where the
 * clock is the weapon; the CLI run the same way; and the trail read straight from its SQLite file,
 * read-only, as someone with access to the disk would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import {
  GERBANG,
  prepareInstance,
  ROOT,
  waitForHealth,
  type PreparedInstance,
} from '../helpers/child-gateway.ts';
import { stopChild, tracked } from '../helpers/processes.ts';
import { firstExisting } from '../helpers/tools.ts';

/**
 * libfaketime, preloaded into the gateway's own process (the `faketime` wrapper would be a
 * parent that does not pass SIGTERM on).
 */
export const LIBFAKETIME = firstExisting(
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
);

const DAY_MS = 86_400_000;

/**
 * The environment of a process on the instance whose wall clock starts `aheadDays` after this
 * process's: an absolute start (`@…`, local time), so that it holds when the whole suite runs
 * under faketime too (CI runs it a year ahead; a relative offset would replace that year).
 */
export function environment(dir: string, aheadDays: number | undefined): NodeJS.ProcessEnv {
  const base = { ...process.env, GERBANG_DATA_DIR: dir };
  if (aheadDays === undefined) return base;
  if (LIBFAKETIME === undefined) throw new Error('libfaketime is needed for this test');
  const start = new Date(Date.now() + aheadDays * DAY_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  const local = `${String(start.getFullYear())}-${two(start.getMonth() + 1)}-${two(start.getDate())} ${two(start.getHours())}:${two(start.getMinutes())}:${two(start.getSeconds())}`;
  return {
    ...base,
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME: `@${local}`,
    // Only the wall clock is the weapon; the monotonic clock stays true.
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
}

/** Starts the gateway (its clock `aheadDays` ahead, when given) and waits until it answers. */
export async function startGatewayAt(
  instance: PreparedInstance,
  aheadDays?: number,
): Promise<ChildProcess> {
  const child = tracked(
    spawn(process.execPath, [GERBANG, 'serve'], {
      cwd: ROOT,
      env: environment(instance.dir, aheadDays),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  try {
    await waitForHealth(instance.url, instance.agent('officer-1'));
  } catch (error) {
    await stopChild(child, { signal: 'SIGKILL' });
    throw new Error(`${(error as Error).message}; it said: ${output}`);
  }
  return child;
}

export async function stopGateway(child: ChildProcess): Promise<void> {
  await stopChild(child, { signal: 'SIGTERM' });
}

/** A CLI command on the instance, its clock `aheadDays` ahead when given. */
export function cli(
  instance: PreparedInstance,
  args: readonly string[],
  aheadDays?: number,
): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [GERBANG, ...args], {
    cwd: ROOT,
    env: environment(instance.dir, aheadDays),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export interface StoredRecord {
  readonly seq: number;
  readonly time: string;
  readonly type: string;
  readonly event?: string;
  readonly outcome: string;
  readonly detail?: Record<string, unknown>;
}

/** The records as stored in audit.db, read-only. */
export function storedRecords(instance: PreparedInstance): StoredRecord[] {
  const db = new Database(join(instance.dir, 'audit.db'), { readonly: true, fileMustExist: true });
  try {
    return (
      db.prepare('SELECT body FROM audit_records ORDER BY seq').all() as { body: string }[]
    ).map((row) => JSON.parse(row.body) as StoredRecord);
  } finally {
    db.close();
  }
}

/** A JSON request over mutual TLS as principal `id`; resolves with the status and the body. */
export async function call(
  instance: PreparedInstance,
  id: string,
  path: string,
  options: { method?: 'GET' | 'POST'; json?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: { error?: { code?: string } } & Record<string, unknown> }> {
  const response = await request(`${instance.url}${path}`, {
    method: options.method ?? (options.json === undefined ? 'GET' : 'POST'),
    dispatcher: instance.agent(id),
    headers: {
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
  });
  const text = await response.body.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.statusCode, body };
}

/** A lookup of the canary resident by the demo's app, as a counter operator. */
export const lookup = (instance: PreparedInstance, reference = 'SURAT/2026/001') =>
  call(instance, 'app-pendaftaran', '/v1/nik/lookup', {
    json: { nik: '6474015709900001', purpose: 'pendaftaran-wp', reference },
    headers: { 'x-operator-id': 'petugas.01' },
  });

/** A demo instance whose audit retention is `days` (short, so a small clock move reaches past it). */
export const prepareWithRetention = (days: number): Promise<PreparedInstance> =>
  prepareInstance((config) => ({ ...config, audit: { ...config.audit, retentionDays: days } }));
