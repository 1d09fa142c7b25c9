/**
 * A temporary directory for the test file that imports the helper, removed after that file's
 * tests: helpers that keep one per test file (a CA, key files) would otherwise leave them in /tmp.
 * Call it at module level, where a file-level afterAll may be registered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function fileTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
