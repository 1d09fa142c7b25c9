/**
 * The demo instance (API.md "Demo mode"): on first start, a data directory with a development
 * PKI for every demo principal, random secrets (mode 0600) and a configuration file that
 * references them. Later starts reuse what is there.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateRevocationList } from 'pkijs';
import { CertificateAuthority, fromPem } from '../../../certs/index.ts';
import {
  addDays,
  addYears,
  calendarDateIn,
  ELEMENTS,
  LATEST_DATE,
} from '../../../policies/index.ts';
import type { GerbangConfig, Role } from '../../config/index.ts';
import type { InstanceLocation } from '../../config/instance.ts';

export const DEMO_PRINCIPALS: readonly { id: string; role: Role }[] = [
  { id: 'app-pendaftaran', role: 'app' },
  { id: 'app-kasir', role: 'app' },
  { id: 'officer-1', role: 'officer' },
  { id: 'evaluator-1', role: 'evaluator' },
  { id: 'admin-1', role: 'admin' },
  { id: 'reader-01', role: 'reader' },
];

/** The demo SAM held by reader-01, and the KTP-el issuer key the virtual cards sign with. */
export function demoReaderFiles(pkiDir: string) {
  return {
    samCertificate: join(pkiDir, 'sam-ca', 'demo-sam.crt'),
    samKey: join(pkiDir, 'sam-ca', 'demo-sam.key'),
    cardIssuerKey: join(pkiDir, 'ktp-issuer', 'ca.key'),
  };
}

export const DEMO_UPSTREAM = {
  consumer: 'BAPENDA_BONTANG',
  userId: 'bapenda.bontang',
  ipUser: '10.64.74.10',
} as const;

/** The Bontang agreement the demo's is modelled on: its number, parties, zone and term. */
export const DEMO_AGREEMENT = {
  number: '400.12.4.3/9/DKPS/2025',
  parties: [
    'Dinas Kependudukan dan Pencatatan Sipil Kota Bontang',
    'Badan Pendapatan Daerah Kota Bontang',
  ],
  timeZone: 'Asia/Makassar',
  /** The real agreement ran from its signing on 12 February 2025 through 11 February 2027. */
  signedOn: '2025-02-12',
  termYears: 2,
} as const;

/**
 * The demo agreement's window: `termYears` from `validFrom`, the last day inclusive, and never
 * past the last day a stored date may name (a demo started in 2099 gets a shorter term).
 */
export function demoAgreementWindow(validFrom: string): { validFrom: string; validUntil: string } {
  const full = addDays(addYears(validFrom, DEMO_AGREEMENT.termYears), -1);
  return { validFrom, validUntil: full > LATEST_DATE ? LATEST_DATE : full };
}

/**
 * The demo instance's configuration. Its agreement starts on `agreementFrom` (the day the
 * instance is created, in the agreement's zone), so that a demo works whatever the date; tests
 * with an injected clock pass the real agreement's own signing date.
 */
