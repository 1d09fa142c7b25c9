/**
 * End to end (STYLE.md tier 3): `gerbang demo` as a child process on a fresh data directory, on
 * the ports GERBANG_PORT and GERBANG_SIM_PORT give it, the printed curl command run exactly as
 * printed, the other commands finding it through the same variables, then a clean shutdown; and
 * the CLI's behaviour on a broken configuration and on wrong usage, as real processes.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/child-gateway.ts';
import { opensslCmsVerify } from './helpers/openssl.ts';
import { tracked } from './helpers/processes.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/gerbang.js');

let dataDir: string;
let demo: ChildProcessWithoutNullStreams;
let output = '';
let gatewayPort: number;
let simulatorPort: number;
/** The environment the demo was started with: every command run with it must find the demo. */
let demoEnv: Record<string, string>;

function waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`timed out waiting for ${String(pattern)}; output so far:\n${output}`));
    }, timeoutMs);
    const check = (): void => {
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        demo.stdout.off('data', check);
        resolvePromise(match);
      }
    };
    demo.stdout.on('data', check);
    check();
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gerbang-demo-'));
  gatewayPort = await freePort();
  do simulatorPort = await freePort();
  while (simulatorPort === gatewayPort);
  demoEnv = {
    GERBANG_DATA_DIR: dataDir,
    GERBANG_PORT: String(gatewayPort),
    GERBANG_SIM_PORT: String(simulatorPort),
  };
  demo = tracked(
    spawn(process.execPath, [BIN, 'demo'], { cwd: ROOT, env: { ...process.env, ...demoEnv } }),
  );
  demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr.resume();
  await waitFor(/Press Ctrl-C to stop\./, 60_000);
}, 90_000);

const gerbang = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });

afterAll(() => {
  if (demo.exitCode === null) demo.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start (gerbang demo)', () => {
  it('creates the development PKI, secrets and configuration with private permissions', () => {
    for (const id of [
      'app-pendaftaran',
      'app-kasir',
      'officer-1',
      'evaluator-1',
      'admin-1',
      'reader-01',
    ]) {
      for (const ext of ['crt', 'key', 'p12'])
        expect(existsSync(join(dataDir, 'pki/clients', `${id}.${ext}`))).toBe(true);
      expect(statSync(join(dataDir, 'pki/clients', `${id}.key`)).mode & 0o077).toBe(0);
    }
    expect(existsSync(join(dataDir, 'pki/ca.crt'))).toBe(true);
    for (const secret of [
      'secrets/upstream-password',
      'secrets/audit-hmac.key',
      'pki/ca.key',
      'pki/server.key',
    ]) {
      expect(statSync(join(dataDir, secret)).mode & 0o077).toBe(0);
    }
    const config = JSON.parse(readFileSync(join(dataDir, 'gerbang.json'), 'utf8')) as {
      agreements: { number: string; timeZone: string }[];
    };
    expect(config.agreements[0]).toMatchObject({
      number: '400.12.4.3/9/DKPS/2025',
      timeZone: 'Asia/Makassar',
    });
    // No secret value is printed.
    expect(output).not.toContain(
      readFileSync(join(dataDir, 'secrets/upstream-password'), 'utf8').trim(),
    );
  });

  it('prints a curl lookup that works exactly as printed', () => {
    const line = output.split('\n').find((l) => l.startsWith('curl '));
    expect(line).toBeDefined();
    const result = spawnSync('sh', ['-c', `${line ?? ''} --silent --show-error`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    const body = JSON.parse(result.stdout) as { data: Record<string, unknown> };
    expect(body.data).toMatchObject({
      nik: '6474015709900001',
      nama_lengkap: 'SITI KENARI RAHAYU',
      tanggal_lahir: '1990-09-17',
    });
  });

  it('enrols and activates reader-01 with the demo SAM', () => {
    const result = spawnSync(process.execPath, [BIN, 'admin', 'readers'], {
      cwd: ROOT,
      env: { ...process.env, GERBANG_DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(result.stdout).toMatch(
      /^reader-01 {2}active {2}SAM [0-9A-F]+ {2}since .* by gerbang-demo \(demo reader with the demo SAM\)$/m,
    );
  });

  it('listens where GERBANG_PORT and GERBANG_SIM_PORT say', () => {
    expect(output).toContain(`https://127.0.0.1:${gatewayPort}/v1/nik/lookup`);
    expect(output).toMatch(
      new RegExp(`Dukcapil simulator http://127\\.0\\.0\\.1:${simulatorPort} `),
    );
  });

  it('health and doctor find the gateway and the simulator through the same variables', () => {
    const health = gerbang(['health'], demoEnv);
    expect([health.status, health.stdout.trim(), health.stderr]).toEqual([
      0,
      `ok: the gateway answers TLS on 127.0.0.1:${gatewayPort}`,
      '',
    ]);
    const doctor = gerbang(['doctor'], demoEnv);
    expect(doctor.stdout).toMatch(
      new RegExp(
        `^  ok    gateway +answers TLS on 127\\.0\\.0\\.1:${gatewayPort} with server\\.certFile$`,
        'm',
      ),
    );
    expect(doctor.stdout).toMatch(
      new RegExp(
        `^  ok    upstream +http://127\\.0\\.0\\.1:${simulatorPort} answers as Dukcapil `,
        'm',
      ),
    );
    expect(doctor.stdout).toContain(
      `(with GERBANG_PORT=${gatewayPort}, GERBANG_SIM_PORT=${simulatorPort})`,
    );
    expect([doctor.status, doctor.stderr]).toEqual([0, '']);
    // Without the variables they look where the configuration says (8443, 8081), where this
    // demo is not: whatever else may listen there, it is not this gateway.
    const elsewhere = { GERBANG_DATA_DIR: dataDir };
    expect(gerbang(['health'], elsewhere).status).toBe(1);
    const lost = gerbang(['doctor'], elsewhere);
    expect(lost.stdout).not.toMatch(/^ {2}ok {4}gateway /m);
    expect(lost.stdout).toMatch(/^ {2}\S+ +gateway +.*127\.0\.0\.1:8443/m);
    expect(lost.stdout).toMatch(/^ {2}\S+ +upstream +.*127\.0\.0\.1:8081/m);
  });

  it('a connecting command given port 0, or a malformed port, is a usage error naming the variable', () => {
    const zero = gerbang(['health'], { ...demoEnv, GERBANG_PORT: '0' });
    expect(zero.status).toBe(64);
    expect(zero.stderr).toMatch(
      /^gerbang health: GERBANG_PORT is 0 \(any free port\).*cannot be known/,
    );
    for (const [name, value] of [
      ['GERBANG_PORT', 'https'],
      ['GERBANG_SIM_PORT', '70000'],
    ] as const) {
      const bad = gerbang(['doctor'], { ...demoEnv, [name]: value });
      expect([bad.status, bad.stdout]).toEqual([64, '']);
      expect(bad.stderr).toMatch(
        new RegExp(`^gerbang doctor: ${name} must be a port number from 0 to 65535`),
      );
    }
  });

  it('retention scan --self-test reaches the gateway at GERBANG_PORT without --gateway', () => {
    const scan = gerbang(['retention', 'scan', '--self-test'], demoEnv);
    expect(scan.stderr).toBe('');
    expect(scan.stdout).toContain('self-test lookup: 200');
    expect(scan.stdout).toContain('self-test verify: 200');
    expect(scan.stdout).toMatch(/nothing of a resident found/);
    expect(scan.status).toBe(0);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolvePromise) =>
      demo.once('exit', (code) => {
        resolvePromise(code);
      }),
    );
    demo.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('gerbang CLI', () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });

  it('config check accepts the demo configuration', () => {
    const result = run(['config', 'check'], { GERBANG_DATA_DIR: dataDir });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/is valid: 6 principals, 1 agreement/);
  });

  it('config check exits 78 naming the file, the bad path and why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gerbang-bad-'));
    try {
      const config = JSON.parse(readFileSync(join(dataDir, 'gerbang.json'), 'utf8')) as {
        server: Record<string, unknown>;
      };
      config.server['port'] = 'https';
      const path = join(dir, 'broken.json');
      writeFileSync(path, JSON.stringify(config));
      const result = run(['config', 'check'], { GERBANG_DATA_DIR: dataDir, GERBANG_CONFIG: path });
      expect(result.status).toBe(78);
      expect(result.stderr).toContain(`configuration ${path} is invalid`);
      expect(result.stderr).toContain('/server/port must be integer');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("config check exits 78 when an IKD issuer key is a private key, naming its path; the demo's issuer is a test issuer", () => {
    const config = JSON.parse(readFileSync(join(dataDir, 'gerbang.json'), 'utf8')) as {
      ikd: { issuerKeys: { id: string; publicKeyFile: string }[] };
    };
    const privateKey = join(dataDir, 'pki/ikd-issuer/demo-ikd-1.key');
    config.ikd.issuerKeys = [{ id: 'demo-ikd-1', publicKeyFile: privateKey }];
    // Beside the real one, so that its relative paths (secrets, PKI) resolve as the demo's do.
    const path = join(dataDir, 'ikd-broken.json');
    writeFileSync(path, JSON.stringify(config), { mode: 0o600 });
    try {
      const result = run(['config', 'check'], { GERBANG_DATA_DIR: dataDir, GERBANG_CONFIG: path });
      expect(result.status).toBe(78);
      expect(result.stderr).toContain(`configuration ${path} is invalid`);
      expect(result.stderr).toContain(
        `/ikd/issuerKeys/0/publicKeyFile: ${privateKey} is a private key; give the issuer public key only`,
      );
      expect(result.stderr).not.toContain(readFileSync(privateKey, 'utf8').split('\n')[1]);
    } finally {
      rmSync(path, { force: true });
    }
    const present = run(['ikd', 'present', '--nik', '6474015709900001'], {
      GERBANG_DATA_DIR: dataDir,
    });
    expect(present.status, present.stderr).toBe(0);
    expect(present.stderr).toMatch(/TEST IKD issuer .*not an IKD/);
    expect(present.stdout).toMatch(/^IKD1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}\n$/);
  });

  it('serve refuses a world-readable secret and names it', () => {
    const secret = join(dataDir, 'secrets/upstream-password');
    chmodSync(secret, 0o644);
    try {
      const result = run(['serve'], { GERBANG_DATA_DIR: dataDir });
      expect(result.status).toBe(78);
      expect(result.stderr).toContain(
        `secret file ${secret} is accessible by group or others (mode 0644)`,
      );
      expect(result.stderr).not.toContain(readFileSync(secret, 'utf8').trim());
    } finally {
      chmodSync(secret, 0o600);
    }
  });

  it('certs issue and revoke work on the instance', () => {
    const issued = run(['certs', 'issue', '--id', 'app-baru', '--role', 'app', '--p12'], {
      GERBANG_DATA_DIR: dataDir,
    });
    expect(issued.status).toBe(0);
    expect(issued.stdout).toMatch(/issued app-baru \(app\), serial [0-9A-F]+/);
    expect(existsSync(join(dataDir, 'pki/clients/app-baru.p12'))).toBe(true);
    const revoked = run(['certs', 'revoke', '--id', 'app-baru'], { GERBANG_DATA_DIR: dataDir });
    expect(revoked.status).toBe(0);
    expect(run(['certs', 'revoke', '--id', 'app-baru'], { GERBANG_DATA_DIR: dataDir }).status).toBe(
      1,
    );
    expect(
      run(['certs', 'issue', '--id', 'x', '--role', 'root'], { GERBANG_DATA_DIR: dataDir }).status,
    ).toBe(64);
  });

  it('audit verify, export, offline verify and proof work on the instance the demo wrote', () => {
    const env = { GERBANG_DATA_DIR: dataDir };
    const live = run(['audit', 'verify'], env);
    expect(live.stdout).toMatch(/^OK: the audit trail verifies — \d+ records/);
    expect(live.status).toBe(0);
    const file = join(dataDir, 'export.jsonl');
    expect(run(['audit', 'export', '--out', file], env).status).toBe(0);
    expect(statSync(file).mode & 0o077).toBe(0);
    // Offline, on a machine without the instance: only the CA certificate is needed.
    const offline = run(['audit', 'verify', file, '--ca', join(dataDir, 'pki/ca.crt')], {
      GERBANG_DATA_DIR: '/nonexistent',
    });
    expect(offline.status).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/6474015709900001|SITI KENARI/);
    writeFileSync(file, text.replace('"outcome":"success"', '"outcome":"denied"'));
    const tampered = run(['audit', 'verify', file, '--ca', join(dataDir, 'pki/ca.crt')], {});
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toMatch(
      /FAILED: .* does not verify at record \d+: the record was altered/,
    );
    const proof = run(['audit', 'proof', '--seq', '1'], env);
    expect(JSON.parse(proof.stdout)).toMatchObject({ kind: 'inclusion', seq: 1, verified: true });
  });

  it('writes a signed semester report that stock OpenSSL verifies, and that fails with one digit changed', () => {
    const out = join(dataDir, 'report-2026-2');
    const written = run(['report', 'semester', '--year', '2026', '--half', '2', '--out', out], {
      GERBANG_DATA_DIR: dataDir,
    });
    expect(written.status).toBe(0);
    // Before 1 January 2027 in Makassar the half is not over: the report says it is partial.
    expect(written.stdout).toMatch(
      Date.now() < Date.parse('2026-12-31T16:00:00Z')
        ? /\nSEMENTARA \(partial\): counts up to the cut-off \d{4}-/
        : /\nfinal: counts the whole half, cut-off 2026-12-31T16:00:00.000Z/,
    );
    expect(written.stdout).toContain(
      'due (PKS Pasal 8(1)): in 2026-12, by 2026-12-31 (Asia/Makassar)',
    );
    const due = run(['report', 'due'], { GERBANG_DATA_DIR: dataDir });
    expect(due.status).toBe(0);
    expect(due.stdout).toMatch(
      /^\d{4}-S[12]: due in \d{4}-(06|12), by \d{4}-(06-30|12-31) \(Asia\/Makassar\)/,
    );
    const openssl = (content: string) =>
      opensslCmsVerify({
        signature: join(out, 'report.p7s'),
        content,
        caFile: join(dataDir, 'pki/ca.crt'),
      });
    expect(openssl(join(out, 'report.json')).status).toBe(0);
    const json = readFileSync(join(out, 'report.json'), 'utf8');
    expect(json).not.toMatch(/6474015709900001|SITI|KENARI/);
    const tampered = join(out, 'tampered.json');
    writeFileSync(
      tampered,
      json.replace(
        /"distinctResidents":(\d)/,
        (_m, d: string) => `"distinctResidents":${(Number(d) + 1) % 10}`,
      ),
    );
    expect(readFileSync(tampered, 'utf8')).not.toBe(json);
    expect(openssl(tampered).status).not.toBe(0);
    expect(run(['report', 'verify', out], { GERBANG_DATA_DIR: dataDir }).stdout).toMatch(
      /^OK: report.json is signed by gerbang-reports and unchanged/,
    );
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('rotates the audit signing key: the gateway stopped, a new key configured, the old certificate kept, the trail verifies', () => {
    expect(demo.exitCode).toBe(0); // stopped by the demo suite above
    const env = { GERBANG_DATA_DIR: dataDir };
    const issued = run(
      ['certs', 'signing', '--purpose', 'audit', '--out', join(dataDir, 'pki/audit-signing-2')],
      env,
    );
    expect(issued.stdout).toMatch(/^issued an audit signing certificate, serial [0-9A-F]+/);
    const configPath = join(dataDir, 'gerbang.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as {
      audit: Record<string, unknown>;
    };
    const rotated = {
      ...config,
      audit: {
        ...config.audit,
        signingKeyFile: 'pki/audit-signing-2.key',
        signingCertFile: 'pki/audit-signing-2.crt',
        previousSigningCertFiles: [config.audit['signingCertFile']],
      },
    };
    writeFileSync(configPath, JSON.stringify(rotated));
    // New records are sealed by the new key; the old checkpoints by the old one.
    const file = join(dataDir, 'rotated.jsonl');
    expect(run(['audit', 'export', '--out', file], env).status).toBe(0);
    const offline = run(['audit', 'verify', file, '--ca', join(dataDir, 'pki/ca.crt')], {});
    expect([offline.status, offline.stderr]).toEqual([0, '']);
    // Without the retired certificate the old checkpoints no longer verify.
    writeFileSync(
      configPath,
      JSON.stringify({ ...rotated, audit: { ...rotated.audit, previousSigningCertFiles: [] } }),
    );
    const forgotten = run(['audit', 'verify'], env);
    expect(forgotten.status).toBe(1);
    expect(forgotten.stderr).toMatch(/the checkpoint signature does not verify/);
    writeFileSync(configPath, JSON.stringify(config));
  });

  it("unknown commands and options exit 64 with the usage on stderr, never the parser's text", () => {
    const unknown = run(['frobnicate'], {});
    expect([unknown.status, unknown.stdout]).toEqual([64, '']);
    expect(unknown.stderr).toMatch(/^gerbang: unknown command 'frobnicate'\n\ngerbang — /);
    const bogus = run(['certs', 'issue', '--bogus'], { GERBANG_DATA_DIR: dataDir });
    expect(bogus.status).toBe(64);
    expect(bogus.stderr).toMatch(
      /^gerbang certs issue: unknown option '--bogus'\n\nusage: gerbang certs issue --id ID --role ROLE/,
    );
    const missing = run(['audit', 'export'], { GERBANG_DATA_DIR: dataDir });
    expect([missing.status, missing.stderr.split('\n')[0]]).toEqual([
      64,
      'gerbang audit export: --out is required',
    ]);
    for (const result of [bogus, missing, run(['report', 'verify', 'a', 'b'], {})])
      expect(result.stderr).not.toMatch(
        /ERR_PARSE_ARGS|To specify a positional|TypeError|\n\s+at /,
      );
  });

  it('--help exits 0 with the usage on stdout; --version prints the version', () => {
    const version = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    ).version;
    expect(run(['--version'], {})).toMatchObject({
      status: 0,
      stdout: `gerbang ${version}\n`,
      stderr: '',
    });
    const top = run(['--help'], {});
    expect([top.status, top.stderr]).toEqual([0, '']);
    expect(top.stdout).toMatch(/^ {2}audit proof /m);
    expect(top.stdout).toMatch(/^ {2}admin readers$/m);
    // The reader agent's usage needs no PC/SC binding: its module is not even loaded.
    const reader = run(['reader', 'read', '--help'], {});
    expect([reader.status, reader.stderr]).toEqual([0, '']);
    expect(reader.stdout).toMatch(/^usage: gerbang reader read --reader-id ID/);
  });
});
