/**
 * Beside attack 4: an instance made before keys were bound to purposes, whose audit and report
 * signing certificates have the old profile (codeSigning only, the purpose only in the OU). Its
 * gateway still starts and its trail still verifies; doctor says to rotate both; no report is
 * signed with the old key (stock OpenSSL would refuse it); after the documented rotation
 * (docs/operations.md) the trail sealed by both keys verifies, live and offline, and the new
 * report passes stock `openssl cms -verify`. A real gateway process and the CLI as children.
 */
import { type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  disposeInstance,
  prepareInstance,
  type PreparedInstance,
} from '../helpers/child-gateway.ts';
import { opensslCmsVerify, opensslIssueCertificate } from '../helpers/openssl.ts';
import { describeWithTools, onPath } from '../helpers/tools.ts';
import { cli, lookup, startGatewayAt, stopGateway } from './gateway-process.ts';

let instance: PreparedInstance | undefined;
let gateway: ChildProcess | undefined;
const at = (): PreparedInstance => instance as PreparedInstance;
const pki = (...path: string[]): string => join(at().dir, 'pki', ...path);

beforeAll(async () => {
  instance = await prepareInstance();
  // What the CA issued before: codeSigning alone, the purpose in the OU, in the same files.
  for (const [file, ou, cn] of [
    ['audit-signing', 'audit', 'gerbang-audit'],
    ['report-signing', 'reports', 'gerbang-reports'],
  ] as const)
    opensslIssueCertificate({
      caDirectory: pki(),
      subject: `/O=Gerbang/OU=${ou}/CN=${cn}`,
      extendedKeyUsage: 'codeSigning',
      base: pki(file),
    });
}, 60_000);
afterAll(async () => {
  await disposeInstance(instance, gateway);
});

/** The gateway started, `count` lookups served, the gateway stopped. */
async function serve(count: number, tag: string): Promise<void> {
  gateway = await startGatewayAt(at());
  for (let i = 0; i < count; i++)
    expect((await lookup(at(), `SURAT/2026/${tag}-${String(i)}`)).status).toBe(200);
  await stopGateway(gateway);
  gateway = undefined;
}

const certificatesLine = (): string =>
  cli(at(), ['doctor'])
    .stdout.split('\n')
    .find((line) => line.includes('certificates')) ?? '';

describeWithTools(
  'signing profiles on an instance made before them: rotate, and everything verifies',
  { openssl: onPath('openssl') !== undefined },
  () => {
    it(
      'old-profile keys: the gateway serves and its trail verifies; doctor says to rotate; no report is signed',
      { timeout: 120_000 },
      async () => {
        await serve(3, 'old');
        const verified = cli(at(), ['audit', 'verify']);
        expect(verified.status, verified.stderr).toBe(0);
        const doctor = certificatesLine();
        expect(doctor).toMatch(/WARN|FAIL/);
        expect(doctor).toContain(
          'audit.signingCertFile has the old profile (codeSigning only): gerbang certs signing --purpose audit',
        );
        expect(doctor).toContain(
          'reports.signingCertFile has the old profile (codeSigning only), with which no report is signed',
        );
        const report = cli(at(), ['report', 'status', '--out', join(at().dir, 'report-old')]);
        expect(report.status).not.toBe(0);
        expect(report.stderr).toMatch(/has the old profile \(codeSigning only\)/);
      },
    );

    it(
      'after the documented rotation: both keys sealed the trail, it verifies live and offline, the report with stock OpenSSL',
      { timeout: 120_000 },
      async () => {
        for (const purpose of ['audit', 'reports'] as const) {
          const file = purpose === 'audit' ? 'audit-signing-2' : 'report-signing-2';
          const issued = cli(at(), ['certs', 'signing', '--purpose', purpose, '--out', pki(file)]);
          expect(issued.status, issued.stderr).toBe(0);
        }
        const configPath = join(at().dir, 'gerbang.json');
        const config = JSON.parse(readFileSync(configPath, 'utf8')) as {
          audit: Record<string, unknown>;
          reports: Record<string, unknown>;
        };
        writeFileSync(
          configPath,
          JSON.stringify({
            ...config,
            audit: {
              ...config.audit,
              signingKeyFile: 'pki/audit-signing-2.key',
              signingCertFile: 'pki/audit-signing-2.crt',
              previousSigningCertFiles: [config.audit['signingCertFile']],
            },
            reports: {
              signingKeyFile: 'pki/report-signing-2.key',
              signingCertFile: 'pki/report-signing-2.crt',
            },
          }),
        );
        expect(certificatesLine()).not.toContain('old profile');
        await serve(2, 'new');

        const live = cli(at(), ['audit', 'verify']);
        expect(live.status, live.stderr).toBe(0);
        const file = join(at().dir, 'rotated.jsonl');
        expect(cli(at(), ['audit', 'export', '--out', file]).status).toBe(0);
        const exported = readFileSync(file, 'utf8');
        // Checkpoints by both keys: the old certificate travels in the header.
        expect(exported).toContain('"previousCertificates"');
        const offline = cli(at(), ['audit', 'verify', file, '--ca', pki('ca.crt')]);
        expect(offline.status, offline.stderr).toBe(0);

        const out = join(at().dir, 'report-new');
        expect(cli(at(), ['report', 'status', '--out', out]).status).toBe(0);
        const stock = opensslCmsVerify({
          signature: join(out, 'report.p7s'),
          content: join(out, 'report.json'),
          caFile: pki('ca.crt'),
        });
        expect(stock.status, stock.stderr).toBe(0);
        expect(cli(at(), ['report', 'verify', out]).stdout).toMatch(/^OK: /);
      },
    );
  },
);
