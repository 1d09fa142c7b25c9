/**
 * How every command finds its instance: `GERBANG_DATA_DIR` (default `./var`) holds the state,
 * `GERBANG_CONFIG` (default `$GERBANG_DATA_DIR/gerbang.json`) the configuration.
 */
import { readFileSync } from 'node:fs';
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

/**
 * A client's TLS material from an instance's PKI (`pki/ca.crt`, `pki/clients/ID.crt|.key`), or
 * from the files a person names instead.
 */
export function clientCredentials(
  pkiDir: string,
  clientId: string,
  given: { cert?: string | undefined; key?: string | undefined; ca?: string | undefined } = {},
): { ca: Buffer; cert: Buffer; key: Buffer } {
  return {
    ca: readFileSync(given.ca ?? join(pkiDir, 'ca.crt')),
    cert: readFileSync(given.cert ?? join(pkiDir, 'clients', `${clientId}.crt`)),
    key: readFileSync(given.key ?? join(pkiDir, 'clients', `${clientId}.key`)),
  };
}
