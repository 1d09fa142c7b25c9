/**
 * A real instance for socket-level tests: a temporary data directory made by the demo builder
 * (real PKI, real secret files), the simulator and the gateway on ephemeral ports, and mTLS
 * clients holding real certificates, including deliberately bad ones.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { pino } from 'pino';
import type { RunningSimulator } from '../../adapters/dukcapil-sim/index.ts';
import { startInstanceSimulator } from './child-gateway.ts';
import { CertificateAuthority } from '../../certs/index.ts';
import { loadConfig, type GerbangConfig } from '../../gateway/config/index.ts';
import { locateInstance } from '../../gateway/config/instance.ts';
import { ensureDemoInstance } from '../../gateway/cli/demo/instance.ts';
import { startGateway, type RunningGateway } from '../../gateway/server/start.ts';

export interface ClientIdentity {
  readonly cert?: string;
  readonly key?: string;
}

export interface TestInstance {
  readonly dir: string;
  readonly config: GerbangConfig;
  readonly gateway: RunningGateway;
  readonly simulator: RunningSimulator;
  readonly authority: CertificateAuthority;
  readonly caPem: string;
  /** The files of a demo principal or of a certificate issued by `issue`. */
  identity(id: string): ClientIdentity;
  issue(options: Parameters<CertificateAuthority['issue']>[0]): Promise<ClientIdentity>;
  /** An undici agent presenting `identity` (kept so that keep-alive connections can be tested). */
  agent(identity: ClientIdentity): Agent;
  call(
    identity: ClientIdentity | Agent,
    path: string,
    options?: {
      method?: 'GET' | 'POST';
      json?: unknown;
      body?: string | Readable;
      headers?: Record<string, string>;
    },
  ): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    json: () => unknown;
    text: string;
  }>;
  simulatorConfig(settings: Record<string, number | string>): Promise<void>;
  close(): Promise<void>;
}

export async function startTestInstance(
  adjust: (config: GerbangConfig) => GerbangConfig = (c) => c,
): Promise<TestInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'gerbang-it-'));
  const location = locateInstance({ GERBANG_DATA_DIR: dir });
  await ensureDemoInstance(location, { gateway: 0, simulator: 0 });
  // Adjust the file as written (paths stay relative) and load it through the real loader.
  const raw = JSON.parse(readFileSync(location.configPath, 'utf8')) as GerbangConfig;
  const simulator = await startInstanceSimulator(dir, raw);
  const adjusted = adjust({
    ...raw,
    server: { ...raw.server, port: 0 },
    upstream: { ...raw.upstream, baseUrl: simulator.url },
  });
  writeFileSync(location.configPath, JSON.stringify(adjusted));
  const config = loadConfig(location.configPath);
  const gateway = await startGateway(config, { logger: pino({ level: 'silent' }), dataDir: dir });
  const authority = await CertificateAuthority.open(location.pkiDir);
  const caPem = readFileSync(join(location.pkiDir, 'ca.crt'), 'utf8');
  const agents: Agent[] = [];

  const identity = (id: string): ClientIdentity => ({
    cert: readFileSync(join(location.pkiDir, 'clients', `${id}.crt`), 'utf8'),
    key: readFileSync(join(location.pkiDir, 'clients', `${id}.key`), 'utf8'),
  });
  const agent = (who: ClientIdentity): Agent => {
    const created = new Agent({
      connect: {
        ca: caPem,
        ...(who.cert ? { cert: who.cert, key: who.key } : {}),
        rejectUnauthorized: true,
      },
    });
    agents.push(created);
    return created;
  };

  return {
    dir,
    config,
    gateway,
    simulator,
    authority,
    caPem,
    identity,
    agent,
    async issue(options) {
      const files = await authority.issue(options);
      return {
        cert: readFileSync(files.certificatePath, 'utf8'),
        key: readFileSync(files.keyPath, 'utf8'),
      };
    },
    async call(who, path, options = {}) {
      const dispatcher = who instanceof Agent ? who : agent(who);
      const headers: Record<string, string> = { ...options.headers };
      let body = options.body;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['content-type'] ??= 'application/json';
      }
      const response = await request(`${gateway.url}${path}`, {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body: body ?? null,
        dispatcher,
      });
      const text = await response.body.text();
      return {
        status: response.statusCode,
        headers: response.headers,
        json: () => JSON.parse(text) as unknown,
        text,
      };
    },
    async simulatorConfig(settings) {
      const response = await request(`${simulator.url}/__sim/config`, {
        method: 'POST',
        body: JSON.stringify(settings),
        headers: { 'content-type': 'application/json' },
      });
      if (response.statusCode !== 200)
        throw new Error(`simulator refused settings: ${await response.body.text()}`);
      await response.body.dump();
    },
    async close() {
      await Promise.all(agents.map((a) => a.destroy()));
      await gateway.close();
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const LOOKUP_HEADERS = { 'x-operator-id': 'petugas.01' } as const;
export const canaryLookup = (overrides: Record<string, unknown> = {}) => ({
  nik: '6474015709900001',
  purpose: 'pendaftaran-wp',
  reference: 'SURAT/2026/001',
  ...overrides,
});
