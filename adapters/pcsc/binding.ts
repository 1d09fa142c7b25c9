/**
 * The PC/SC binding (the npm package `pcsclite`) is an optional dependency: it compiles against
 * the PC/SC headers (libpcsclite-dev, pcsc-lite-devel), and only the reader agent needs it. It is
 * loaded on first use, so that a machine without those headers installs and runs the gateway, and
 * `gerbang reader …` says what to install instead of failing with a stack trace.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type pcsclite from 'pcsclite';

export type PcscFactory = typeof pcsclite;

/** The binding cannot be loaded; the message says what to install, on Debian/Ubuntu and RHEL. */
export class PcscBindingMissing extends Error {
  override readonly name = 'PcscBindingMissing';
  readonly code = 'pcsc_binding_missing';
}

/** Where npm put the package, if it did (a failed optional build leaves nothing behind). */
function installedPackageDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('pcsclite/package.json'));
  } catch {
    return undefined;
  }
}

/** What to do, depending on whether npm kept the package (built or not) or dropped it. */
export function pcscInstallAdvice(packageDir = installedPackageDir()): string {
  const headers =
    'install the PC/SC development files (Debian/Ubuntu: apt install libpcsclite-dev pcscd; RHEL: dnf install pcsc-lite-devel pcsc-lite)';
  const rebuild =
    packageDir !== undefined && existsSync(join(packageDir, 'package.json'))
      ? 'npm rebuild pcsclite'
      : 'npm ci (npm left the optional package out because it could not be built)';
  return `the PC/SC binding (npm package pcsclite) is not usable here. The reader agent needs it; the gateway does not. To fix: ${headers}, then run ${rebuild} in the Gerbang directory.`;
}

let loaded: Promise<PcscFactory> | undefined;

/** The binding's factory, loaded once; PcscBindingMissing when it is absent or not built. */
export function loadPcscBinding(): Promise<PcscFactory> {
  loaded ??= import('pcsclite').then(
    (module) => module.default,
    () => {
      loaded = undefined;
      throw new PcscBindingMissing(pcscInstallAdvice());
    },
  );
  return loaded;
}
