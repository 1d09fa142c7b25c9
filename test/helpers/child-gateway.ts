/**
 * A gateway as a real child process (`gerbang serve`) on a fresh demo instance, with the
 * simulator in this process: for crash, disk-full and end-to-end tests.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { startSimulator, type RunningSimulator } from '../../adapters/dukcapil-sim/index.ts';
import { resolveUpstreamProfile } from '../../adapters/dukcapil/profile.ts';
import type { GerbangConfig } from '../../gateway/config/index.ts';
import { readSecretText } from '../../gateway/config/secrets.ts';
import { clientCredentials, locateInstance } from '../../gateway/config/instance.ts';
import { ensureDemoInstance } from '../../gateway/cli/demo/instance.ts';
import { stopChild, tracked } from './processes.ts';
import { holdsWithin } from './until.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const GERBANG = join(ROOT, 'bin/gerbang.js');

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address) resolvePort(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export interface PreparedInstance {
  readonly dir: string;
  readonly port: number;
  readonly simulator: RunningSimulator;
  readonly agent: (id: string) => Agent;
  readonly url: string;
}

/** A simulator in this process with the credentials and upstream profile of the instance in `dir`. */
export function startInstanceSimulator(
  dir: string,
  config: GerbangConfig,
): Promise<RunningSimulator> {
  return startSimulator({
    port: 0,
    profile: resolveUpstreamProfile(config.upstream.profile),
    ...(config.upstream.region === undefined ? {} : { region: config.upstream.region }),
    consumer: config.upstream.consumer,
    userId: config.upstream.userId,
    password: readSecretText(join(dir, config.upstream.passwordFile)),
    allowedIps: [config.upstream.ipUser],
  });
}

/** A demo instance in a fresh directory whose upstream is a simulator in this process. */
export async function prepareInstance(
  adjust: (config: GerbangConfig) => GerbangConfig = (c) => c,
  dir = mkdtempSync(join(tmpdir(), 'gerbang-child-')),
): Promise<PreparedInstance> {
  const location = locateInstance({ GERBANG_DATA_DIR: dir });
  const port = await freePort();
  await ensureDemoInstance(location, { gateway: port, simulator: 0 });
  const raw = JSON.parse(readFileSync(location.configPath, 'utf8')) as GerbangConfig;
  const simulator = await startInstanceSimulator(dir, raw);
  writeFileSync(
    location.configPath,
    JSON.stringify(adjust({ ...raw, upstream: { ...raw.upstream, baseUrl: simulator.url } })),
  );
  const agent = (id: string): Agent =>
    new Agent({ connect: clientCredentials(location.pkiDir, id) });
  return { dir, port, simulator, agent, url: `https://127.0.0.1:${port}` };
}

export function spawnGerbang(
  args: string[],
  dataDir: string,
  options: SpawnOptions = {},
): ChildProcess {
  // Tracked: ended after the test file whatever its outcome (test/helpers/processes.ts).
  return tracked(
    spawn(process.execPath, [GERBANG, ...args], {
      cwd: ROOT,
      env: { ...process.env, GERBANG_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    }),
  );
}

export async function waitForHealth(url: string, agent: Agent, timeoutMs = 30_000): Promise<void> {
  const healthy = async (): Promise<boolean> => {
    try {
      const response = await request(`${url}/healthz`, { dispatcher: agent });
      await response.body.dump();
      return response.statusCode === 200;
    } catch {
      return false; // not up yet
    }
  };
  if (!(await holdsWithin(healthy, { timeoutMs, intervalMs: 100 })))
    throw new Error(`gateway at ${url} did not start`);
}

/** Every regular file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Canary strings (NIKs and names, in UTF-8 and UTF-16LE) found in a file. */
export function canaryTracesIn(path: string): string[] {
  const bytes = readFileSync(path);
  const canaries = [
    '6474015709900001',
    '3316010101850002',
    'SITI KENARI RAHAYU',
    'BUDI MERPATI SANTOSO',
    'MARYAM KENARI',
    'JL. KENARI NO. 7',
    '6474011203150004',
  ];
  return canaries.filter(
    (canary) =>
      bytes.includes(Buffer.from(canary, 'utf8')) || bytes.includes(Buffer.from(canary, 'utf16le')),
  );
}

/** After a suite: the gateway process killed, the simulator closed, the instance removed. */
export async function disposeInstance(
  instance: PreparedInstance | undefined,
  gateway: ChildProcess | undefined,
): Promise<void> {
  if (gateway) await stopChild(gateway, { signal: 'SIGKILL' });
  await instance?.simulator.close();
  if (instance) rmSync(instance.dir, { recursive: true, force: true });
}
