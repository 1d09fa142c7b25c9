/**
 * The demo instance (API.md "Demo mode"): on first start, a data directory with a development
 * PKI for every demo principal, random secrets (mode 0600) and a configuration file that
 * references them. Later starts reuse what is there.
 */
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateRevocationList } from 'pkijs';
import {
  CertificateAuthority,
  fromPem,
  SIGNING_PURPOSES,
  signingProfileMatch,
} from '../../../certs/index.ts';
import { calendarDateIn } from '../../../policies/index.ts';
import {
  DEMO_AGREEMENT,
  DEMO_IKD,
  DEMO_IKD_KEY_ID,
  DEMO_PRINCIPALS,
  demoConfig,
} from '../../config/demo.ts';
import type { InstanceLocation } from '../../config/instance.ts';

/** The demo SAM held by reader-01, and the KTP-el issuer key the virtual cards sign with. */
export function demoReaderFiles(pkiDir: string) {
  return {
    samCertificate: join(pkiDir, 'sam-ca', 'demo-sam.crt'),
    samKey: join(pkiDir, 'sam-ca', 'demo-sam.key'),
    cardIssuerKey: join(pkiDir, 'ktp-issuer', 'ca.key'),
  };
}

/**
 * The demo's test IKD issuer (docs/ikd-profile.md): the private key, for `gerbang ikd present`
 * and tests only, and the public key the demo configuration names (`ikd.issuerKeys`).
 */
export function demoIkdIssuerFiles(pkiDir: string) {
  const dir = join(pkiDir, 'ikd-issuer');
  return {
    dir,
    keyId: DEMO_IKD_KEY_ID,
    privateKey: join(dir, `${DEMO_IKD_KEY_ID}.key`),
    publicKey: join(dir, `${DEMO_IKD_KEY_ID}.pub.pem`),
  };
}

/**
 * Makes the test IKD issuer's key pair when it is missing, also in a demo instance made before
 * it existed (whose configuration names no `ikd` until it is added or the instance recreated).
 */
