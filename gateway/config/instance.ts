/**
 * How every command finds its instance: `GERBANG_DATA_DIR` (default `./var`) holds the state,
 * `GERBANG_CONFIG` (default `$GERBANG_DATA_DIR/gerbang.json`) the configuration.
 */
import { join, resolve } from 'node:path';

export interface InstanceLocation {
  readonly dataDir: string;
  readonly configPath: string;
  readonly pkiDir: string;
}

export function locateInstance(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): InstanceLocation {
  const dataDir = resolve(cwd, env['GERBANG_DATA_DIR'] ?? 'var');
  const configPath = resolve(cwd, env['GERBANG_CONFIG'] ?? join(dataDir, 'gerbang.json'));
  return { dataDir, configPath, pkiDir: join(dataDir, 'pki') };
}
