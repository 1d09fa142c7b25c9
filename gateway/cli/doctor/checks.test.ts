/**
 * Each check of `gerbang doctor`, on a healthy demo instance and on one broken the way a real one
 * breaks: real files, a real simulator, a real TLS SIEM endpoint, a real audit database.
 */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CertificateAuthority,
  fromPem,
  parseCertificateDer,
  readCrl,
} from '../../../certs/index.ts';
import { crlIssuerKey } from '../../../certs/revocation.ts';
import type { RunningSimulator } from '../../../adapters/dukcapil-sim/index.ts';
import { startInstanceSimulator } from '../../../test/helpers/child-gateway.ts';
import { openAuditStore } from '../../server/audit-store.ts';
import { loadConfig, type GerbangConfig } from '../../config/index.ts';
import { locateInstance } from '../../config/instance.ts';
import { ensureDemoInstance } from '../demo/instance.ts';
import { StateDb } from '../../../adapters/sqlite/state-db.ts';
import { checkCertificates } from './certificate-check.ts';
import { runDoctor } from './checks.ts';
import { DEFAULT_THRESHOLDS, type DoctorContext } from './context.ts';
import {
  checkGateway,
  checkSiem,
  checkTimestampAuthority,
  checkUpstream,
} from './endpoint-checks.ts';
import { createOpensslTsa, serveTsa } from '../../../test/helpers/openssl-tsa.ts';
import { checkConfiguration, checkDiskSpace, checkKeyFileModes } from './instance-checks.ts';
import { checkAgreement, checkClock } from './state-checks.ts';

const DAY = 86_400_000;
let dir: string;
let raw: GerbangConfig;
let simulator: RunningSimulator;
let context: DoctorContext;

/** The instance's configuration file rewritten with `adjust`, loaded as the gateway would. */
function configWith(adjust: (config: GerbangConfig) => GerbangConfig): GerbangConfig {
  const path = join(dir, 'adjusted.json');
  writeFileSync(path, JSON.stringify(adjust(raw)));
  return loadConfig(path);
}

