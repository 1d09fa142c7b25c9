/**
 * Secrets (upstream password, HMAC key, private keys) are files readable by their owner only,
 * or systemd credentials (`credential:NAME` → $CREDENTIALS_DIRECTORY/NAME). Errors name the file
 * and the problem, never the content.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export class SecretError extends Error {
  override readonly name = 'SecretError';
}

/** Resolves `credential:NAME` to the systemd credentials directory; other paths are unchanged. */
export function resolveSecretPath(reference: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!reference.startsWith('credential:')) return reference;
  const name = reference.slice('credential:'.length);
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(name))
    throw new SecretError(`invalid credential name in ${reference}`);
  const directory = env['CREDENTIALS_DIRECTORY'];
  if (directory === undefined)
    throw new SecretError(`${reference}: CREDENTIALS_DIRECTORY is not set`);
  return join(directory, name);
}

/** Checks that a secret file exists, is a regular file and is not readable by group or others. */
export function checkSecretFile(path: string): void {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new SecretError(`secret file ${path} cannot be read (${code})`);
  }
  if (!stats.isFile()) throw new SecretError(`secret file ${path} is not a regular file`);
  const mode = stats.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SecretError(
      `secret file ${path} is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${path}`,
    );
  }
}

export function readSecretBytes(path: string): Buffer {
  checkSecretFile(path);
  return readFileSync(path);
}

/** A text secret (a password): the file's content without the trailing newline. */
export function readSecretText(path: string): string {
  const text = readSecretBytes(path)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text.length === 0) throw new SecretError(`secret file ${path} is empty`);
  return text;
}