export function ensureDemoIkdIssuer(pkiDir: string): void {
  const files = demoIkdIssuerFiles(pkiDir);
  if (existsSync(files.privateKey)) return;
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(files.privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  writeFileSync(files.publicKey, publicKey.export({ type: 'spki', format: 'pem' }), {
    mode: 0o644,
  });
}

/**
 * When the demo PKI can no longer serve (its CA or server certificate has expired), the day it
 * ended; undefined while it is valid. An instance older than DEMO_PKI_DAYS is replaced, not
 * renewed: its audit trail is signed under the old PKI.
 */
export function demoPkiExpiredOn(pkiDir: string, now: number): string | undefined {
  const ends = ['ca.crt', 'server.crt'].map((file) =>
    Date.parse(new X509Certificate(readFileSync(join(pkiDir, file))).validTo),
  );
  const first = Math.min(...ends);
  return now >= first ? new Date(first).toISOString().slice(0, 10) : undefined;
}

/**
 * Demo mode only: the demo CA's CRL is republished when it is due within ten days (it says when
 * the next one comes, 30 days after it was signed), so that a demo started months later passes
 * `gerbang doctor` and never sees the `crl_expiring` alert (a week before). In production the
 * offline CA publishes it (`gerbang certs crl`).
 */
export async function refreshDemoCrlIfDue(pkiDir: string, now: number): Promise<boolean> {
  const der = fromPem(readFileSync(join(pkiDir, 'crl.pem'), 'utf8'), 'X509 CRL');
  const next = CertificateRevocationList.fromBER(der).nextUpdate?.value.getTime();
  if (next !== undefined && next - now > 10 * 86_400_000) return false;
  await (await CertificateAuthority.open(pkiDir)).publishCrl();
  return true;
}

/**
 * Demo mode only: while the demo runs (for months, perhaps), its CRL is checked hourly and
 * republished ten days before it is due, so that the gateway never refuses every client because
 * the demo's CRL lapsed (it refuses a CRL past nextUpdate, certs/revocation.ts). Returns the stop.
 */
export function keepDemoCrlFresh(
  pkiDir: string,
  onError: (error: unknown) => void,
  { everyMs = 3_600_000, now = Date.now }: { everyMs?: number; now?: () => number } = {},
): () => void {
  const timer = setInterval(() => {
    refreshDemoCrlIfDue(pkiDir, now()).catch(onError);
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}

/**
 * Demo mode only: a demo instance made before key purposes were bound (certs/verify.ts) has a
 * report signing certificate of the old profile (codeSigning only), with which no report is signed
 * any more; it is reissued in place, valid as long as the CA. Report signing keeps no state (each
 * report carries its certificate, and old ones still verify). The old audit signing certificate is
 * kept: the trail it sealed goes on verifying, and doctor says to rotate it.
 */
export async function renewLegacyDemoReportSigner(pkiDir: string, now: number): Promise<boolean> {
  const path = join(pkiDir, `${SIGNING_PURPOSES.reports.file}.crt`);
  if (!existsSync(path)) return false;
  if (signingProfileMatch(new X509Certificate(readFileSync(path)), 'reports') !== 'legacy')
    return false;
  const caEnds = Date.parse(new X509Certificate(readFileSync(join(pkiDir, 'ca.crt'))).validTo);
  const validityDays = Math.floor((caEnds - now) / 86_400_000);
  if (validityDays < 1) return false; // the demo PKI has ended: demoPkiExpiredOn says so
  await (await CertificateAuthority.open(pkiDir)).issueSigning('reports', { validityDays });
  return true;
}

/** How long the demo's CAs, and with them all its certificates, are valid. */
export const DEMO_PKI_DAYS = 3650;

function writeSecretIfMissing(path: string, content: string | Uint8Array): void {
  if (!existsSync(path)) writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
}

/** The demo's clerk: an operator certificate bound to app-pendaftaran, for the portal. */
export const DEMO_OPERATOR = { id: 'petugas-01', client: 'app-pendaftaran' } as const;

/**
 * Issues the demo operator's certificate (and its PKCS#12 for the browser) when it is missing,
 * also in a demo instance made before operators existed: enrolling a clerk changes no
 * configuration, so the portal works there too.
 */
async function ensureDemoOperator(pkiDir: string): Promise<void> {
  if (existsSync(join(pkiDir, 'clients', `${DEMO_OPERATOR.id}.crt`))) return;
  await (
    await CertificateAuthority.open(pkiDir)
  ).issue({
    kind: 'client',
    id: DEMO_OPERATOR.id,
    role: 'operator',
    client: DEMO_OPERATOR.client,
    p12: true,
    validityDays: DEMO_PKI_DAYS - 1,
  });
}

/**
 * Creates whatever of the demo instance is missing. Returns true when it created the config; its
 * agreement then starts on the day of `now` in the agreement's zone.
 */
export async function ensureDemoInstance(
  location: InstanceLocation,
  ports: { gateway: number; simulator: number },
  now: number = Date.now(),
): Promise<boolean> {
  mkdirSync(location.dataDir, { recursive: true, mode: 0o700 });
  const secrets = join(location.dataDir, 'secrets');
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  writeSecretIfMissing(
    join(secrets, 'upstream-password'),
    `${randomBytes(18).toString('base64url')}\n`,
  );
  writeSecretIfMissing(join(secrets, 'audit-hmac.key'), randomBytes(32));

  if (!CertificateAuthority.exists(location.pkiDir)) {
    // A demo instance is kept for years on a laptop: its certificates live as long as its CAs
    // (production certificates default to 825 days and are rotated, docs/operations.md).
    const validityDays = DEMO_PKI_DAYS - 1;
    const ca = { validityDays: DEMO_PKI_DAYS };
    const authority = await CertificateAuthority.create(location.pkiDir, {
      name: 'Gerbang Demo CA',
      ...ca,
    });
    await authority.issueServer({ validityDays });
    await authority.issueSigning('audit', { validityDays });
    await authority.issueSigning('reports', { validityDays });
    // Stand-ins for what Dukcapil provides: a SAM CA with one SAM, and the KTP-el issuer's key.
    const samCa = await CertificateAuthority.create(join(location.pkiDir, 'sam-ca'), {
      name: 'Demo Dukcapil SAM CA',
      ...ca,
    });
    await samCa.issue({
      kind: 'client',
      id: 'SAM-DEMO-01',
      role: 'sam',
      validityDays,
      basePath: join(location.pkiDir, 'sam-ca', 'demo-sam'),
    });
    await CertificateAuthority.create(join(location.pkiDir, 'ktp-issuer'), {
      name: 'Demo KTP-el issuer',
      ...ca,
    });
    for (const { id, role } of DEMO_PRINCIPALS)
      await authority.issue({ kind: 'client', id, role, p12: true, validityDays });
  } else {
    await renewLegacyDemoReportSigner(location.pkiDir, now);
  }
  await ensureDemoOperator(location.pkiDir);
  ensureDemoIkdIssuer(location.pkiDir);
  if (existsSync(location.configPath)) return false;
  writeFileSync(
    location.configPath,
    `${JSON.stringify(
      {
        ...demoConfig(ports.gateway, ports.simulator, calendarDateIn(now, DEMO_AGREEMENT.timeZone)),
        ikd: DEMO_IKD,
      },
      null,
      2,
    )}\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return true;
}
