/**
 * The demo's test IKD issuer: `gerbang demo`'s instance holds its key pair (the private key
 * 0600, the public key in the configuration), and `gerbang ikd present` makes presentations the
 * configured gateway reads; without a demo issuer it refuses.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openIkdProfile } from '../../adapters/ikd/index.ts';
import { loadConfig } from '../config/index.ts';
import { locateInstance } from '../config/instance.ts';
import { fileTempDir } from '../../test/helpers/temp-dir.ts';
import { demoIkdIssuerFiles, ensureDemoInstance } from './demo/instance.ts';
import { runCli } from './run-cli.ts';

const NIK = '6474015709900001'; // canary
const dir = fileTempDir('gerbang-ikd-demo-');

/** `gerbang …` in-process against the instance in `dataDir`: status and what it printed. */
async function gerbang(dataDir: string, argv: string[]) {
  vi.stubEnv('GERBANG_DATA_DIR', dataDir);
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  const status = await runCli(argv, {
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
  });
  vi.restoreAllMocks();
  return { status, stdout: stdout.join(''), stderr: stderr.join('\n') };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the demo IKD issuer', () => {
  it('is made with the demo instance and configured; ikd present makes what the gateway reads', async () => {
    const location = locateInstance({ GERBANG_DATA_DIR: join(dir, 'demo') });
    await ensureDemoInstance(location, { gateway: 0, simulator: 0 });
    const files = demoIkdIssuerFiles(location.pkiDir);
    expect(statSync(files.privateKey).mode & 0o777).toBe(0o600);
    const config = loadConfig(location.configPath);
    expect(config.ikd?.issuerKeys).toEqual([{ id: 'demo-ikd-1', publicKeyFile: files.publicKey }]);
    if (config.ikd === undefined) throw new Error('the demo configuration names no ikd');
    const profile = openIkdProfile(config.ikd);

    const made = await gerbang(location.dataDir, ['ikd', 'present', '--nik', NIK, '--ttl', '60']);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/^TEST IKD issuer \(docs\/ikd-profile\.md\): not an IKD/);
    const presentation = made.stdout.trim();
    expect(presentation).toMatch(/^IKD1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const reading = profile.read(presentation, new Date());
    expect(reading).toMatchObject({ ok: true, nik: NIK, keyId: 'demo-ikd-1' });
    expect(reading.ok && reading.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(90_000);
  });

  it('is refused where the instance has none, and a bad NIK is not repeated', async () => {
    const none = await gerbang(join(dir, 'empty'), ['ikd', 'present', '--nik', NIK]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no test IKD issuer in this instance .*`gerbang demo` makes one/);
    expect(none.stdout).toBe('');
    const bad = await gerbang(join(dir, 'empty'), ['ikd', 'present', '--nik', '6474015709900000']);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toMatch(/--nik must be a NIK of valid form/);
    expect(bad.stderr).not.toContain('6474015709900000');
  });
});
