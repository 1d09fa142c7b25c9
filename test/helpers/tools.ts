/**
 * What some suites need beyond Node: pcscd and vpcd, rsyslogd, chromium, systemd-analyze, nft,
 * root for a private mount namespace. In CI (`CI=true`, as .ci/run sets it) a missing tool fails
 * the suite: .ci/run installs every one of them, so a missing one is a broken machine, not a
 * reason to pass in silence. Elsewhere the suite is skipped, with one line saying what is missing.
 * Every suite checks through here, so that the rule is the same everywhere.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

/** True under CI: a missing tool is then a failure. */
export const IN_CI = ['true', '1'].includes((process.env['CI'] ?? '').toLowerCase());

/** The path of `command` on PATH, or undefined. */
export function onPath(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The first of `paths` that exists (tools whose Debian path is fixed, or libraries). */
export const firstExisting = (...paths: string[]): string | undefined =>
  paths.find((path) => existsSync(path));

export const isRoot = (): boolean => process.getuid?.() === 0;

/** Root, and `unshare` can make the namespaces `flags` ask for (-m, -n …) on this kernel. */
export const canUnshare = (...flags: string[]): boolean =>
  isRoot() && spawnSync('unshare', [...flags, 'true']).status === 0;

/** What a suite needs, by the name a reader would install or grant: present or not. */
export type Needs = Readonly<Record<string, boolean>>;

function missingOf(needs: Needs): string[] {
  return Object.entries(needs)
    .filter(([, present]) => !present)
    .map(([name]) => name);
}

function missingMessage(what: string, missing: string[]): string {
  return `${what}: missing ${missing.join(', ')}`;
}

function ciFailure(what: string, missing: string[]): Error {
  return new Error(
    `${missingMessage(what, missing)} (CI=true: .ci/run provides these, so this fails instead of skipping)`,
  );
}

/**
 * True when everything `needs` names is present. Otherwise throws under CI, and elsewhere says
 * on one line what is missing and returns false (the caller skips). For a check inside a test.
 */
export function requireTools(what: string, needs: Needs): boolean {
  const missing = missingOf(needs);
  if (missing.length === 0) return true;
  if (IN_CI) throw ciFailure(what, missing);
  console.warn(`${missingMessage(what, missing)}: skipped`);
  return false;
}

/**
 * `describe(name, body)` when everything `needs` names is present. Otherwise, under CI, a suite
 * of one failing test naming what is missing; elsewhere a skipped suite and one line saying why.
 * Hooks that start the tools belong inside `body`, so that they never run without them.
 */
export function describeWithTools(name: string, needs: Needs, body: () => void): void {
  const missing = missingOf(needs);
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  if (IN_CI) {
    describe(name, () => {
      it('has the tools it needs', () => {
        throw ciFailure(name, missing);
      });
    });
    return;
  }
  console.warn(`${missingMessage(name, missing)}: skipped`);
  describe.skip(name, body);
}