async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/** A plain node:http server on a free port, answering every request with `listener`. */
async function plainHttpServer(listener: RequestListener): Promise<{
  port: number;
  requests: { method: string; url: string }[];
  close: () => Promise<void>;
}> {
  const requests: { method: string; url: string }[] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    listener(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

const simulatorState = async () =>
  (await (await fetch(`${simulator.url}/__sim/state`)).json()) as {
    counters: { calls: Record<string, number>; quotaUsed: number };
  };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gerbang-doctor-'));
  const location = locateInstance({ GERBANG_DATA_DIR: dir });
  await ensureDemoInstance(location, { gateway: 0, simulator: 0 });
  raw = JSON.parse(readFileSync(location.configPath, 'utf8')) as GerbangConfig;
  simulator = await startInstanceSimulator(dir, raw);
  raw = { ...raw, upstream: { ...raw.upstream, baseUrl: simulator.url } };
  writeFileSync(location.configPath, JSON.stringify(raw));
  context = {
    configPath: location.configPath,
    dataDir: dir,
    now: Date.now(),
    thresholds: { ...DEFAULT_THRESHOLDS, connectTimeoutMs: 1000 },
  };
}, 60_000);
afterAll(async () => {
  await simulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gerbang doctor checks', () => {
  it('configuration: valid, and a broken file named with its problem', () => {
    expect(checkConfiguration(context).result.status).toBe('ok');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...raw, server: { ...raw.server, port: 'x' } }));
    const { result, config } = checkConfiguration({ ...context, configPath: broken });
    expect(config).toBeUndefined();
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/server\/port|server\.port/);
  });

  it('key file modes: owner-only secrets pass; a readable key and an open data directory fail', () => {
    const config = loadConfig(context.configPath);
    expect(checkKeyFileModes(config, context).status).toBe('ok');
    chmodSync(config.upstream.passwordFile, 0o644);
    chmodSync(dir, 0o755);
    try {
      const verdict = checkKeyFileModes(config, context);
      expect(verdict.status).toBe('fail');
      expect(verdict.detail).toContain('upstream.passwordFile');
      expect(verdict.detail).toContain('chmod 600');
      expect(verdict.detail).toContain('chmod 700');
    } finally {
      chmodSync(config.upstream.passwordFile, 0o600);
      chmodSync(dir, 0o700);
    }
  });

  it('certificates: valid ones pass; one expiring soon warns; an expired one or a wrong key fails', async () => {
    const config = loadConfig(context.configPath);
    expect(await checkCertificates(config, context)).toMatchObject({ status: 'ok' });
    const authority = await CertificateAuthority.open(join(dir, 'pki'));
    const issue = (id: string, notBefore: number, notAfter: number) =>
      authority.issue({
        kind: 'server',
        id,
        role: 'server',
        altNames: ['127.0.0.1'],
        notBefore: new Date(notBefore),
        notAfter: new Date(notAfter),
        basePath: join(dir, id),
      });
    const soon = await issue('soon', Date.now() - DAY, Date.now() + 10 * DAY);
    const gone = await issue('gone', Date.now() - 10 * DAY, Date.now() - DAY);
    const serverWith = (files: { certificatePath: string; keyPath: string }) =>
      configWith((c) => ({
        ...c,
        server: { ...c.server, certFile: files.certificatePath, keyFile: files.keyPath },
      }));
    const warning = await checkCertificates(serverWith(soon), context);
    expect([warning.status, warning.detail]).toEqual([
      'warn',
      expect.stringMatching(/^server\.certFile expires in (9|10) days/) as string,
    ]);
    const expired = await checkCertificates(serverWith(gone), context);
    expect([expired.status, expired.detail]).toEqual([
      'fail',
      expect.stringMatching(/^server\.certFile expired on \d{4}-\d{2}-\d{2}/) as string,
    ]);
    const mismatched = configWith((c) => ({
      ...c,
      server: { ...c.server, keyFile: soon.keyPath },
    }));
    expect((await checkCertificates(mismatched, context)).detail).toContain(
      'server.keyFile is not the key of server.certFile',
    );
  });

  it('certificates: the CRL due within a week warns; past nextUpdate and the grace, or older than one applied, fails naming the fix', async () => {
    const config = loadConfig(context.configPath);
    const at = (now: number) => checkCertificates(config, { ...context, now });
    const nextUpdate = Date.now() + 30 * DAY;
    expect(await at(nextUpdate - 10 * DAY)).toMatchObject({ status: 'ok' });
    expect(await at(nextUpdate - 3 * DAY)).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/is due for renewal on .*gerbang certs crl/) as string,
    });
    // Within server.crlGraceSeconds (an hour) past nextUpdate: still used, and said so.
    expect(await at(nextUpdate + 30 * 60_000)).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/was due for renewal at .*clients are refused from/) as string,
    });
    const stale = await at(Date.now() + 40 * DAY);
    expect([stale.status, stale.detail]).toEqual([
      'fail',
      expect.stringMatching(
        /^the CRL \(number \d+\) expired at .*every client is refused; publish a fresh CRL \(gerbang certs crl\)/,
      ) as string,
    ]);

    // The gateway applied a newer CRL than the file now holds: the file was rolled back.
    const caPem = readFileSync(config.server.clientCaFile, 'utf8');
    const issuer = parseCertificateDer(fromPem(caPem, 'CERTIFICATE'));
    const state = new StateDb(join(dir, 'state.db'));
    const inFile =
      (await readCrl(fromPem(readFileSync(config.server.crlFile, 'utf8'), 'X509 CRL'), issuer))
        .crlNumber ?? 0n;
    state.recordHighestCrl(
      crlIssuerKey(issuer),
      { crlNumber: inFile + 1n, thisUpdate: Date.now() },
      new Date(),
    );
    state.close();
    const rolledBack = await checkCertificates(config, context);
    expect([rolledBack.status, rolledBack.detail]).toEqual([
      'fail',
      expect.stringMatching(
        /^server\.crlFile holds an older CRL .* than one the gateway has applied .*gerbang certs crl/,
      ) as string,
    ]);
    // Fresh CRLs from the CA are numbered above it again.
    const authority = await CertificateAuthority.open(join(dir, 'pki'));
    await authority.publishCrl();
    await authority.publishCrl();
    expect(await checkCertificates(config, context)).toMatchObject({ status: 'ok' });
  });

  it('clock: ahead of the trail passes; behind the newest record fails', async () => {
    const config = loadConfig(context.configPath);
    const store = openAuditStore(config, dir);
    await store.append({ type: 'system', event: 'doctor_test', outcome: 'success' });
    await store.close();
    expect(checkClock(config, { ...context, now: Date.now() }).status).toBe('ok');
    const behind = checkClock(config, { ...context, now: Date.now() - 3_600_000 });
    expect(behind.status).toBe('fail');
    expect(behind.detail).toMatch(/^the clock is \d+ s behind the newest audit record/);
  });

  it('upstream: the simulator answers as Dukcapil, without spending quota; a closed port fails', async () => {
    const config = loadConfig(context.configPath);
    const before = await simulatorState();
    const healthy = await checkUpstream(config, context);
    expect([healthy.status, healthy.detail]).toEqual([
      'ok',
      expect.stringMatching(
        /answers as Dukcapil \(HTTP 200 with its envelope in \d+ ms; RESPON: login rejected, as expected of a request without credentials\)$/,
      ) as string,
    ]);
    // The probe reached CALL_NIK, was refused at the login, and spent no quota.
    const after = await simulatorState();
    expect(after.counters.calls['CALL_NIK'] ?? 0).toBe(
      (before.counters.calls['CALL_NIK'] ?? 0) + 1,
    );
    expect(after.counters.quotaUsed).toBe(before.counters.quotaUsed);
    const port = await closedPort();
    const down = configWith((c) => ({
      ...c,
      upstream: { ...c.upstream, baseUrl: `http://127.0.0.1:${port}` },
    }));
    const verdict = await checkUpstream(down, context);
    expect([verdict.status, verdict.detail]).toEqual([
      'fail',
      `http://127.0.0.1:${port} cannot be reached (ECONNREFUSED)`,
    ]);
  });

  it('upstream: any other HTTP server on the port fails, named by status and content type, never by its body', async () => {
    const notFound = await plainHttpServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found: SECRET-BODY');
    });
    const htmlOk = await plainHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>It works! SECRET-BODY</h1>');
    });
    const otherJson = await plainHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"SECRET-BODY"}');
    });
    try {
      const at = (port: number) =>
        configWith((c) => ({
          ...c,
          upstream: { ...c.upstream, baseUrl: `http://127.0.0.1:${port}` },
        }));
      const base = (port: number) =>
        `http://127.0.0.1:${port} is not the Dukcapil CALL_NIK endpoint`;
      expect(await checkUpstream(at(notFound.port), context)).toEqual({
        check: 'upstream',
        status: 'fail',
        detail: `${base(notFound.port)}: it answered HTTP 404, text/plain`,
      });
      expect(await checkUpstream(at(htmlOk.port), context)).toEqual({
        check: 'upstream',
        status: 'fail',
        detail: `${base(htmlOk.port)}: it answered HTTP 200, text/html: response is not JSON, not the Dukcapil envelope`,
      });
      expect(await checkUpstream(at(otherJson.port), context)).toEqual({
        check: 'upstream',
        status: 'fail',
        detail: `${base(otherJson.port)}: it answered HTTP 200, application/json: response has no content, not the Dukcapil envelope`,
      });
      // What was asked: a POST to the configured CALL_NIK method URL.
      expect(notFound.requests).toEqual([
        { method: 'POST', url: `/dukcapil/get_json/${raw.upstream.consumer}/CALL_NIK` },
      ]);
    } finally {
      await Promise.all([notFound.close(), htmlOk.close(), otherJson.close()]);
    }
  });

  it('upstream: GERBANG_SIM_PORT replaces the port of upstream.baseUrl; 0 cannot be connected to', async () => {
    const closed = await closedPort();
    const elsewhere = configWith((c) => ({
      ...c,
      upstream: { ...c.upstream, baseUrl: `http://127.0.0.1:${closed}` },
    }));
    const simulatorPort = Number(new URL(simulator.url).port);
    const moved = await checkUpstream(elsewhere, { ...context, overrides: { simulatorPort } });
    expect([moved.status, moved.detail]).toEqual([
      'ok',
      expect.stringContaining(`http://127.0.0.1:${simulatorPort} answers as Dukcapil`) as string,
    ]);
    const zero = await checkUpstream(elsewhere, { ...context, overrides: { simulatorPort: 0 } });
    expect([zero.status, zero.detail]).toEqual([
      'fail',
      expect.stringMatching(/^GERBANG_SIM_PORT is 0 \(any free port\).*cannot be known/) as string,
    ]);
  });

  it('gateway: ours answers, nothing listening warns, another server fails, port 0 skips', async () => {
    const config = loadConfig(context.configPath);
    const serve = async (certFile: string, keyFile: string) => {
      const server: Server = createTlsServer({
        cert: readFileSync(certFile),
        key: readFileSync(keyFile),
      });
      server.on('secureConnection', (socket) => socket.destroy());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    };
    const ours = await serve(config.server.certFile, config.server.keyFile);
    const at = (server: Server) => ({
      ...context,
      overrides: { host: '0.0.0.0', port: (server.address() as AddressInfo).port },
    });
    try {
      const verdict = await checkGateway(config, at(ours));
      expect([verdict.status, verdict.detail]).toEqual([
        'ok',
        `answers TLS on 127.0.0.1:${(ours.address() as AddressInfo).port} with server.certFile`,
      ]);
      const authority = await CertificateAuthority.open(join(dir, 'pki'));
      const impostor = await authority.issue({
        kind: 'server',
        id: 'impostor',
        role: 'server',
        altNames: ['127.0.0.1'],
        basePath: join(dir, 'impostor'),
      });
      const other = await serve(impostor.certificatePath, impostor.keyPath);
      try {
        expect(await checkGateway(config, at(other))).toMatchObject({
          status: 'fail',
          detail: expect.stringContaining(
            'is not this gateway (it presents another certificate than server.certFile)',
          ) as string,
        });
      } finally {
        other.close();
      }
    } finally {
      ours.close();
    }
    const closed = await closedPort();
    expect(await checkGateway(config, { ...context, overrides: { port: closed } })).toEqual({
      check: 'gateway',
      status: 'warn',
      detail: `nothing listens on 127.0.0.1:${closed} (ECONNREFUSED): the gateway is not running`,
    });
    expect(await checkGateway(config, { ...context, overrides: { port: 0 } })).toMatchObject({
      status: 'skip',
      detail: expect.stringMatching(/^GERBANG_PORT is 0 \(any free port\)/) as string,
    });
  });

  it('time-stamp authority: none is skipped; one giving checked tokens passes; a down or foreign one fails', async () => {
    expect(await checkTimestampAuthority(loadConfig(context.configPath))).toMatchObject({
      status: 'skip',
    });
    const tsa = createOpensslTsa(join(dir, 'tsa'));
    const foreign = createOpensslTsa(join(dir, 'tsa-foreign'), 'TSA Lain');
    const server = await serveTsa(tsa);
    const tsaWith = (caFile: string) =>
      configWith((c) => ({
        ...c,
        audit: {
          ...c.audit,
          timestampAuthority: { url: server.url, caFile, everySeconds: 60, timeoutMs: 5_000 },
        },
      }));
    try {
      expect(await checkTimestampAuthority(tsaWith(tsa.caFile))).toMatchObject({
        status: 'ok',
        detail: expect.stringContaining('(TSA Jaringan Tertutup) gives checked tokens') as string,
      });
      expect(await checkTimestampAuthority(tsaWith(foreign.caFile))).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining("the TSA's token was refused") as string,
      });
      server.setDown(true);
      expect(await checkTimestampAuthority(tsaWith(tsa.caFile))).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('the TSA answered HTTP 503') as string,
      });
    } finally {
      await server.close();
    }
  });

  it('siem: none configured warns; a SIEM that accepts the gateway passes; one that is down fails', async () => {
    expect((await checkSiem(loadConfig(context.configPath), context)).status).toBe('warn');
    const siemCa = await CertificateAuthority.create(join(dir, 'siem-pki'), { name: 'SIEM CA' });
    const server = await siemCa.issue({
      kind: 'server',
      id: 'siem',
      role: 'siem',
      altNames: ['127.0.0.1'],
    });
    const client = await siemCa.issue({ kind: 'client', id: 'gerbang', role: 'siem' });
    chmodSync(client.keyPath, 0o600);
    const listener: Server = createTlsServer({
      cert: readFileSync(server.certificatePath),
      key: readFileSync(server.keyPath),
      ca: readFileSync(join(dir, 'siem-pki/ca.crt')),
      requestCert: true,
      rejectUnauthorized: true,
    });
    listener.on('secureConnection', (socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const address = listener.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const siemAt = (p: number) =>
      configWith((c) => ({
        ...c,
        siem: {
          host: '127.0.0.1',
          port: p,
          caFile: join(dir, 'siem-pki/ca.crt'),
          certFile: client.certificatePath,
          keyFile: client.keyPath,
        },
      }));
    try {
      expect(await checkSiem(siemAt(port), context)).toMatchObject({ status: 'ok' });
    } finally {
      await new Promise<void>((resolve) =>
        listener.close(() => {
          resolve();
        }),
      );
    }
    const down = await checkSiem(siemAt(await closedPort()), context);
    expect([down.status, down.detail]).toEqual([
      'fail',
      expect.stringContaining('cannot be reached over TLS (ECONNREFUSED)') as string,
    ]);
  });

  it('disk space: passes with room; fails and warns under the thresholds', () => {
    expect(checkDiskSpace(context).status).toBe('ok');
    const huge = Number.MAX_SAFE_INTEGER;
    expect(
      checkDiskSpace({ ...context, thresholds: { ...context.thresholds, diskFailBytes: huge } }),
    ).toMatchObject({ status: 'fail' });
    expect(
      checkDiskSpace({ ...context, thresholds: { ...context.thresholds, diskWarnBytes: huge } }),
    ).toMatchObject({ status: 'warn' });
  });

  it('agreement: active passes, near its end warns, expired and terminated fail', () => {
    const config = loadConfig(context.configPath);
    const terms = config.agreements[0];
    if (terms === undefined) throw new Error('the demo has an agreement');
    const before = (days: number) => Date.parse(`${terms.validUntil}T00:00:00Z`) - days * DAY;
    expect(checkAgreement(config, { ...context, now: before(200) })).toMatchObject({
      status: 'ok',
    });
    expect(checkAgreement(config, { ...context, now: before(30) })).toMatchObject({
      status: 'warn',
    });
    const expired = checkAgreement(config, { ...context, now: before(-3) });
    expect([expired.status, expired.detail]).toEqual([
      'fail',
      `${terms.number} is expired: no data may flow and every reader is deactivated`,
    ]);
    const state = new StateDb(join(dir, 'state.db'));
    state.terminate(terms.number, before(100), 'pelanggaran');
    state.close();
    expect(checkAgreement(config, { ...context, now: before(50) })).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('is terminated') as string,
    });
  });

  it('runs every check; an invalid configuration skips those that need it', async () => {
    const names = (await runDoctor(context)).map((r) => r.check);
    expect(names).toEqual([
      'configuration',
      'key file modes',
      'certificates',
      'clock',
      'gateway',
      'upstream',
      'siem',
      'time-stamp authority',
      'disk space',
      'agreement',
      'stored state',
    ]);
    const broken = join(dir, 'not-json.json');
    writeFileSync(broken, '{');
    const results = await runDoctor({ ...context, configPath: broken });
    expect(results.map((r) => r.status)).toEqual([
      'fail',
      'skip',
      'skip',
      'skip',
      'skip',
      'skip',
      'skip',
      'skip',
      'skip',
      'skip',
      'ok',
    ]);
  });

  it('a missing data directory is one named failure, and doctor creates nothing', async () => {
    const missing = join(dir, 'no-such-instance');
    const results = await runDoctor({
      ...context,
      dataDir: missing,
      configPath: join(missing, 'gerbang.json'),
    });
    expect(results.filter((r) => r.status === 'fail')).toEqual([
      {
        check: 'configuration',
        status: 'fail',
        detail: expect.stringMatching(
          new RegExp(`^the data directory ${missing} does not exist: set GERBANG_DATA_DIR`),
        ) as string,
      },
    ]);
    expect(results.find((r) => r.check === 'disk space')?.status).toBe('skip');
    expect(JSON.stringify(results)).not.toContain('ENOENT');
    expect(existsSync(missing)).toBe(false);
    // The configuration elsewhere (GERBANG_CONFIG) and the data directory missing: the key file
    // modes check, which owns the directory's mode, names it; nothing is created either.
    const elsewhere = await runDoctor({ ...context, dataDir: missing });
    expect(elsewhere.find((r) => r.check === 'key file modes')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`the data directory ${missing} does not exist`) as string,
    });
    expect(elsewhere.find((r) => r.check === 'agreement')?.status).not.toBe('fail');
    expect(existsSync(missing)).toBe(false);
  });

  it('a missing configuration file is named as such', async () => {
    const results = await runDoctor({ ...context, configPath: join(dir, 'nothing.json') });
    expect(results[0]).toEqual({
      check: 'configuration',
      status: 'fail',
      detail: `the configuration file ${join(dir, 'nothing.json')} does not exist: set GERBANG_CONFIG (or GERBANG_DATA_DIR) to the instance's`,
    });
  });

  it('leaves the instance as it found it: no state.db, no database file is created', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'gerbang-doctor-fresh-'));
    try {
      const location = locateInstance({ GERBANG_DATA_DIR: fresh });
      await ensureDemoInstance(location, { gateway: 0, simulator: 0 });
      const listing = () => readdirSync(fresh, { recursive: true }).map(String).sort();
      const before = listing();
      expect(before).not.toContain('state.db');
      const results = await runDoctor({
        ...context,
        configPath: location.configPath,
        dataDir: fresh,
      });
      expect(results.find((r) => r.check === 'agreement')?.status).toBe('ok');
      expect(listing()).toEqual(before);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
