/**
 * Attack 4: a signature made with the wrong key. Every key the gateway CA issued verifies against
 * that CA, so a verifier that asks only "issued by the CA" lets any of them stand in for another:
 * an app's client key re-signs an edited semester report (which `openssl cms -verify -purpose
 * any`, the command once documented, accepts), and the report signing key re-seals an edited audit
 * export. The defence: each signer has a profile of its own (distinct extended key usages,
 * certs/verify.ts), and each verifier accepts only its own from the pinned CA — `gerbang report
 * verify` and stock `openssl cms -verify` (its default purpose needs emailProtection, which only the
 * report signer carries) for reports, `gerbang audit verify` for audit exports.
 *
 * Against a real gateway process on a demo instance: the report comes from its HTTPS API, the
 * export and the verifications from the CLI as child processes; the forger uses stock OpenSSL and
 * the gateway's own audit code, given the wrong key.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCheckpointSigner, type AuditEvent, type AuditRecord } from '../../audit/index.ts';
import { SqliteAuditStore } from '../../audit/store/index.ts';
import { calendarDateIn } from '../../policies/index.ts';
import {
  disposeInstance,
  prepareInstance,
  type PreparedInstance,
} from '../helpers/child-gateway.ts';
import { opensslCmsVerify } from '../helpers/openssl.ts';
import { describeWithTools, onPath } from '../helpers/tools.ts';
import { call, cli, lookup, startGatewayAt, stopGateway } from './gateway-process.ts';

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
const at = (): PreparedInstance => instance as PreparedInstance;
const pki = (...path: string[]): string => join(at().dir, 'pki', ...path);
const work = (...path: string[]): string => join(at().dir, 'attack-04', ...path);

/** Keys of the same CA an attacker may hold: an app's (it runs on the agency's servers), etc. */
const SIGNERS = {
  'an app client key': {
    certificate: 'clients/app-pendaftaran.crt',
    key: 'clients/app-pendaftaran.key',
  },
  'the audit signing key': { certificate: 'audit-signing.crt', key: 'audit-signing.key' },
  'the report signing key': { certificate: 'report-signing.crt', key: 'report-signing.key' },
} as const;
type Signer = keyof typeof SIGNERS;

