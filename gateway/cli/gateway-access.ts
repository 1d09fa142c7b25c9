/**
 * How command-line clients of the gateway (reader agent, bulk verification) find it and present
 * themselves: the instance's port on loopback, and a client certificate from the instance's PKI
 * unless the operator names other files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/index.ts';
import type { InstanceLocation } from '../config/instance.ts';

/** GERBANG_PORT (as `gerbang demo` honours it), else the configured port, else 8443. */
export function defaultGatewayUrl(
  location: InstanceLocation,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const fromEnv = Number(env['GERBANG_PORT']);
  if (Number.isInteger(fromEnv) && fromEnv > 0 && fromEnv < 65536)
    return `https://127.0.0.1:${String(fromEnv)}`;
  let port = 8443;
  try {
    port = loadConfig(location.configPath).server.port;
  } catch {
    // No readable configuration here: the documented default port.
  }
  return `https://127.0.0.1:${String(port)}`;
}

/** The CA to trust and the client's certificate and key: given files, or the instance's. */
export function clientCredentials(
  location: InstanceLocation,
  clientId: string,
  given: { cert?: string | undefined; key?: string | undefined; ca?: string | undefined } = {},
): { ca: Buffer; cert: Buffer; key: Buffer } {
  return {
    ca: readFileSync(given.ca ?? join(location.pkiDir, 'ca.crt')),
    cert: readFileSync(given.cert ?? join(location.pkiDir, 'clients', `${clientId}.crt`)),
    key: readFileSync(given.key ?? join(location.pkiDir, 'clients', `${clientId}.key`)),
  };
}
