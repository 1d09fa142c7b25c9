import { chmodSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_AGREEMENT, demoConfig } from './demo.ts';
import { checkConfigDocument, ConfigError, loadConfig } from './load.ts';
import { readFileSync } from 'node:fs';
import { locateInstance } from './instance.ts';
import { readSecretText, resolveSecretPath } from './secrets.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory with the demo configuration and its secret files; `mutate` edits the JSON. */
function instance(mutate: (config: Record<string, unknown>) => void = () => undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'gerbang-config-'));
  dirs.push(dir);
  const config = JSON.parse(
    JSON.stringify(demoConfig(8443, 8081, DEMO_AGREEMENT.signedOn)),
  ) as Record<string, unknown>;
  mutate(config);
  writeFileSync(join(dir, 'gerbang.json'), JSON.stringify(config));
  mkdirSync(join(dir, 'pki'));
  mkdirSync(join(dir, 'secrets'));
  for (const secret of [
    'pki/server.key',
    'pki/audit-signing.key',
    'pki/report-signing.key',
    'secrets/upstream-password',
    'secrets/audit-hmac.key',
  ]) {
    writeFileSync(join(dir, secret), 'secret\n', { mode: 0o600 });
  }
  return join(dir, 'gerbang.json');
}

function problemsOf(path: string): readonly string[] {
  try {
    loadConfig(path);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('accepts the demo configuration, fills defaults and resolves paths against the file', () => {
    const path = instance();
    const config = loadConfig(path);
    expect(config.server.certFile).toBe(join(path, '..', 'pki/server.crt'));
    expect(config.upstream.breaker.failureThreshold).toBe(5);
    expect(config.principals['app-kasir']?.profile?.elements).toEqual(['nik', 'nama_lengkap']);
  });

  it.each<[string, (c: Record<string, unknown>) => void, RegExp]>([
    [
      'an unknown top-level key',
      (c) => (c['extra'] = 1),
      /^\(root\) must NOT have additional properties \(extra\)$/,
    ],
    [
      'a port of the wrong type',
      (c) => ((c['server'] as Record<string, unknown>)['port'] = '8443'),
      /^\/server\/port must be integer$/,
    ],
    [
      'a missing upstream password',
      (c) => delete (c['upstream'] as Record<string, unknown>)['passwordFile'],
      /^\/upstream must have required property 'passwordFile'$/,
    ],
    [
      'an unknown element',
      (c) => (((c['agreements'] as Record<string, unknown>[])[0] ?? {})['elements'] = ['agama']),
      /^\/agreements\/0\/elements\/0 must be equal to one of the allowed values$/,
    ],
    [
      'an unknown role',
      (c) => ((c['principals'] as Record<string, unknown>)['x'] = { role: 'root' }),
      /^\/principals\/x\/role must be equal to one of the allowed values$/,
    ],
    [
      'an app without profile',
      (c) => ((c['principals'] as Record<string, unknown>)['app-x'] = { role: 'app' }),
      /^\/principals\/app-x\/profile is required for role app$/,
    ],
    [
      'a bad time zone',
      (c) =>
        (((c['agreements'] as Record<string, unknown>[])[0] ?? {})['timeZone'] = 'Mars/Olympus'),
      /^\/agreements\/0\/timeZone must be an IANA time zone name/,
    ],
    [
      'a made-up zone of IANA form',
      (c) => (((c['agreements'] as Record<string, unknown>[])[0] ?? {})['timeZone'] = 'Not/AZone'),
      /^\/agreements\/0\/timeZone must be an IANA time zone name/,
    ],
    [
      'a fixed offset instead of a zone',
      (c) => (((c['agreements'] as Record<string, unknown>[])[0] ?? {})['timeZone'] = '+08:00'),
      /^\/agreements\/0\/timeZone must be an IANA time zone name/,
    ],
    [
      'the year 9999',
      (c) =>
        (((c['agreements'] as Record<string, unknown>[])[0] ?? {})['validUntil'] = '9999-12-31'),
      /^\/agreements\/0\/validUntil must be a calendar date from 2000-01-01 to 2100-12-31/,
    ],
    [
      'a day that does not exist',
      (c) => (((c['agreements'] as Record<string, unknown>[])[0] ?? {})['signedOn'] = '2025-02-30'),
      /^\/agreements\/0\/signedOn must be a calendar date/,
    ],
    [
      'a bad quota time zone',
      (c) => ((c['upstream'] as Record<string, unknown>)['quotaTimeZone'] = 'Asia/Nowhere'),
      /^\/upstream\/quotaTimeZone must be an IANA time zone name/,
    ],
    [
      'an inverted window',
      (c) =>
        (((c['agreements'] as Record<string, unknown>[])[0] ?? {})['validUntil'] = '2024-01-01'),
      /^\/agreements\/0\/validUntil must not be before validFrom$/,
    ],
    [
      'two agreements under one number',
      (c) => {
        const agreements = c['agreements'] as unknown[];
        agreements.push(agreements[0]);
      },
      /^\/agreements\/1\/number is the number of an earlier agreement$/,
    ],
    [
      'more upstream quota reserved than there is',
      (c) => {
        const kasir = (c['principals'] as Record<string, { profile: Record<string, unknown> }>)[
          'app-kasir'
        ];
        if (kasir) kasir.profile['upstreamQuotaReserve'] = 20_000_000;
      },
      /^\/principals: the upstreamQuotaReserve of the clients on default \(20000000\) exceeds \/upstream\/dailyQuota/,
    ],
    [
      'a bad NPWPD pattern',
      (c) => (c['returnData'] = { npwpdPattern: '([' }),
      /^\/returnData\/npwpdPattern is not a valid regular expression$/,
    ],
  ])('names the path of %s', (_name, mutate, expected) => {
    const problems = problemsOf(instance(mutate));
    expect(
      problems.some((p) => expected.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('refuses a file that is not JSON, naming the file', () => {
    const path = instance();
    writeFileSync(path, '{ "instance": ');
    expect(() => loadConfig(path)).toThrow(
      new RegExp(`configuration ${path} is invalid:\\n  - is not valid JSON`),
    );
  });

  it('refuses a missing file', () => {
    expect(() => loadConfig('/nonexistent/gerbang.json')).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('refuses a secret readable by group or others, and says how to fix it', () => {
    const path = instance();
    chmodSync(join(path, '..', 'secrets/upstream-password'), 0o640);
    const problems = problemsOf(path);
    expect(problems[0]).toMatch(
      /secret file .*upstream-password is accessible by group or others \(mode 0640\); run: chmod 600/,
    );
    expect(problems.join('')).not.toContain('secret\n');
  });
});

describe('the ikd section', () => {
  /** The demo configuration with an `ikd` section over `keys` (file name → key), written beside it. */
  function withIkd(
    keys: Record<string, KeyObject | string>,
    section: Record<string, unknown> = {},
  ): string {
    const path = instance((c) => {
      c['ikd'] = {
        issuerKeys: Object.keys(keys).map((name, i) => ({
          id: `ikd-${String(i + 1)}`,
          publicKeyFile: `ikd/${name}`,
        })),
        ...section,
      };
    });
    mkdirSync(join(path, '..', 'ikd'));
    for (const [name, key] of Object.entries(keys))
      writeFileSync(
        join(path, '..', 'ikd', name),
        typeof key === 'string' ? key : key.export({ type: 'spki', format: 'pem' }),
      );
    return path;
  }
  const ed25519 = generateKeyPairSync('ed25519');
  const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('is optional, and fills the profile and its limits, resolving key files', () => {
    expect(loadConfig(instance()).ikd).toBeUndefined();
    const path = withIkd({ 'a.pem': ed25519.publicKey, 'b.pem': p256.publicKey });
    expect(loadConfig(path).ikd).toEqual({
      profile: 'gerbang-ikd-1',
      issuerKeys: [
        { id: 'ikd-1', publicKeyFile: join(path, '..', 'ikd/a.pem') },
        { id: 'ikd-2', publicKeyFile: join(path, '..', 'ikd/b.pem') },
      ],
      maxClockSkewSeconds: 30,
      maxValiditySeconds: 300,
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an unknown profile',
      { profile: 'dukcapil-ikd' },
      /^\/ikd\/profile must be equal to constant$/,
    ],
    ['no key', { issuerKeys: [] }, /^\/ikd\/issuerKeys must NOT have fewer than 1 items$/],
    [
      'a key id of another form',
      { issuerKeys: [{ id: 'a b', publicKeyFile: 'x.pem' }] },
      /^\/ikd\/issuerKeys\/0\/id must match pattern/,
    ],
    [
      'an unknown member',
      { privateKeyFile: 'x.pem' },
      /^\/ikd must NOT have additional properties \(privateKeyFile\)$/,
    ],
    [
      'a skew above 5 minutes',
      { maxClockSkewSeconds: 301 },
      /^\/ikd\/maxClockSkewSeconds must be <= 300$/,
    ],
    [
      'a validity above an hour',
      { maxValiditySeconds: 3601 },
      /^\/ikd\/maxValiditySeconds must be <= 3600$/,
    ],
    [
      'two keys under one id',
      {
        issuerKeys: [
          { id: 'k', publicKeyFile: 'a.pem' },
          { id: 'k', publicKeyFile: 'b.pem' },
        ],
      },
      /^\/ikd\/issuerKeys\/1\/id is the id of an earlier key$/,
    ],
  ])('names the path of %s', (_name, section, expected) => {
    const problems = problemsOf(withIkd({ 'a.pem': ed25519.publicKey }, section));
    expect(
      problems.some((p) => expected.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it.each<[string, KeyObject | string, RegExp]>([
    [
      'a private key',
      ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      /is a private key; give the issuer public key only$/,
    ],
    [
      'an RSA key',
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
      /is neither an Ed25519 nor an ECDSA P-256 key$/,
    ],
    ['a text that is no key', 'hello', /is not a PEM public key$/],
  ])('refuses %s as an issuer key, naming the key file', (_name, key, expected) => {
    const problems = problemsOf(withIkd({ 'a.pem': key }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\/ikd\/issuerKeys\/0\/publicKeyFile: \/.*\/ikd\/a\.pem /);
    expect(problems[0]).toMatch(expected);
  });

  it('refuses a missing key file', () => {
    const path = instance((c) => {
      c['ikd'] = { issuerKeys: [{ id: 'k', publicKeyFile: 'none.pem' }] };
    });
    expect(problemsOf(path)).toEqual([
      `/ikd/issuerKeys/0/publicKeyFile: ${join(path, '..', 'none.pem')} cannot be read (ENOENT)`,
    ]);
  });
});

describe('secrets', () => {
  it('resolves systemd credentials', () => {
    expect(
      resolveSecretPath('credential:upstream-password', {
        CREDENTIALS_DIRECTORY: '/run/credentials/gerbang.service',
      }),
    ).toBe('/run/credentials/gerbang.service/upstream-password');
    expect(() =>
      resolveSecretPath('credential:../etc/shadow', { CREDENTIALS_DIRECTORY: '/x' }),
    ).toThrow(/invalid credential name/);
    expect(() => resolveSecretPath('credential:x', {})).toThrow(/CREDENTIALS_DIRECTORY is not set/);
  });
  it('reads a text secret without its newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gerbang-secret-'));
    dirs.push(dir);
    writeFileSync(join(dir, 's'), 'p4ss\n', { mode: 0o600 });
    expect(readSecretText(join(dir, 's'))).toBe('p4ss');
  });
});

describe('locateInstance', () => {
  it('defaults to ./var and ./var/gerbang.json', () => {
    expect(locateInstance({}, '/srv')).toEqual({
      dataDir: '/srv/var',
      configPath: '/srv/var/gerbang.json',
      pkiDir: '/srv/var/pki',
    });
  });
  it('honours GERBANG_DATA_DIR and GERBANG_CONFIG', () => {
    expect(
      locateInstance({ GERBANG_DATA_DIR: '/data', GERBANG_CONFIG: 'etc/g.json' }, '/srv'),
    ).toEqual({ dataDir: '/data', configPath: '/srv/etc/g.json', pkiDir: '/data/pki' });
  });
});

describe('deploy/gerbang.example.json', () => {
  it('is a valid configuration', () => {
    const example: unknown = JSON.parse(
      readFileSync(new URL('../../deploy/gerbang.example.json', import.meta.url), 'utf8'),
    );
    expect(checkConfigDocument(example)).toMatchObject({ ok: true });
  });
});
