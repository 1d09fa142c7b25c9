/**
 * The gateway over real sockets (STYLE.md tier 2): real TLS, real client certificates from the
 * gateway's own CA, a real CRL, the real Dukcapil client talking to the real simulator.
 */
import { connect, type TLSSocket } from 'node:tls';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../certs/index.ts';
import { calendarDateIn } from '../policies/index.ts';
import { CANARY_SITI_DROPPED_VALUES, CANARY_SITI_RELEASED } from './fixtures/canary.ts';
import {
  canaryLookup,
  LOOKUP_HEADERS,
  startTestInstance,
  type TestInstance,
} from './helpers/instance.ts';
import { probeUntil } from './helpers/until.ts';

let instance: TestInstance;
beforeAll(async () => {
  instance = await startTestInstance();
});
afterAll(async () => {
  await instance.close();
});

const lookup = (who: Parameters<TestInstance['call']>[0], body: unknown = canaryLookup()) =>
  instance.call(who, '/v1/nik/lookup', { json: body, headers: LOOKUP_HEADERS });

const errorCode = (response: { json: () => unknown }): string =>
  (response.json() as { error: { code: string } }).error.code;

/** Opens a raw TLS connection and reports how the handshake ended. */
function handshake(options: {
  cert?: string | undefined;
  key?: string | undefined;
  maxVersion?: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
}): Promise<{ ok: boolean; protocol?: string | null; error?: string }> {
  const url = new URL(instance.gateway.url);
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({
      host: url.hostname,
      port: Number(url.port),
      ca: instance.caPem,
      ...(options.cert ? { cert: options.cert, key: options.key } : {}),
      ...(options.maxVersion
        ? { maxVersion: options.maxVersion, minVersion: 'TLSv1' as const }
        : {}),
    });
    socket.on('secureConnect', () => {
      const protocol = socket.getProtocol();
      // With TLS 1.3 the server's verdict on our certificate arrives after the handshake.
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('end', () => {
        resolve(
          received.startsWith('HTTP/1.1 200')
            ? { ok: true, protocol }
            : { ok: false, error: 'no answer' },
        );
      });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      resolve({ ok: false, error: error.code ?? error.message });
    });
  });
}

