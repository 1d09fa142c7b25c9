import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from './authority.ts';
import { CrlError, readRevokedSerials } from './crl.ts';
import { fromPem } from './pem.ts';

let dir: string;
let authority: CertificateAuthority;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gerbang-pki-'));
  authority = await CertificateAuthority.create(join(dir, 'pki'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const read = (path: string): X509Certificate => new X509Certificate(readFileSync(path));

describe('CertificateAuthority', () => {
  it('issues an operator certificate bound to its client by a SAN URI, recorded in the index', async () => {
    const issued = await authority.issue({
      kind: 'client',
      id: 'petugas-01',
      role: 'operator',
      client: 'app-pendaftaran',
      p12: true,
    });
    const certificate = read(issued.certificatePath);
    expect(certificate.subject).toContain('OU=operator');
    expect(certificate.subject).toContain('CN=petugas-01');
    expect(certificate.subjectAltName).toBe('URI:urn:gerbang:client:app-pendaftaran');
    expect(statSync(issued.p12Path ?? '').mode & 0o777).toBe(0o600);
    expect(statSync(issued.p12PasswordPath ?? '').mode & 0o777).toBe(0o600);
    expect(authority.readIndex().issued.at(-1)).toMatchObject({
      id: 'petugas-01',
      role: 'operator',
      client: 'app-pendaftaran',
    });
    await expect(
      authority.issue({ kind: 'client', id: 'petugas-02', role: 'operator' }),
    ).rejects.toThrow(/names the client/);
    await expect(
      authority.issue({ kind: 'client', id: 'app-x', role: 'app', client: 'app-pendaftaran' }),
    ).rejects.toThrow(/names the client/);
  });

  it('creates a self-signed P-256 CA and keeps its key private', () => {
    const paths = CertificateAuthority.paths(authority.directory);
    const ca = read(paths.caCertificate);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(statSync(paths.caKey).mode & 0o777).toBe(0o600);
  });

  it('issues a server certificate with DNS and IP alternative names', async () => {
    const issued = await authority.issue({
      kind: 'server',
      id: 'gerbang',
      role: 'server',
      altNames: ['localhost', '127.0.0.1'],
    });
    const certificate = read(issued.certificatePath);
    const ca = read(CertificateAuthority.paths(authority.directory).caCertificate);
    expect(certificate.checkIssued(ca)).toBe(true);
    expect(certificate.verify(ca.publicKey)).toBe(true);
    expect(certificate.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(certificate.checkHost('localhost')).toBe('localhost');
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('issues a client certificate with the principal id as CN and the role as OU, and a PKCS#12 that Node loads', async () => {
    const issued = await authority.issue({
      kind: 'client',
      id: 'app-kasir',
      role: 'app',
      p12: true,
    });
    const certificate = read(issued.certificatePath);
    expect(certificate.subject.split('\n')).toEqual(['O=Gerbang', 'OU=app', 'CN=app-kasir']);
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(statSync(issued.keyPath).mode & 0o777).toBe(0o600);
    expect(issued.p12Path).toBeDefined();
    const password = readFileSync(issued.p12PasswordPath ?? '', 'utf8').trim();
    expect(() =>
      createSecureContext({ pfx: readFileSync(issued.p12Path ?? ''), passphrase: password }),
    ).not.toThrow();
    expect(() =>
      createSecureContext({ pfx: readFileSync(issued.p12Path ?? ''), passphrase: 'wrong' }),
    ).toThrow();
  });

  it('refuses ids that could escape the clients directory', async () => {
    await expect(authority.issue({ kind: 'client', id: '../evil', role: 'app' })).rejects.toThrow(
      RangeError,
    );
    await expect(authority.issue({ kind: 'client', id: '', role: 'app' })).rejects.toThrow(
      RangeError,
    );
  });

  it('revokes into a CRL that verifies against the CA', async () => {
    const first = await authority.issue({ kind: 'client', id: 'app-lama', role: 'app' });
    const other = await authority.issue({ kind: 'client', id: 'app-baru', role: 'app' });
    expect(await authority.revoke('app-lama')).toEqual([first.serial]);
    const crl = fromPem(
      readFileSync(CertificateAuthority.paths(authority.directory).crl, 'utf8'),
      'X509 CRL',
    );
    const revoked = await readRevokedSerials(crl, authority.certificate);
    expect(revoked.has(first.serial)).toBe(true);
    expect(revoked.has(other.serial)).toBe(false);
    expect(await authority.revoke('app-lama')).toEqual([]);
  });

  it('rejects a tampered CRL and a CRL signed by another CA', async () => {
    const crl = fromPem(
      readFileSync(CertificateAuthority.paths(authority.directory).crl, 'utf8'),
      'X509 CRL',
    );
    const tampered = new Uint8Array(crl);
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] ?? 0) ^ 0xff;
    await expect(readRevokedSerials(tampered, authority.certificate)).rejects.toThrow(CrlError);
    const otherCa = await CertificateAuthority.create(join(dir, 'other'));
    await expect(readRevokedSerials(crl, otherCa.certificate)).rejects.toThrow(/does not verify/);
    await expect(
      readRevokedSerials(new Uint8Array([1, 2, 3]), authority.certificate),
    ).rejects.toThrow(CrlError);
  });

  it('on any byte string, or any CRL with bytes changed, fails only with CrlError or reads the signed list', async () => {
    const crl = fromPem(
      readFileSync(CertificateAuthority.paths(authority.directory).crl, 'utf8'),
      'X509 CRL',
    );
    const signed = [...(await readRevokedSerials(crl, authority.certificate))].sort();
    const outcome = async (bytes: Uint8Array): Promise<string> => {
      try {
        const serials = [...(await readRevokedSerials(bytes, authority.certificate))].sort();
        return JSON.stringify(serials) === JSON.stringify(signed) ? 'signed list' : 'other list';
      } catch (error) {
        return error instanceof CrlError ? 'CrlError' : `other error: ${String(error)}`;
      }
    };
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        expect(await outcome(bytes)).toBe('CrlError');
      }),
      { numRuns: 300 },
    );
    // A changed byte either breaks the parse or the signature, or sits in an unsigned encoding
    // detail; in no case does another list of revocations come out.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(crl.length - 1), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (changes) => {
          const mutated = new Uint8Array(crl);
          for (const [at, xor] of changes) mutated[at] = (mutated[at] ?? 0) ^ xor;
          expect(['CrlError', 'signed list']).toContain(await outcome(mutated));
        },
      ),
      { numRuns: 300 },
    );
    // Cut short anywhere: never read.
    await fc.assert(
      fc.asyncProperty(fc.nat(crl.length - 1), async (length) => {
        expect(await outcome(crl.slice(0, length))).toBe('CrlError');
      }),
      { numRuns: 100 },
    );
  });

  it('refuses to overwrite an existing CA', async () => {
    await expect(CertificateAuthority.create(authority.directory)).rejects.toThrow(
      /already exists/,
    );
  });
});
