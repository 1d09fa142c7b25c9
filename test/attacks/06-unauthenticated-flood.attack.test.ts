/**
 * Attack 06 (issue 19, finding 6): anyone who can reach the port fills the audit disk. Each
 * request without a client certificate (or with one that fails authentication) got a 401 and a
 * permanent audit record of about 680 bytes, at about 535 a second from one client: a full disk
 * in a day, and a full disk is 503 for every data request.
 *
 * Here a real `gerbang serve` (real TLS, real files) takes thousands of such requests over
 * keep-alive connections — no certificate, a certificate of another CA, a revoked one, one naming
 * an unknown principal — while an app keeps looking residents up. The defence gets: every flood
 * request its coded refusal; a handful of records for the whole flood (per address, reason and
 * minute: the first at once, the rest as one record with the count), every refusal accounted for
 * in them; most of the flood answered without work; and each authenticated lookup served and
 * audited one record each, in a trail that verifies.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../certs/index.ts';
import {
  disposeInstance,
  prepareInstance,
  type PreparedInstance,
} from '../helpers/child-gateway.ts';
import {
  call,
  cli,
  lookup,
  startGatewayAt,
  stopGateway,
  storedRecords,
  type StoredRecord,
} from './gateway-process.ts';

/** Requests per kind of failed authentication. */
const FLOOD = { none: 3000, untrusted: 1000, revoked: 1000, unknownPrincipal: 500 };
const LOOKUPS = 40;

/** The audit reason of each kind, as the gateway records it. */
const REASONS = {
  none: 'client certificate none',
  untrusted: 'client certificate untrusted',
  revoked: 'certificate revocation status revoked',
  unknownPrincipal: 'unknown principal',
} as const;
type Kind = keyof typeof REASONS;

const PRE_AUTHENTICATION_EVENTS = new Set([
  'authentication_failed',
  'authentication_failed_repeated',
  'access_refused',
  'access_refused_repeated',
]);

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
const agents: Partial<Record<Kind, Agent>> = {};

beforeAll(async () => {
  instance = await prepareInstance();
  const pkiDir = join(instance.dir, 'pki');
  const ca = readFileSync(join(pkiDir, 'ca.crt'), 'utf8');
  const authority = await CertificateAuthority.open(pkiDir);
  const credentials = (files: { certificatePath: string; keyPath: string }) => ({
    cert: readFileSync(files.certificatePath, 'utf8'),
    key: readFileSync(files.keyPath, 'utf8'),
  });
  const revoked = credentials(
    await authority.issue({
      kind: 'client',
      id: 'app-kasir',
      role: 'app',
      basePath: join(instance.dir, 'revoked'),
    }),
  );
  const serial = authority.readIndex().issued.at(-1)?.serial ?? '';
  await authority.revoke('app-kasir', { serial });
  const unknown = credentials(
    await authority.issue({ kind: 'client', id: 'app-siluman', role: 'app' }),
  );
  const foreign = await CertificateAuthority.create(join(instance.dir, 'foreign-ca'));
  const untrusted = credentials(
    await foreign.issue({ kind: 'client', id: 'app-pendaftaran', role: 'app' }),
  );
  const agent = (identity: { cert?: string; key?: string }) =>
    new Agent({ connections: 8, pipelining: 1, connect: { ca, ...identity } });
  agents.none = agent({});
  agents.untrusted = agent(untrusted);
  agents.revoked = agent(revoked);
  agents.unknownPrincipal = agent(unknown);
  gateway = await startGatewayAt(instance);
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(agents).map((agent) => agent.close()));
  await disposeInstance(instance, gateway);
});