describe('mutual TLS', () => {
  it('serves the canary to app-pendaftaran over TLS 1.3 with its real certificate', async () => {
    const response = await lookup(instance.identity('app-pendaftaran'));
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json() as { data: Record<string, unknown> };
    expect(body.data).toEqual(CANARY_SITI_RELEASED);
    for (const dropped of [...CANARY_SITI_DROPPED_VALUES, 'GOL_DARAH'])
      expect(response.text).not.toContain(dropped);
    expect(await handshake(instance.identity('app-pendaftaran'))).toEqual({
      ok: true,
      protocol: 'TLSv1.3',
    });
  });

  it('gives app-kasir only nik and nama_lengkap', async () => {
    const response = await lookup(
      instance.identity('app-kasir'),
      canaryLookup({ purpose: 'pembayaran' }),
    );
    expect(response.json()).toMatchObject({
      data: { nik: '6474015709900001', nama_lengkap: 'SITI KENARI RAHAYU' },
    });
    expect(Object.keys((response.json() as { data: object }).data)).toEqual([
      'nik',
      'nama_lengkap',
    ]);
  });

  // Bad certificates complete the handshake only to get a coded 401 naming the problem: a closed
  // socket would tell the client nothing. test/security-matrix.test.ts covers every endpoint.
  const refusal = (response: { status: number; json: () => unknown }) => [
    response.status,
    errorCode(response),
    (response.json() as { error: { message: string } }).error.message,
  ];

  it('answers a connection without a client certificate with 401 unauthenticated', async () => {
    expect((await handshake({})).ok).toBe(false);
    expect(refusal(await lookup({}))).toEqual([
      401,
      'unauthenticated',
      'No client certificate was presented.',
    ]);
  });

  it('answers a certificate from another CA with 401 unauthenticated', async () => {
    const foreign = await CertificateAuthority.create(`${instance.dir}/foreign-ca`);
    const files = await foreign.issue({ kind: 'client', id: 'app-pendaftaran', role: 'app' });
    const { readFileSync } = await import('node:fs');
    const identity = {
      cert: readFileSync(files.certificatePath, 'utf8'),
      key: readFileSync(files.keyPath, 'utf8'),
    };
    expect((await handshake(identity)).ok).toBe(false);
    expect(refusal(await lookup(identity))).toEqual([
      401,
      'unauthenticated',
      "The client certificate is not issued by the gateway's client CA.",
    ]);
  });

  it('answers an expired certificate with 401 unauthenticated', async () => {
    const day = 86_400_000;
    const identity = await instance.issue({
      kind: 'client',
      id: 'app-pendaftaran',
      role: 'app',
      notBefore: new Date(Date.now() - 10 * day),
      notAfter: new Date(Date.now() - day),
      basePath: `${instance.dir}/expired`,
    });
    expect((await handshake(identity)).ok).toBe(false);
    expect(refusal(await lookup(identity))).toEqual([
      401,
      'unauthenticated',
      'The client certificate has expired.',
    ]);
  });

  it('answers a certificate that is not yet valid with 401 unauthenticated', async () => {
    const day = 86_400_000;
    const identity = await instance.issue({
      kind: 'client',
      id: 'app-pendaftaran',
      role: 'app',
      notBefore: new Date(Date.now() + day),
      notAfter: new Date(Date.now() + 10 * day),
      basePath: `${instance.dir}/future`,
    });
    expect((await handshake(identity)).ok).toBe(false);
    expect(refusal(await lookup(identity))).toEqual([
      401,
      'unauthenticated',
      'The client certificate is not valid yet.',
    ]);
  });

  it('refuses TLS 1.1', async () => {
    expect(
      (await handshake({ ...instance.identity('app-pendaftaran'), maxVersion: 'TLSv1.1' })).ok,
    ).toBe(false);
  });

  it('refuses a valid certificate whose CN is not a configured principal with 403 forbidden', async () => {
    const identity = await instance.issue({ kind: 'client', id: 'app-siluman', role: 'app' });
    const response = await lookup(identity);
    expect([response.status, errorCode(response)]).toEqual([403, 'forbidden']);
  });

  it('refuses the wrong role with 403 forbidden', async () => {
    const response = await lookup(instance.identity('officer-1'));
    expect([response.status, errorCode(response)]).toEqual([403, 'forbidden']);
  });

  it('applies a revocation within a second, also on an open keep-alive connection', async () => {
    const identity = await instance.issue({
      kind: 'client',
      id: 'app-pendaftaran',
      role: 'app',
      basePath: `${instance.dir}/to-revoke`,
    });
    const agent = instance.agent(identity);
    expect((await lookup(agent)).status).toBe(200);
    const serial = instance.authority.readIndex().issued.at(-1)?.serial ?? '';
    expect(await instance.authority.revoke('app-pendaftaran', { serial })).toEqual([serial]);
    // The CRL is stat'ed at most once a second: refused by the first request after that, so
    // within 1.5 s (a poll interval and a request's time beyond the second).
    const response = await probeUntil(
      () => lookup(agent),
      (answer) => answer.status !== 200,
      { timeoutMs: 1_500 },
    );
    expect([response.status, errorCode(response)]).toEqual([401, 'unauthenticated']);
    // The demo certificate of the same principal is unaffected.
    expect((await lookup(instance.identity('app-pendaftaran'))).status).toBe(200);
  });

  it('applies a suspension made with the CLI to the running gateway within a second', async () => {
    const { spawnSync } = await import('node:child_process');
    const { GERBANG, ROOT } = await import('./helpers/child-gateway.ts');
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [GERBANG, 'admin', ...args], {
        cwd: ROOT,
        env: { ...process.env, GERBANG_DATA_DIR: instance.dir },
        encoding: 'utf8',
      });
    const kasir = () =>
      lookup(instance.identity('app-kasir'), canaryLookup({ purpose: 'pembayaran' }));
    // The registry re-reads state.db at most every half second: seen within the second.
    expect(cli('suspend', '--client', 'app-kasir', '--reason', 'cli-test').status).toBe(0);
    const refused = await probeUntil(kasir, (answer) => answer.status !== 200, {
      timeoutMs: 1_000,
    });
    expect([refused.status, errorCode(refused)]).toEqual([403, 'client_suspended']);
    expect(cli('resume', '--client', 'app-kasir').status).toBe(0);
    const served = await probeUntil(kasir, (answer) => answer.status === 200, {
      timeoutMs: 1_000,
    });
    expect(served.status).toBe(200);
  });

  it('serves evaluators a signed semester report and its printable page, with aggregates only', async () => {
    await lookup(instance.identity('app-pendaftaran'));
    // The semester of the lookup just made, in the agreement's zone: whatever today is.
    const [year, month] = calendarDateIn(Date.now(), 'Asia/Makassar').split('-').map(Number);
    const half = (month ?? 1) <= 6 ? 1 : 2;
    const response = await instance.call(
      instance.identity('evaluator-1'),
      `/v1/reports/semester?year=${String(year)}&half=${String(half)}`,
    );
    expect(response.status).toBe(200);
    const body = response.json() as {
      period: string;
      sha256: string;
      reportJson: string;
      signatureP7s: string;
    };
    const json = Buffer.from(body.reportJson, 'base64');
    const { verifyDetached } = await import('../certs/cms.ts');
    expect(
      await verifyDetached(Buffer.from(body.signatureP7s, 'base64'), json, instance.caPem),
    ).toEqual({ ok: true, signer: 'gerbang-reports' });
    const report = JSON.parse(json.toString('utf8')) as {
      period: { label: string };
      sementara: boolean;
      cutOff: string;
      usage: { distinctResidents: number; elementsReleased: Record<string, number> };
      audit: { verification: { ok: boolean } };
    };
    expect(report.period.label).toBe(`${String(year)}-S${String(half)}`);
    // The half of today has not ended: the report is partial, up to the moment it was made.
    expect(report.sementara).toBe(true);
    expect(Date.parse(report.cutOff)).toBeLessThanOrEqual(Date.now());
    expect(report.usage.distinctResidents).toBeGreaterThanOrEqual(1);
    expect(report.usage.elementsReleased['nama_lengkap']).toBeGreaterThanOrEqual(1);
    expect(report.audit.verification.ok).toBe(true);
    expect(json.toString('utf8')).not.toMatch(/6474015709900001|SITI|KENARI/);
    const html = await instance.call(
      instance.identity('officer-1'),
      '/v1/reports/status?format=html',
    );
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('Laporan Pemanfaatan NIK dan Data Kependudukan');
    expect(html.text).toContain('<svg');
    expect((await instance.call(instance.identity('app-kasir'), '/v1/reports/status')).status).toBe(
      403,
    );
    expect(
      (
        await instance.call(
          instance.identity('evaluator-1'),
          '/v1/reports/semester?year=2026&half=3',
        )
      ).status,
    ).toBe(400);
  });

  it('refuses an oversized chunked body over a real socket with 413', async () => {
    const chunks = (function* () {
      for (let i = 0; i < 40; i++) yield Buffer.from(' '.repeat(1024));
      yield Buffer.from(JSON.stringify(canaryLookup()));
    })();
    const response = await instance.call(instance.identity('app-pendaftaran'), '/v1/nik/lookup', {
      method: 'POST',
      body: Readable.from(chunks),
      headers: { ...LOOKUP_HEADERS, 'content-type': 'application/json' },
    });
    expect([response.status, errorCode(response)]).toEqual([413, 'payload_too_large']);
  });

  it('shows the semester report due next in the metrics (PKS Pasal 8(1))', async () => {
    // A fresh instance: the current half's report, due on its last day in Makassar.
    const today = calendarDateIn(Date.now(), 'Asia/Makassar');
    const [year = '', month = '01'] = today.split('-');
    const dueDate = Number(month) <= 6 ? `${year}-06-30` : `${year}-12-31`;
    const days = Math.round((Date.parse(dueDate) - Date.parse(today)) / 86_400_000);
    const metrics = await instance.call(instance.identity('officer-1'), '/metrics');
    expect(metrics.text).toContain(`\ngerbang_report_due_seconds ${String(days * 86_400)}\n`);
    expect(metrics.text).toMatch(/\ngerbang_report_due_alarm [01]\n/);
  });

  it('counts refused handshakes in the metrics', async () => {
    await handshake({ ...instance.identity('app-pendaftaran'), maxVersion: 'TLSv1.1' });
    const metrics = await instance.call(instance.identity('officer-1'), '/metrics');
    expect(metrics.text).toMatch(/gerbang_tls_client_errors_total\{reason="[A-Z_]+"\} [1-9]/);
  });
});
