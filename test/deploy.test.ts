/**
 * The deployment material, checked by the tools that will read it: systemd's own security
 * analysis of both units (exposure at most 2.0), nft's parser on the firewall ruleset, hadolint on
 * the Dockerfile where installed, a YAML parser on the compose file; and the pieces agree with
 * each other (every secret the example configuration names is handed over by the unit and by
 * Compose). Then `gerbang doctor` and `gerbang health` as an operator runs them, on a healthy
 * demo instance and on a broken one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GERBANG,
  prepareInstance,
  ROOT,
  spawnGerbang,
  waitForHealth,
  type PreparedInstance,
} from './helpers/child-gateway.ts';
import { tracked } from './helpers/processes.ts';
import { isRoot, onPath, requireTools } from './helpers/tools.ts';

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The `credential:NAME` secrets of the example production configuration. */
const exampleCredentials = [
  ...read('deploy/gerbang.example.json').matchAll(/"credential:([\w.-]+)"/g),
]
  .map((m) => m[1] ?? '')
  .sort();

describe('systemd units', () => {
  const analyze = onPath('systemd-analyze');

  it.each(['deploy/systemd/gerbang.service', 'deploy/systemd/gerbang-reader.service'])(
    '%s: systemd-analyze security reports an exposure of 2.0 or less',
    (unit) => {
      const needs = { 'systemd (systemd-analyze)': analyze !== undefined };
      if (!requireTools(`${unit}: exposure`, needs)) return;
      const run = spawnSync(
        analyze ?? 'systemd-analyze',
        ['security', '--offline=true', '--no-pager', join(ROOT, unit)],
        { encoding: 'utf8' },
      );
      const exposure = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(run.stdout)?.[1]);
      expect(exposure, run.stdout.slice(-2000) + run.stderr).toBeLessThanOrEqual(2.0);
    },
  );

  it('the gateway unit runs as its own user, keeps state in StateDirectory and loads every secret the configuration names', () => {
    const unit = read('deploy/systemd/gerbang.service');
    expect(unit).toMatch(/^User=gerbang$/m);
    expect(unit).toMatch(/^StateDirectory=gerbang$/m);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    expect(unit).toMatch(/^CapabilityBoundingSet=$/m);
    expect(unit).toMatch(/^Environment=NODE_OPTIONS=--max-old-space-size=192$/m);
    expect(unit).toMatch(/dist\/gateway\/cli\/main\.js serve$/m);
    const loaded = [...unit.matchAll(/^LoadCredential=([\w.-]+):/gm)].map((m) => m[1]).sort();
    expect(loaded).toEqual(exampleCredentials);
  });

  it('the reader agent unit reaches pcscd through its socket, not the device', () => {
    const unit = read('deploy/systemd/gerbang-reader.service');
    expect(unit).toMatch(/^Requires=pcscd\.socket$/m);
    expect(unit).toMatch(/^PrivateDevices=yes$/m);
    expect(unit).toMatch(/^RestrictAddressFamilies=.*AF_UNIX/m);
    expect(unit).toMatch(/--key \$\{CREDENTIALS_DIRECTORY\}\/reader-key/);
  });
});

