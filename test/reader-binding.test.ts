/**
 * The PC/SC binding is optional (issue 17): on a machine without the PC/SC headers npm leaves
 * `pcsclite` out, or keeps it unbuilt. Both are made real here by mounting an empty tmpfs over
 * the package (or over its build output) in a private mount namespace; the reader agent must
 * then exit 69 with what to install, and never a stack trace. Needs root (mount), as in CI;
 * `.ci/bare-machine` checks the same on a clone installed without the headers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { GERBANG, ROOT } from './helpers/child-gateway.ts';
import { canUnshare, describeWithTools } from './helpers/tools.ts';

const binding = join(ROOT, 'node_modules', 'pcsclite');
const NEEDS = {
  'the pcsclite package, to hide (libpcsclite-dev, then npm ci)': existsSync(binding),
  'root, for a private mount namespace (unshare -m)': canUnshare('-m'),
};

const dataDir = mkdtempSync(join(tmpdir(), 'gerbang-binding-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** `gerbang reader read` with `hidden` replaced by an empty directory. */
function readerWithout(hidden: string) {
  const command = `mount -t tmpfs tmpfs '${hidden}' && exec '${process.execPath}' '${GERBANG}' reader read --reader-id reader-01 --purpose pelayanan-loket --reference R-1 --operator loket.01`;
  return spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', command], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, GERBANG_DATA_DIR: dataDir },
  });
}

describeWithTools('the reader agent without its PC/SC binding', NEEDS, () => {
  it.each([
    ['left out by npm', binding, /then run npm ci/],
    ['installed but not built', join(binding, 'build'), /then run npm rebuild pcsclite/],
  ])('%s: exit 69, what to install on Debian and RHEL, no stack trace', (_case, hidden, next) => {
    const run = readerWithout(hidden);
    expect(run.status).toBe(69);
    expect(run.stderr).toMatch(/^gerbang: pcsc_binding_missing: /);
    expect(run.stderr).toContain('libpcsclite-dev');
    expect(run.stderr).toContain('pcsc-lite-devel');
    expect(run.stderr).toMatch(next);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe('');
  });
});
