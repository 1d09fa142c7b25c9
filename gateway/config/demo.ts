/**
 * The demo instance's configuration, modelled on the Bontang agreement: its principals, upstream
 * account, agreement and limits. Pure data, so that unit tests of any layer may use it as a
 * realistic configuration; the demo's files (PKI, secrets) are made by gateway/cli/demo/.
 */
import { addDays, addYears, ELEMENTS, LATEST_DATE } from '../../policies/index.ts';
import type { GerbangConfig, Role } from './index.ts';
import { DEFAULT_RETURN_DATA_TEMPLATE } from './return-data-template.ts';

export const DEMO_PRINCIPALS: readonly { id: string; role: Role }[] = [
  { id: 'app-pendaftaran', role: 'app' },
  { id: 'app-kasir', role: 'app' },
  { id: 'officer-1', role: 'officer' },
  { id: 'evaluator-1', role: 'evaluator' },
  { id: 'admin-1', role: 'admin' },
  { id: 'reader-01', role: 'reader' },
];

/** The key id of the demo's test IKD issuer (gateway/cli/demo/instance.ts makes its key pair). */
export const DEMO_IKD_KEY_ID = 'demo-ikd-1';

/**
 * The demo instance's `ikd` section: its stand-in for an IKD issuer (docs/ikd-profile.md), the
 * public key only. Apart from demoConfig(): its key file is read when a configuration is loaded,
 * and the unit tests that write demoConfig() to a file have none.
 */
export const DEMO_IKD: NonNullable<GerbangConfig['ikd']> = {
  profile: 'gerbang-ikd-1',
  issuerKeys: [{ id: DEMO_IKD_KEY_ID, publicKeyFile: `pki/ikd-issuer/${DEMO_IKD_KEY_ID}.pub.pem` }],
  maxClockSkewSeconds: 30,
  maxValiditySeconds: 300,
};

export const DEMO_UPSTREAM = {
  consumer: 'BAPENDA_BONTANG',
  userId: 'bapenda.bontang',
  ipUser: '10.64.74.10',
} as const;

/** The Bontang agreement the demo's is modelled on: its number, parties, zone and term. */
export const DEMO_AGREEMENT = {
  number: '400.12.4.3/9/DKPS/2025',
  /** The same PKS under the agency's own numbering (PIHAK KEDUA). */
  agencyNumber: '400.12.4.3/6/BAPENDA',
  /** The PKS's sixth consideration: the Dirjen's approval of the use of population data. */
  approvalReference: 'Surat Dirjen Dukcapil Nomor 400.8.1.2/11717/Dukcapil tanggal 26 Agustus 2024',
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
      crlGraceSeconds: 3600,
      bodyLimitBytes: 16_384,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      headersTimeoutMs: 10_000,
      handshakeTimeoutMs: 5_000,
      maxConnections: 1024,
      maxHeaderBytes: 8192,
      unauthenticated: { ratePerSecond: 5, burst: 20, maxAddresses: 4096, maxSourcesPerMinute: 64 },
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
      rateWindowMarginMs: 20,
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
        agencyNumber: DEMO_AGREEMENT.agencyNumber,
        approvalReference: DEMO_AGREEMENT.approvalReference,
        parties: [...DEMO_AGREEMENT.parties],
        signedOn: agreementFrom,
        ...demoAgreementWindow(agreementFrom),
        timeZone: DEMO_AGREEMENT.timeZone,
        elements: [...ELEMENTS],
        accessMethod: 'web-service',
        upstreamMethods: ['CALL_NIK', 'CALL_VERIFY_BY_ELEMEN'],
        verifyThreshold: 85,
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
      maxOperatorsPerClient: 1000,
      newOperatorsPerHour: 200,
    },
    verification: { attemptsPerResidentPerDay: 5, maxTrackedResidents: 50_000 },
    clock: { maxJumpSeconds: 300, maxStartGapDays: 7 },
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
      // Bontang is a city: PBB-P2, BPHTB, PBJT, … and the opsen on PKB/BBNKB, never PKB itself.
      agencyLevel: 'kota',
      npwpdPattern: '^\\d{4}\\.\\d{2}\\.\\d{2}$',
      // The simulator serves data balikan on its own host, so the demo names no `url` and uses
      // `path` on upstream.baseUrl (tests that move the simulator move both). A real deployment
      // names the application's own `url` and `{ kind: 'bearer', tokenFile: … }` (DOMAIN.md);
      // the simulator asks no token.
      path: '/dukcapil/data_balikan/{consumer}',
      auth: { kind: 'none' },
      payload: DEFAULT_RETURN_DATA_TEMPLATE,
      success: { statuses: [200], pointer: '/status', equals: ['OK'] },
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
