/**
 * The version of Gerbang, from its package.json: the one found walking up from this module, which
 * is two levels up from the sources (gateway/cli/) and three from a build (dist/gateway/cli/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function gerbangVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === 'gerbang' && typeof manifest.version === 'string')
        return (cached = manifest.version);
    }
    if (dirname(dir) === dir) return (cached = 'unknown');
  }
}