describe('deploy/nftables.conf', () => {
  const nft = onPath('nft');
  const rules = read('deploy/nftables.conf');

  it('parses with nft --check', () => {
    const needs = { nftables: nft !== undefined, 'root (nft needs CAP_NET_ADMIN)': isRoot() };
    if (!requireTools('nft --check', needs)) return;
    const run = spawnSync(nft ?? 'nft', ['--check', '-f', join(ROOT, 'deploy/nftables.conf')], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('drops by default both ways; lets in the application subnet to the gateway port only; lets out Dukcapil and the SIEM', () => {
    expect(rules).toMatch(/chain input \{\s+type filter hook input priority filter; policy drop;/);
    expect(rules).toMatch(
      /chain output \{\s+type filter hook output priority filter; policy drop;/,
    );
    const accepts = rules
      .split('\n')
      .filter((line) => /\baccept\b/.test(line) && /tcp dport/.test(line));
    expect(accepts.filter((line) => line.includes('$GATEWAY_PORT'))).toEqual([
      expect.stringContaining('ip saddr $APP_SUBNET') as string,
    ]);
    expect(rules).toMatch(
      /ip daddr \$DUKCAPIL tcp dport \$DUKCAPIL_PORT ct state new counter accept/,
    );
    expect(rules).toMatch(/ip daddr \$SIEM tcp dport \$SIEM_PORT ct state new counter accept/);
    // The addresses agree with the example configuration.
    const baseUrl = new URL(
      (JSON.parse(read('deploy/gerbang.example.json')) as { upstream: { baseUrl: string } })
        .upstream.baseUrl,
    );
    expect(rules).toContain(`define DUKCAPIL        = ${baseUrl.hostname}`);
    expect(rules).toContain(`define DUKCAPIL_PORT   = ${baseUrl.port}`);
  });
});

describe('container', () => {
  const dockerfile = read('Dockerfile');

  it('builds in one stage and runs from a slim Node 22 image as a non-root user, with a healthcheck', () => {
    const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\w+)$/gm)].map((m) => m[2]);
    expect(stages).toEqual(['build', 'run']);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    const run = dockerfile.slice(dockerfile.indexOf('AS run'));
    expect(run).toMatch(/^USER node$/m);
    expect(run).toMatch(
      /^HEALTHCHECK .*\n\s+CMD \["node", "dist\/gateway\/cli\/main\.js", "health"\]$/m,
    );
    expect(run).not.toMatch(/npm ci(?! --omit=dev)/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });

  it('copies no instance, key or secret into any layer', () => {
    const copies = [...dockerfile.matchAll(/^COPY (?:--from=\w+ )?(\S+)/gm)].map((m) => m[1] ?? '');
    for (const source of copies) expect(source).not.toMatch(/var|secret|credential|\.key|pki/);
    const ignore = read('.dockerignore').split('\n');
    expect(ignore[ignore.findIndex((l) => !l.startsWith('#') && l.trim() !== '')]).toBe('*');
    // Everything the build stage copies from the context is let through, and nothing else.
    const fromContext = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      (m[1] ?? '').split(' '),
    );
    const allowed = ignore
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).replace(/\/$/, ''));
    expect(fromContext.sort()).toEqual(allowed.sort());
  });

  it('passes hadolint where it is installed', () => {
    // Optional even in CI: hadolint is no Debian package, and .ci/run does not install it.
    const hadolint = onPath('hadolint');
    if (hadolint === undefined) {
      console.warn('hadolint not installed: the Dockerfile was not linted');
      return;
    }
    const run = spawnSync(hadolint, [join(ROOT, 'Dockerfile')], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
  });

  it('deploy/compose.yaml: read-only, no capabilities, and the secrets the configuration names', () => {
    const yaml = spawnSync('python3', ['-c', 'import yaml']).status === 0;
    if (!requireTools('deploy/compose.yaml', { 'python3-yaml': yaml })) return;
    const parsed = spawnSync(
      'python3',
      [
        '-c',
        'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))',
        join(ROOT, 'deploy/compose.yaml'),
      ],
      { encoding: 'utf8' },
    );
    expect(parsed.status, parsed.stderr).toBe(0);
    const compose = JSON.parse(parsed.stdout) as {
      services: Record<
        string,
        {
          read_only?: boolean;
          cap_drop?: string[];
          secrets?: string[];
          profiles?: string[];
          environment?: Record<string, string>;
        }
      >;
      secrets: Record<string, { file: string }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['demo', 'gerbang']);
    for (const service of Object.values(compose.services)) {
      expect(service.read_only).toBe(true);
      expect(service.cap_drop).toEqual(['ALL']);
    }
    const production = compose.services['gerbang'];
    expect(production?.environment?.['CREDENTIALS_DIRECTORY']).toBe('/run/secrets');
    expect([...(production?.secrets ?? [])].sort()).toEqual(exampleCredentials);
    expect(Object.keys(compose.secrets).sort()).toEqual(exampleCredentials);
  });
});

describe('deploy/gerbang-cli.sh, the production command line', () => {
  // A stand-in for the compiled CLI that prints what it was started with.
  const home = mkdtempSync(join(tmpdir(), 'gerbang-cli-'));
  mkdirSync(join(home, 'dist/gateway/cli'), { recursive: true });
  writeFileSync(
    join(home, 'dist/gateway/cli/main.js'),
    'console.log(JSON.stringify({ args: process.argv.slice(2), options: process.env.NODE_OPTIONS ?? null }))',
  );
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
  });
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const { NODE_OPTIONS: _inherited, ...env } = process.env;
    const result = spawnSync('sh', [join(ROOT, 'deploy/gerbang-cli.sh'), ...args], {
      env: { ...env, GERBANG_HOME: home, GERBANG_NODE: process.execPath, ...extra },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as { args: string[]; options: string | null };
  };

  it('bounds the heap of verify-batch and passes every argument through unchanged', () => {
    expect(run(['verify-batch', '--in', 'wajib pajak.csv', '--out', 'hasil.csv'])).toEqual({
      args: ['verify-batch', '--in', 'wajib pajak.csv', '--out', 'hasil.csv'],
      options: '--max-old-space-size=80 --max-semi-space-size=4',
    });
  });

  it("leaves the other commands on Node's defaults, and an operator's NODE_OPTIONS wins", () => {
    expect(run(['audit', 'verify']).options).toBeNull();
    expect(run([]).args).toEqual([]);
    expect(run(['verify-batch'], { NODE_OPTIONS: '--max-old-space-size=300' }).options).toBe(
      '--max-old-space-size=300',
    );
  });
});

