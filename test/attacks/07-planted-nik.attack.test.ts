/**
 * Attack 07 (issue 19): planting a NIK in the audit trail and the logs through client text —
 * `X-Request-Id` (no certificate needed), `X-Operator-Id`, `reference`, `Idempotency-Key`, an
 * administrator's reason and note — with the canary residents' NIKs and KK numbers, plain and
 * split by every separator. The trail cannot be cleaned: one planted NIK would fail
 * `gerbang retention scan` for good. Against a real gateway process over real TLS, then every file
 * it wrote (data directory and its log) is searched for each canary number with every separator
 * taken out, and the retention scan must pass.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY_RESIDENTS } from '../../adapters/dukcapil-sim/canaries.ts';
import {
  disposeInstance,
  filesUnder,
  GERBANG,
  prepareInstance,
  ROOT,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from '../helpers/child-gateway.ts';
import { stopChild } from '../helpers/processes.ts';

/** The canary numbers: each resident's NIK and KK number. */
const CANARY_NUMBERS = Object.values(CANARY_RESIDENTS).flatMap((resident) =>
  [resident['NIK'], resident['NO_KK']].filter(
    (value): value is string => typeof value === 'string',
  ),
);
const SEPARATORS = ['', '-', '@', '.', ' ', '_', '/', ':', '#', '--', ' - '];
/** A number written in groups of four joined by `separator` (`6474-0157-0990-0001`). */
const written = (number: string, separator: string) =>
  (number.match(/.{1,4}/g) ?? []).join(separator);
const PLANTS = CANARY_NUMBERS.flatMap((number) => SEPARATORS.map((s) => written(number, s)));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
const logs = mkdtempSync(join(tmpdir(), 'gerbang-attack07-logs-'));
const agents = new Map<string, Agent>();
const as = (id: string) => {
  const agent = agents.get(id) ?? instance?.agent(id);
  if (!agent) throw new Error('no instance');
  agents.set(id, agent);
  return agent;
};

