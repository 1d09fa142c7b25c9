/**
 * How every command finds its instance: `GERBANG_DATA_DIR` (default `./var`) holds the state,
 * `GERBANG_CONFIG` (default `$GERBANG_DATA_DIR/gerbang.json`) the configuration, and
 * `GERBANG_HOST`, `GERBANG_PORT`, `GERBANG_SIM_PORT` move its endpoints (config/endpoints.ts).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  endpointOverridesFrom,
  instanceEndpoints,
  type EndpointOverrides,
  type InstanceEndpoints,
} from './endpoints.ts';
import type { GerbangConfig } from './schema.ts';

export interface InstanceLocation {
  readonly dataDir: string;
  readonly configPath: string;
  readonly pkiDir: string;
}

export function locateInstance(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): InstanceLocation {
  // An empty variable is unset, as for the GERBANG_* ports: `GERBANG_DATA_DIR=` must not make the
  // working directory the instance.
  const set = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const dataDir = resolve(cwd, set('GERBANG_DATA_DIR') ?? 'var');
  const configPath = resolve(cwd, set('GERBANG_CONFIG') ?? join(dataDir, 'gerbang.json'));
  return { dataDir, configPath, pkiDir: join(dataDir, 'pki') };
}

/** An instance as every command sees it: where its files are, and where its endpoints are. */
export interface Instance extends InstanceLocation {
  /** The environment's endpoint overrides (validated when the instance was resolved). */
  readonly overrides: EndpointOverrides;
  /** The configuration's endpoints with the overrides applied. */
  endpoints(config: GerbangConfig): InstanceEndpoints;
}

/**
 * The one way commands resolve their instance. A malformed GERBANG_PORT, GERBANG_SIM_PORT or
 * GERBANG_HOST throws EndpointError here, before anything is read, whatever the command.
 */
export function resolveInstance(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Instance {
  const overrides = endpointOverridesFrom(env);
  return {
    ...locateInstance(env, cwd),
    overrides,
    endpoints: (config) => instanceEndpoints(config, overrides),
  };
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