/** `count` requests of one kind, `parallel` at a time; the distinct answers (status, code, message). */
async function flood(kind: Kind, count: number, parallel = 16): Promise<Map<string, number>> {
  const at = instance as PreparedInstance;
  const dispatcher = agents[kind];
  if (dispatcher === undefined) throw new Error(`no agent for ${kind}`);
  const answers = new Map<string, number>();
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < count) {
      sent++;
      const response = await request(`${at.url}/v1/nik/lookup`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json', 'x-operator-id': 'flood' },
        body: '{}',
      });
      const body = (await response.body.json()) as { error?: { code: string; message: string } };
      const key = `${response.statusCode.toString()} ${body.error?.code ?? ''}: ${body.error?.message ?? ''}`;
      answers.set(key, (answers.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return answers;
}

const preAuthenticationRecords = (records: readonly StoredRecord[]) =>
  records.filter((r) => r.type === 'security' && PRE_AUTHENTICATION_EVENTS.has(r.event ?? ''));

/** Refusals a set of records accounts for: one per first record, `count` per coalesced one. */
const accounted = (records: readonly StoredRecord[], reason: string) =>
  records
    .filter((r) => r.detail?.['reason'] === reason)
    .reduce((sum, r) => sum + (typeof r.detail?.['count'] === 'number' ? r.detail['count'] : 1), 0);

describe('attack 06: flood the port with requests that fail authentication', () => {
  it(
    'refuses each with its code, records a handful with counts, and keeps serving and auditing apps',
    { timeout: 60_000 },
    async () => {
      const at = instance as PreparedInstance;
      const before = storedRecords(at).length;

      // The flood, and an app's lookups in the middle of it.
      const lookups = Array.from({ length: LOOKUPS }, (_, i) => i);
      const [none, untrusted, revoked, unknownPrincipal, served] = await Promise.all([
        flood('none', FLOOD.none),
        flood('untrusted', FLOOD.untrusted),
        flood('revoked', FLOOD.revoked),
        flood('unknownPrincipal', FLOOD.unknownPrincipal),
        (async () => {
          const answers = [];
          for (const i of lookups) answers.push(await lookup(at, `SURAT/2026/F${i.toString()}`));
          return answers;
        })(),
      ]);

      // Every flood request got its coded refusal, the same one however busy the gateway was.
      expect(Object.fromEntries(none)).toEqual({
        '401 unauthenticated: No client certificate was presented.': FLOOD.none,
      });
      expect(Object.fromEntries(untrusted)).toEqual({
        "401 unauthenticated: The client certificate is not issued by the gateway's client CA.":
          FLOOD.untrusted,
      });
      expect(Object.fromEntries(revoked)).toEqual({
        '401 unauthenticated: The client certificate has been revoked.': FLOOD.revoked,
      });
      expect([...unknownPrincipal.keys()]).toEqual([expect.stringMatching(/^403 forbidden: /)]);

      // Most of it was answered before any per-request work: no log line, no CRL check, no record.
      const metrics = await request(`${at.url}/metrics`, { dispatcher: at.agent('officer-1') });
      const text = await metrics.body.text();
      const metric = (name: string) =>
        Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
      const total = FLOOD.none + FLOOD.untrusted + FLOOD.revoked + FLOOD.unknownPrincipal;
      expect(metric('gerbang_unauthenticated_refusals_total')).toBe(total);
      expect(metric('gerbang_unauthenticated_throttled_total')).toBeGreaterThan(total * 0.9);

      // The apps were served meanwhile, each lookup answered and audited under its request id.
      expect(served.map((answer) => answer.status)).toEqual(lookups.map(() => 200));
      await stopGateway(gateway as ChildProcess);
      gateway = undefined;
      const records = storedRecords(at);
      const lookupRecords = records.filter((r) => r.type === 'lookup');
      const audited = new Map(
        lookupRecords.map((r) => [(r as unknown as { requestId: string }).requestId, r]),
      );
      expect(lookupRecords).toHaveLength(LOOKUPS);
      for (const answer of served)
        expect(audited.get(String(answer.body['requestId']))).toBeDefined();

      // The flood left a handful of records (the gateway's stop wrote the last minute's counts),
      // and every refusal is accounted for in them, from the attacker's address.
      const flooded = preAuthenticationRecords(records.slice(before));
      expect(flooded.length).toBeLessThanOrEqual(4 * 2 * 2); // 4 reasons, 2 records a minute, ≤ 2 minutes
      for (const [kind, reason] of Object.entries(REASONS))
        expect(accounted(flooded, reason), kind).toBe(FLOOD[kind as Kind]);
      const counted = flooded.find(
        (r) =>
          r.event === 'authentication_failed_repeated' && r.detail?.['reason'] === REASONS.none,
      );
      expect(counted?.detail).toMatchObject({ windowSeconds: 60 });
      expect(counted?.detail?.['count']).toBeGreaterThan(FLOOD.none / 2);
      expect((counted as unknown as { sourceAddress?: string }).sourceAddress).toBe('127.0.0.1');

      // Growth of the whole trail: the lookups, the flood's few records, start and stop.
      expect(records.length - before).toBeLessThan(LOOKUPS + flooded.length + 20);
      expect(cli(at, ['audit', 'verify']).status).toBe(0);
    },
  );

  it('still refuses the flood after the gateway restarts, with the apps served', async () => {
    const at = instance as PreparedInstance;
    gateway ??= await startGatewayAt(at);
    expect(
      (await flood('none', 50)).get('401 unauthenticated: No client certificate was presented.'),
    ).toBe(50);
    expect((await call(at, 'app-pendaftaran', '/healthz')).status).toBe(200);
  });
});