describe('gerbang doctor and gerbang health on an instance', () => {
  let instance: PreparedInstance;
  let gateway: ChildProcess | undefined;
  // Asynchronous: the simulator runs in this process and must keep answering meanwhile.
  const cliWith = (
    env: Record<string, string>,
    ...args: string[]
  ): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = tracked(
        spawn(process.execPath, [GERBANG, ...args], {
          cwd: ROOT,
          env: { ...process.env, GERBANG_DATA_DIR: instance.dir, ...env },
        }),
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => {
        resolve({ status, stdout, stderr });
      });
    });
  const cli = (...args: string[]) => cliWith({}, ...args);

  beforeAll(async () => {
    instance = await prepareInstance();
    gateway = spawnGerbang(['serve'], instance.dir, { stdio: 'ignore' });
    const agent = instance.agent('officer-1');
    await waitForHealth(instance.url, agent);
    await agent.close();
  }, 60_000);
  afterAll(async () => {
    gateway?.kill('SIGKILL');
    await instance.simulator.close();
    rmSync(instance.dir, { recursive: true, force: true });
  });

  it('a healthy demo instance: doctor exits 0 and says healthy; health answers', async () => {
    const doctor = await cli('doctor');
    expect(doctor.stderr).toBe('');
    expect(doctor.status, doctor.stdout).toBe(0);
    expect(doctor.stdout).toMatch(/^0 failed, \d warning\(s\): healthy$/m);
    for (const check of [
      'configuration',
      'key file modes',
      'certificates',
      'clock',
      'gateway',
      'upstream',
      'disk space',
    ])
      expect(doctor.stdout).toMatch(new RegExp(`^  ok    ${check} `, 'm'));
    expect(doctor.stdout).toMatch(
      new RegExp(`^  ok    upstream +${instance.simulator.url} answers as Dukcapil `, 'm'),
    );
    const json = JSON.parse((await cli('doctor', '--json')).stdout) as {
      verdict: string;
      checks: { check: string; status: string }[];
    };
    expect([json.verdict, json.checks.length]).toEqual(['warn', 11]);
    // The demo names no time-stamp authority: asked about, and skipped rather than failed.
    expect(json.checks.find((entry) => entry.check === 'time-stamp authority')?.status).toBe(
      'skip',
    );
    const health = await cli('health');
    expect([health.status, health.stdout.trim()]).toEqual([
      0,
      `ok: the gateway answers TLS on 127.0.0.1:${instance.port}`,
    ]);
  });

  it('doctor fails when the upstream port is held by a web server that is not Dukcapil', async () => {
    // A plain node:http server answering 404, as whatever else listens on a port would; it is
    // found through GERBANG_SIM_PORT, as every command finds the upstream.
    const requests: string[] = [];
    const server: Server = createServer((req, res) => {
      requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const doctor = await cliWith({ GERBANG_SIM_PORT: String(port) }, 'doctor');
      expect(doctor.status).toBe(1);
      expect(doctor.stdout).toMatch(
        new RegExp(
          `^  FAIL  upstream +http://127\\.0\\.0\\.1:${port} is not the Dukcapil CALL_NIK endpoint: it answered HTTP 404, text/html$`,
          'm',
        ),
      );
      expect(doctor.stdout).not.toContain('Not Found');
      expect(requests).toEqual([
        expect.stringMatching(/^POST \/dukcapil\/get_json\/[\w-]+\/CALL_NIK$/),
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('doctor on a data directory that does not exist names it, and creates nothing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'gerbang-doctor-missing-'));
    const missing = join(parent, 'var');
    try {
      const doctor = await cliWith({ GERBANG_DATA_DIR: missing }, 'doctor');
      expect([doctor.status, doctor.stderr]).toEqual([1, '']);
      expect(doctor.stdout).toMatch(
        new RegExp(`^  FAIL  configuration +the data directory ${missing} does not exist: `, 'm'),
      );
      expect(doctor.stdout).toMatch(/^1 failed, \d warning\(s\): NOT HEALTHY$/m);
      expect(doctor.stdout).not.toMatch(/ENOENT/);
      expect(existsSync(missing)).toBe(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('a broken instance: doctor exits 1 naming each failure; health fails when the gateway is down', async () => {
    const key = join(instance.dir, 'secrets/upstream-password');
    expect(existsSync(key)).toBe(true);
    chmodSync(key, 0o644);
    await instance.simulator.close();
    gateway?.kill('SIGKILL');
    await new Promise((resolve) => gateway?.once('exit', resolve));
    gateway = undefined;
    const doctor = await cli('doctor');
    expect(doctor.status).toBe(1);
    expect(doctor.stdout).toMatch(
      /^ {2}FAIL {2}key file modes .*upstream\.passwordFile.*chmod 600/m,
    );
    expect(doctor.stdout).toMatch(/^ {2}FAIL {2}upstream .*cannot be reached \(ECONNREFUSED\)$/m);
    expect(doctor.stdout).toMatch(
      /^ {2}WARN {2}gateway .*nothing listens on .*the gateway is not running \(one started with GERBANG_PORT is found by running doctor with the same variables\)$/m,
    );
    expect(doctor.stdout).toMatch(/^2 failed, \d warning\(s\): NOT HEALTHY$/m);
    const health = await cli('health');
    expect(health.status).toBe(1);
    expect(health.stderr).toMatch(/ECONNREFUSED/);
    chmodSync(key, 0o600);
  });
});
