/**
 * The doctor's judgement of the signing certificates' profiles, and the gateway's refusal to seal
 * its trail with a key of another purpose: on a real demo instance's certificates, and on
 * old-profile ones issued by its CA with stock OpenSSL.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslIssueCertificate } from '../../../test/helpers/openssl.ts';
import { loadConfig, type GerbangConfig } from '../../config/index.ts';
import { locateInstance } from '../../config/instance.ts';
import { openAuditStore } from '../../server/audit-store.ts';
import { ensureDemoInstance } from '../demo/instance.ts';
import { judgeSigningProfile } from './signing-profile-check.ts';

let dir: string;
const pki = (file: string) => join(dir, 'pki', file);
const certificate = (file: string) => new X509Certificate(readFileSync(pki(file)));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gerbang-profile-'));
  await ensureDemoInstance(locateInstance({ GERBANG_DATA_DIR: dir }), {
    gateway: 8443,
    simulator: 8081,
  });
  for (const [file, ou] of [
    ['old-audit', 'audit'],
    ['old-reports', 'reports'],
  ] as const)
    opensslIssueCertificate({
      caDirectory: join(dir, 'pki'),
      subject: `/O=Gerbang/OU=${ou}/CN=gerbang-${ou}`,
      extendedKeyUsage: 'codeSigning',
      base: pki(file),
    });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the doctor on signing certificates', () => {
  it('says nothing of signers of their own profile, nor of other certificates', () => {
    expect(judgeSigningProfile('audit.signingCertFile', certificate('audit-signing.crt'))).toBe(
      undefined,
    );
    expect(judgeSigningProfile('reports.signingCertFile', certificate('report-signing.crt'))).toBe(
      undefined,
    );
    expect(judgeSigningProfile('server.certFile', certificate('server.crt'))).toBe(undefined);
  });

  it('fails on a certificate of another purpose in either place, naming the rotation', () => {
    for (const [key, file] of [
      ['audit.signingCertFile', 'report-signing.crt'],
      ['audit.signingCertFile', 'clients/app-kasir.crt'],
      ['reports.signingCertFile', 'audit-signing.crt'],
      ['reports.signingCertFile', 'clients/app-kasir.crt'],
    ] as const) {
      const verdict = judgeSigningProfile(key, certificate(file));
      expect(verdict?.status, file).toBe('fail');
      expect(verdict?.detail).toMatch(/is not an? (audit|report) signing certificate/);
      expect(verdict?.detail).toContain('gerbang certs signing --purpose');
    }
  });

  it('warns on an old-profile audit signer, fails on an old-profile report signer', () => {
    expect(judgeSigningProfile('audit.signingCertFile', certificate('old-audit.crt'))).toEqual({
      status: 'warn',
      detail: expect.stringContaining('old profile (codeSigning only)') as unknown,
    });
    expect(judgeSigningProfile('reports.signingCertFile', certificate('old-reports.crt'))).toEqual({
      status: 'fail',
      detail: expect.stringContaining('with which no report is signed') as unknown,
    });
    // An old-profile certificate is judged by its OU: the old report signer is no audit signer.
    expect(
      judgeSigningProfile('audit.signingCertFile', certificate('old-reports.crt'))?.status,
    ).toBe('fail');
  });
});

describe('the audit store at start', () => {
  const configured = (signingCertFile: string, signingKeyFile: string): GerbangConfig => {
    const path = join(dir, 'gerbang.json');
    const raw = JSON.parse(readFileSync(path, 'utf8')) as GerbangConfig;
    const adjusted = join(dir, 'adjusted.json');
    writeFileSync(
      adjusted,
      JSON.stringify({ ...raw, audit: { ...raw.audit, signingCertFile, signingKeyFile } }),
    );
    return loadConfig(adjusted);
  };

  it('refuses to seal with the report signing key or an app key', () => {
    for (const base of ['pki/report-signing', 'pki/clients/app-kasir'])
      expect(() => openAuditStore(configured(`${base}.crt`, `${base}.key`), dir), base).toThrow(
        /is not an audit signing certificate/,
      );
  });

  it('opens with the audit key, and with an old-profile audit key', async () => {
    for (const base of ['pki/audit-signing', 'pki/old-audit']) {
      const store = openAuditStore(configured(`${base}.crt`, `${base}.key`), dir);
      await store.close();
    }
  });
});
