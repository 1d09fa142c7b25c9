/**
 * Reader fixtures: a SAM CA with SAMs, a KTP-el issuer, virtual cards as direct channels (no
 * pcscd) for in-process tests, and a sender that drives the in-process app as a reader.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateAuthority } from '../../certs/index.ts';
import { SyntheticPopulation } from '../../adapters/dukcapil-sim/index.ts';
import type { GatewaySender } from '../../adapters/reader-agent/agent.ts';
import { virtualKtp } from '../../adapters/vcard/ktp.ts';
import { virtualSam } from '../../adapters/vcard/sam.ts';
import type { VirtualCard } from '../../adapters/vcard/vpcd.ts';
import { fileTempDir } from './temp-dir.ts';

export interface ReaderPki {
  readonly dir: string;
  readonly samCaFile: string;
  readonly cardIssuerCertFile: string;
  readonly issuerKey: string;
  readonly sam: { readonly cert: string; readonly key: string };
  /** A SAM whose certificate comes from another CA. */
  readonly foreignSam: { readonly cert: string; readonly key: string };
  /** Another SAM of the right CA. */
  readonly otherSam: { readonly cert: string; readonly key: string };
}

let pki: Promise<ReaderPki> | undefined;
/** Made when the helper is imported, so that it is removed after the importing file's tests. */
const readersDir = fileTempDir('gerbang-readers-');

export function readerPki(): Promise<ReaderPki> {
  pki ??= (async () => {
    const dir = readersDir;
    const samCa = await CertificateAuthority.create(join(dir, 'sam-ca'), { name: 'Test SAM CA' });
    const issue = async (authority: CertificateAuthority, id: string) => {
      // Valid across every instant the tests set their clocks to (fixed dates from 2025 on),
      // and for eight years from whenever the suite runs (within its CA).
      const files = await authority.issue({
        kind: 'client',
        id,
        role: 'sam',
        basePath: join(dir, id),
        notBefore: new Date('2020-01-01T00:00:00Z'),
        notAfter: new Date(Date.now() + 3000 * 86_400_000),
      });
      return {
        cert: readFileSync(files.certificatePath, 'utf8'),
        key: readFileSync(files.keyPath, 'utf8'),
      };
    };
    const sam = await issue(samCa, 'SAM-01');
    const otherSam = await issue(samCa, 'SAM-02');
    const foreignCa = await CertificateAuthority.create(join(dir, 'foreign-ca'));
    const foreignSam = await issue(foreignCa, 'SAM-F');
    await CertificateAuthority.create(join(dir, 'issuer'), { name: 'Test KTP issuer' });
    return {
      dir,
      samCaFile: join(dir, 'sam-ca/ca.crt'),
      cardIssuerCertFile: join(dir, 'issuer/ca.crt'),
      issuerKey: readFileSync(join(dir, 'issuer/ca.key'), 'utf8'),
      sam,
      foreignSam,
      otherSam,
    };
  })();
  return pki;
}

export { samEnrolment } from '../../gateway/services/readers/card-read-verifier.ts';

export { directCards } from '../../adapters/vcard/direct.ts';

export function canaryKtp(
  issuerKey: string,
  nik = '6474015709900001',
  tamper = false,
): VirtualCard {
  const record = new SyntheticPopulation('gerbang-demo').find(nik);
  if (record === undefined) throw new Error('no such resident');
  return virtualKtp({ record, issuerKeyPem: issuerKey, tamper });
}

export function samCard(sam: { cert: string; key: string }): VirtualCard {
  return virtualSam({ keyPem: sam.key, certificatePem: sam.cert });
}

/** Drives the in-process app as `readerCn` (the certificate) for the path of `readerId`. */
export function inProcessSender(
  request: (
    cn: string | undefined,
    path: string,
    init: RequestInit & { json?: unknown; operator?: string | null },
  ) => Promise<Response> | Response,
  readerCn: string,
  readerId = readerCn,
): GatewaySender {
  return async (path, body) => {
    const response = await request(readerCn, `/v1/readers/${readerId}/${path}`, {
      method: 'POST',
      ...(body === undefined ? {} : { json: body }),
    });
    return { status: response.status, body: await response.json() };
  };
}