async function call(
  id: string | Agent,
  path: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; json?: unknown } = {},
) {
  const response = await request(`${instance?.url ?? ''}${path}`, {
    method: options.method ?? 'GET',
    dispatcher: typeof id === 'string' ? as(id) : id,
    headers: {
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text };
}

const lookup = (reference: string, operator = 'petugas.07') =>
  call('app-pendaftaran', '/v1/nik/lookup', {
    method: 'POST',
    headers: { 'x-operator-id': operator },
    json: { nik: '6474015709900001', purpose: 'pendaftaran-wp', reference },
  });

beforeAll(async () => {
  instance = await prepareInstance();
  gateway = spawnGerbang(['serve'], instance.dir);
  const log = createWriteStream(join(logs, 'gerbang.log'));
  gateway.stdout?.pipe(log);
  gateway.stderr?.pipe(log);
  await waitForHealth(instance.url, as('officer-1'));
}, 60_000);

afterAll(async () => {
  for (const agent of agents.values()) await agent.close();
  await disposeInstance(instance, gateway);
  rmSync(logs, { recursive: true, force: true });
});

describe('attack 07: a client plants a canary NIK in text the gateway stores or logs', () => {
  it('a planted X-Request-Id is not used, not echoed, and the answer says it was refused', async () => {
    // Without a certificate, as in the finding, and with one.
    const anonymous = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      for (const plant of PLANTS) {
        for (const agent of [anonymous, as('app-pendaftaran')]) {
          const { headers, text } = await call(agent, '/healthz', {
            headers: { 'x-request-id': plant },
          });
          expect(String(headers['x-request-id'])).toMatch(UUID);
          expect(['malformed', 'nik_like_run']).toContain(headers['x-request-id-refused']);
          expect(text).not.toContain(plant);
        }
      }
    } finally {
      await anonymous.close();
    }
    // A data request too: its record is under the gateway's id.
    const { status, headers } = await call('app-pendaftaran', '/v1/nik/lookup', {
      method: 'POST',
      headers: { 'x-operator-id': 'petugas.07', 'x-request-id': '6474@0157@0990@0001' },
      json: { nik: '6474015709900001', purpose: 'pendaftaran-wp', reference: 'SPT-2026-000123' },
    });
    expect(status).toBe(200);
    expect(String(headers['x-request-id'])).toMatch(UUID);
  });

  it('an operator id or a reference carrying one gets 400 invalid_request, and no lookup', async () => {
    for (const plant of PLANTS) {
      const operator = await lookup('SPT-2026-000123', plant);
      expect([plant, operator.status]).toEqual([plant, 400]);
      expect(operator.text).toContain('invalid_request');
      expect(operator.text).not.toContain(plant);
      const reference = await lookup(`SPT/${plant}`);
      expect([plant, reference.status]).toEqual([plant, 400]);
      expect(reference.text).toContain('invalid_request');
    }
    // A name as it is written is not an identifier either.
    expect((await lookup('SITI KENARI RAHAYU')).status).toBe(400);
  });

  it('an idempotency key carrying one gets 400 invalid_request, and nothing is queued', async () => {
    for (const plant of PLANTS) {
      const { status } = await call('app-pendaftaran', '/v1/return-data', {
        method: 'POST',
        headers: { 'x-operator-id': 'petugas.07', 'idempotency-key': plant },
        json: {
          nik: '6474015709900001',
          npwpd: '0001.07.02',
          jenis_pajak: ['PBB_P2'],
          reference: 'SPT-2026-000123',
        },
      });
      expect([plant, status]).toEqual([plant, 400]);
    }
  });

  it("an administrator's reason or note carrying one gets 400 invalid_request, and changes nothing", async () => {
    for (const plant of PLANTS) {
      const suspend = await call('admin-1', '/v1/admin/clients/app-kasir/suspend', {
        method: 'POST',
        json: { reason: `permintaan ${plant}` },
      });
      expect([plant, suspend.status]).toEqual([plant, 400]);
      const terminate = await call('admin-1', '/v1/admin/agreements/terminate', {
        method: 'POST',
        json: { number: '400.12/2027', reason: 'mutual', note: `lihat ${plant}` },
      });
      expect([plant, terminate.status]).toEqual([plant, 400]);
    }
    const clients = await call('admin-1', '/v1/admin/clients');
    expect(clients.text).not.toMatch(/"suspended":\s*true/);
  });

  it(
    'leaves no canary number in any file the gateway wrote, and `gerbang retention scan` passes',
    { timeout: 120_000 },
    async () => {
      if (gateway) await stopChild(gateway, { signal: 'SIGTERM', graceMs: 15_000 });
      const dir = instance?.dir ?? '';
      const files = [...filesUnder(dir), ...filesUnder(logs)];
      expect(files.some((file) => file.endsWith('audit.db'))).toBe(true);
      const found: string[] = [];
      for (const file of files) {
        // Every separator taken out (UTF-16's zero bytes too): what a reader of the bytes sees.
        const digits = readFileSync(file)
          .toString('latin1')
          .replace(/[^A-Za-z0-9]/g, '');
        for (const number of CANARY_NUMBERS) if (digits.includes(number)) found.push(file);
      }
      expect(found).toEqual([]);
      // The log holds the refusals, without what was refused.
      expect(readFileSync(join(logs, 'gerbang.log'), 'utf8')).toContain('request_id_refused');

      const scan = spawnSync(process.execPath, [GERBANG, 'retention', 'scan', '--logs', logs], {
        cwd: ROOT,
        env: { ...process.env, GERBANG_DATA_DIR: dir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(scan.stderr).toBe('');
      expect(scan.stdout).toMatch(/nothing of a resident found/);
      expect(scan.status).toBe(0);
    },
  );
});