export function demoConfig(
  gatewayPort: number,
  simPort: number,
  agreementFrom: string,
): GerbangConfig {
  // Generous, so that trying things out, tests and benchmarks are not throttled by accident.
  const limits = {
    ratePerSecond: 10_000,
    burst: 20_000,
    dailyQuota: 10_000_000,
    upstreamQuotaReserve: 0,
  };
  return {
    instance: { name: 'gerbang-demo' },
    server: {
      host: '127.0.0.1',
      port: gatewayPort,
      certFile: 'pki/server.crt',
      keyFile: 'pki/server.key',
      clientCaFile: 'pki/ca.crt',
      crlFile: 'pki/crl.pem',
      bodyLimitBytes: 16_384,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      headersTimeoutMs: 10_000,
      handshakeTimeoutMs: 5_000,
      maxConnections: 1024,
      maxHeaderBytes: 8192,
    },
    upstream: {
      baseUrl: `http://127.0.0.1:${simPort}`,
      ...DEMO_UPSTREAM,
      passwordFile: 'secrets/upstream-password',
      connectTimeoutMs: 2_000,
      headersTimeoutMs: 8_000,
      bodyTimeoutMs: 8_000,
      requestTimeoutMs: 10_000,
      maxConnections: 64,
      maxQueued: 1024,
      maxResponseBytes: 65_536,
      maxRateWaitMs: 2_000,
      dailyQuota: 10_000_000,
      quotaTimeZone: 'Asia/Jakarta',
      breaker: { failureThreshold: 5, openMs: 10_000 },
    },
    audit: {
      hmacKeyFile: 'secrets/audit-hmac.key',
      signingKeyFile: 'pki/audit-signing.key',
      signingCertFile: 'pki/audit-signing.crt',
      checkpointEvery: 1000,
      checkpointIntervalSeconds: 10,
      retentionDays: 730,
    },
    agreements: [
      {
        number: DEMO_AGREEMENT.number,
        parties: [...DEMO_AGREEMENT.parties],
        signedOn: agreementFrom,
        ...demoAgreementWindow(agreementFrom),
        timeZone: DEMO_AGREEMENT.timeZone,
        elements: [...ELEMENTS],
        accessMethod: 'web-service',
        upstreamMethods: ['CALL_NIK', 'CALL_VERIFY_BY_ELEMEN'],
        returnDataWithinDays: 7,
      },
    ],
    principals: {
      'app-pendaftaran': {
        role: 'app',
        profile: {
          elements: [...ELEMENTS],
          purposes: ['pendaftaran-wp', 'pemutakhiran-data', 'verifikasi-massal'],
          ...limits,
        },
      },
      'app-kasir': {
        role: 'app',
        profile: { elements: ['nik', 'nama_lengkap'], purposes: ['pembayaran'], ...limits },
      },
      'officer-1': { role: 'officer' },
      'evaluator-1': { role: 'evaluator' },
      'admin-1': { role: 'admin' },
      'reader-01': {
        role: 'reader',
        profile: {
          elements: [...ELEMENTS],
          purposes: ['pendaftaran-wp', 'pelayanan-loket'],
          ...limits,
        },
      },
    },
    anomalies: {
      operatorLookupsPerHour: 300,
      notFoundWindow: 50,
      notFoundMinLookups: 20,
      notFoundRatio: 0.3,
      sequentialRun: 5,
      sequentialMaxGap: 3,
      refusedElementsPerHour: 5,
      cooldownMinutes: 60,
    },
    clock: { maxJumpSeconds: 300 },
    reports: {
      signingKeyFile: 'pki/report-signing.key',
      signingCertFile: 'pki/report-signing.crt',
    },
    readers: {
      samCaFile: 'pki/sam-ca/ca.crt',
      cardIssuerCertFile: 'pki/ktp-issuer/ca.crt',
      nonceTtlSeconds: 60,
    },
    returnData: {
      npwpdPattern: '^\\d{4}\\.\\d{2}\\.\\d{2}$',
      path: '/dukcapil/data_balikan/{consumer}',
      idLembaga: 'BAPENDA-6474',
      namaLembaga: 'Badan Pendapatan Daerah Kota Bontang',
      maxAttempts: 20,
      initialBackoffMs: 2_000,
      maxBackoffMs: 600_000,
      concurrency: 4,
      requestTimeoutMs: 10_000,
    },
    logging: { level: 'info' },
  };
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
 * Demo mode only: the demo CA's CRL is republished when it is due within a week (it says when
 * the next one comes, 30 days after it was signed), so that a demo started months later passes
 * `gerbang doctor`. In production the offline CA publishes it (`gerbang certs crl`).
 */
export async function refreshDemoCrlIfDue(pkiDir: string, now: number): Promise<boolean> {
  const der = fromPem(readFileSync(join(pkiDir, 'crl.pem'), 'utf8'), 'X509 CRL');
  const next = CertificateRevocationList.fromBER(der).nextUpdate?.value.getTime();
  if (next !== undefined && next - now > 7 * 86_400_000) return false;
  await (await CertificateAuthority.open(pkiDir)).publishCrl();
  return true;
}

/** How long the demo's CAs, and with them all its certificates, are valid. */
export const DEMO_PKI_DAYS = 3650;

function writeSecretIfMissing(path: string, content: string | Uint8Array): void {
  if (!existsSync(path)) writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
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
  }
  if (existsSync(location.configPath)) return false;
  writeFileSync(
    location.configPath,
    `${JSON.stringify(
      demoConfig(ports.gateway, ports.simulator, calendarDateIn(now, DEMO_AGREEMENT.timeZone)),
      null,
      2,
    )}\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return true;
}