beforeAll(async () => {
  instance = await prepareInstance();
  mkdirSync(work(), { recursive: true });
  gateway = await startGatewayAt(at());
  for (let i = 0; i < 3; i++) expect((await lookup(at(), `SURAT/2026/04-${i}`)).status).toBe(200);
  // The semester of the lookups just made, in the agreement's zone, as an evaluator fetches it.
  const [year, month] = calendarDateIn(Date.now(), 'Asia/Makassar').split('-').map(Number);
  const half = (month ?? 1) <= 6 ? 1 : 2;
  const answer = await call(
    at(),
    'evaluator-1',
    `/v1/reports/semester?year=${String(year)}&half=${String(half)}`,
  );
  expect(answer.status).toBe(200);
  mkdirSync(work('genuine'));
  writeFileSync(
    work('genuine', 'report.json'),
    Buffer.from(answer.body['reportJson'] as string, 'base64'),
  );
  writeFileSync(
    work('genuine', 'report.p7s'),
    Buffer.from(answer.body['signatureP7s'] as string, 'base64'),
  );
  // The export is taken with the gateway stopped, as an officer hands one over.
  await stopGateway(gateway);
  gateway = undefined;
  const exported = cli(at(), ['audit', 'export', '--out', work('genuine.jsonl')]);
  expect(exported.status, exported.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await disposeInstance(instance, gateway);
});

/** The report in `dir`, signed by `signer` with stock OpenSSL (detached, DER), as a forger would. */
function resignReport(dir: string, signer: Signer): void {
  const { certificate, key } = SIGNERS[signer];
  const signed = spawnSync(
    'openssl',
    [
      'cms',
      '-sign',
      '-binary',
      '-md',
      'sha256',
      '-in',
      join(dir, 'report.json'),
      '-signer',
      pki(certificate),
      '-inkey',
      pki(key),
      '-outform',
      'DER',
      '-out',
      join(dir, 'report.p7s'),
    ],
    { encoding: 'utf8' },
  );
  expect(signed.status, signed.stderr).toBe(0);
}

const stockVerify = (dir: string) =>
  opensslCmsVerify({
    signature: join(dir, 'report.p7s'),
    content: join(dir, 'report.json'),
    caFile: pki('ca.crt'),
  });

/** The command once documented: any certificate of the CA will do. */
const verifyWithAnyPurpose = (dir: string) =>
  opensslCmsVerify(
    {
      signature: join(dir, 'report.p7s'),
      content: join(dir, 'report.json'),
      caFile: pki('ca.crt'),
    },
    ['-purpose', 'any'],
  );

/** The exported records, edited by `edit`, re-chained and re-sealed by `signer` into `out`. */
async function forgeExport(
  out: string,
  signer: Signer,
  edit: (records: AuditRecord[]) => AuditRecord[],
): Promise<void> {
  const lines = readFileSync(work('genuine.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { kind: string; instance?: string; record?: AuditRecord });
  const instanceName = lines.find((line) => line.kind === 'header')?.instance ?? 'gerbang';
  const records = edit(lines.flatMap((line) => (line.record ? [line.record] : [])));
  const { certificate, key } = SIGNERS[signer];
  const path = `${out}.db`;
  rmSync(path, { force: true });
  let time = Date.now();
  // The gateway's own store, built on the wrong key: every hash, checkpoint and the seal are right.
  const store = new SqliteAuditStore({
    path,
    instance: instanceName,
    signer: createCheckpointSigner(readFileSync(pki(key)), readFileSync(pki(certificate), 'utf8')),
    now: () => time,
  });
  try {
    for (const record of records) {
      const { seq: _seq, time: recorded, prevHash: _prev, hash: _hash, ...event } = record;
      time = Date.parse(recorded);
      await store.append(event as AuditEvent);
    }
    const text = [...store.exportLines({ sealWithFreshCheckpoint: true })]
      .map((line) => `${JSON.stringify(line)}\n`)
      .join('');
    writeFileSync(out, text, { mode: 0o600 });
  } finally {
    await store.close();
  }
}

/** Every lookup that was served, recorded as refused: the agency's use made to disappear. */
const hideLookups = (records: AuditRecord[]): AuditRecord[] =>
  records.map((record) =>
    record.type === 'lookup' && record.outcome === 'success'
      ? { ...record, outcome: 'denied' }
      : record,
  );

const offlineVerify = (file: string) => cli(at(), ['audit', 'verify', file, '--ca', pki('ca.crt')]);

describeWithTools(
  'attack 04: re-sign a real semester report with another key of the gateway CA',
  { openssl: onPath('openssl') !== undefined },
  () => {
    it('the genuine report passes gerbang report verify and stock openssl cms -verify', () => {
      const verified = cli(at(), ['report', 'verify', work('genuine')]);
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(
        /^OK: report.json is signed by gerbang-reports and unchanged/,
      );
      const stock = stockVerify(work('genuine'));
      expect(stock.stderr).toContain('Verification successful');
      expect(stock.status).toBe(0);
    });

    for (const signer of ['an app client key', 'the audit signing key'] as const)
      it(`an edited report re-signed with ${signer}: refused by both verifiers, where -purpose any took it`, () => {
        const dir = work(`resigned-${signer.replaceAll(' ', '-')}`);
        mkdirSync(dir, { recursive: true });
        const genuine = readFileSync(work('genuine', 'report.json'), 'utf8');
        const edited = genuine.replace(/"distinctResidents":(\d+)/, '"distinctResidents":0');
        expect(edited).not.toBe(genuine);
        writeFileSync(join(dir, 'report.json'), edited);
        resignReport(dir, signer);
        // The attack as it was: the old documented command accepts the forgery.
        expect(verifyWithAnyPurpose(dir).status).toBe(0);

        const verified = cli(at(), ['report', 'verify', dir]);
        expect(verified.status).not.toBe(0);
        expect(verified.stderr).toMatch(/FAILED: .* is not a report signing certificate/);
        const stock = stockVerify(dir);
        expect(stock.status).not.toBe(0);
        expect(stock.stderr).toMatch(/unsuitable certificate purpose/);
      });
  },
);

describeWithTools(
  'attack 04: re-seal an edited audit export with a key of the gateway CA that is not the audit key',
  { openssl: onPath('openssl') !== undefined },
  () => {
    it('the genuine export verifies offline', () => {
      const verified = offlineVerify(work('genuine.jsonl'));
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(/^OK: /);
    });

    it('the forgery is sound: re-sealed with the audit key itself, the edited export would verify', async () => {
      // Only the key's purpose tells the forgeries below from this one.
      await forgeExport(work('forged-by-audit-key.jsonl'), 'the audit signing key', hideLookups);
      const verified = offlineVerify(work('forged-by-audit-key.jsonl'));
      expect(verified.status, verified.stderr).toBe(0);
    });

    for (const signer of ['the report signing key', 'an app client key'] as const)
      it(`re-sealed with ${signer}: gerbang audit verify refuses it`, async () => {
        const file = work(`forged-by-${signer.replaceAll(' ', '-')}.jsonl`);
        await forgeExport(file, signer, hideLookups);
        expect(readFileSync(file, 'utf8')).toContain('"outcome":"denied"');
        const verified = offlineVerify(file);
        expect(verified.status).toBe(1);
        expect(verified.stderr).toMatch(
          /the signing certificate is not an audit signing certificate/,
        );
      });
  },
);
