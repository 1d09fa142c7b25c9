/**
 * No retention, proven end to end: the demo gateway (a child process, its log captured in a file)
 * serves every data path with the canaries — lookup, verify, card read, return data — through the
 * retention self-test; then, with the gateway stopped, the scanner finds nothing in the data
 * directory, the log or the temporary directory. The same scanner finds a planted trace.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tracked } from './helpers/processes.ts';
import { holdsWithin } from './helpers/until.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/gerbang.js');
const dataDir = mkdtempSync(join(tmpdir(), 'gerbang-retention-'));
const logs = mkdtempSync(join(tmpdir(), 'gerbang-retention-logs-'));
let demo: ChildProcess | undefined;

afterAll(() => {
  demo?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(logs, { recursive: true, force: true });
});

const gerbang = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, GERBANG_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('gerbang retention scan', () => {
  it(
    'finds nothing after every data path ran with the canaries, and finds a planted trace',
    { timeout: 180_000 },
    async () => {
      const log = createWriteStream(join(logs, 'gerbang.log'));
      demo = tracked(
        spawn(process.execPath, [BIN, 'demo'], {
          cwd: ROOT,
          env: {
            ...process.env,
            GERBANG_DATA_DIR: dataDir,
            GERBANG_PORT: '0',
            GERBANG_SIM_PORT: '0',
          },
        }),
      );
      let output = '';
      // The demo logs to stderr; stdout is the summary for the person at the terminal (with an
      // example curl that names a canary NIK), not a log.
      demo.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      demo.stderr?.pipe(log);
      await holdsWithin(() => output.includes('Press Ctrl-C'), {
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      const url = /gateway\s+(https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect(url).toBeDefined();

      const selfTest = gerbang(
        'retention',
        'scan',
        '--self-test',
        '--gateway',
        url ?? '',
        '--logs',
        logs,
      );
      expect(selfTest.stderr).toBe('');
      expect(selfTest.stdout).toContain('self-test lookup: 200');
      expect(selfTest.stdout).toContain('self-test verify: 200');
      expect(selfTest.stdout).toContain('self-test card_read: 200');
      expect(selfTest.stdout).toContain('self-test return_data: delivered');
      expect(selfTest.stdout).toMatch(/nothing of a resident found/);
      expect(selfTest.status).toBe(0);

      demo.kill('SIGTERM');
      await new Promise((r) => demo?.once('exit', r));
      log.end();
      const after = gerbang('retention', 'scan', '--logs', logs);
      expect(after.status).toBe(0);
      expect(after.stdout).toMatch(/scanned \d+ files .*: nothing of a resident found/);

      // A trace planted in a copy of the audit database, in UTF-16LE, must be found.
      mkdirSync(join(dataDir, 'planted'));
      const copy = join(dataDir, 'planted', 'audit-copy.db');
      copyFileSync(join(dataDir, 'audit.db'), copy);
      const bytes = readFileSync(copy);
      const at = Math.floor(bytes.length / 2);
      Buffer.from('Siti Kenari Rahayu'.toUpperCase(), 'utf16le').copy(bytes, at);
      writeFileSync(copy, bytes);
      const planted = gerbang('retention', 'scan', '--logs', logs);
      expect(planted.status).toBe(1);
      expect(planted.stderr).toContain(
        `FOUND canary (utf16le) SI**************YU in ${copy} at byte ${at}`,
      );
      expect(planted.stderr).not.toContain('SITI KENARI RAHAYU');

      // Each scan is on the record.
      const verify = gerbang('audit', 'verify');
      expect(verify.status).toBe(0);
    },
  );
});
